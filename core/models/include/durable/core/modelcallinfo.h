// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <durable/core/chatrequest.h>
#include <durable/core/objectid.h>

namespace Durable {

// One durable model call of an agent (Agent::callModel), as stored in its
// _durable_agent_model_calls table. `request` is the conversation so far: it grows with the
// model's tool calls and the tools' results, round after round. A plain value, any thread.
struct ModelCallInfo
{
    enum class Status {
        Model,  // waiting for the model's reply (sent, or to be re-issued)
        Tools,  // the model asked for tools; their turns are running
        Done,   // the continuation ran with the final reply
        Failed, // the continuation ran with an error
    };
    QString id; // "mc-<n>", per object, in call order
    QString continuation;
    QJsonValue payload;
    ChatRequest request;
    Status status = Status::Model;
    int round = 0;           // model replies with tool calls so far
    int attempt = 1;         // sends of the current round (re-issues after a restart count)
    QJsonArray pendingTools; // ToolCall JSON still to run (Tools)
    QJsonObject lastReply;   // ChatReply JSON of the latest round
    QString error;           // Failed
    qint64 createdMs = 0;
    qint64 updatedMs = 0;

    bool isPending() const { return status == Status::Model || status == Status::Tools; }
    static QString statusName(Status status);
    static Status statusFromName(const QString &name);
    QJsonObject toJson() const;
};

} // namespace Durable
