// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <durable/core/chatmessage.h>
#include <durable/core/result.h>
#include <durable/core/tokenusage.h>
#include <durable/core/toolcall.h>

namespace Durable {

// What a model answered: text and/or tool calls, why it stopped, what it cost and how long it
// took. `provider` ("openai-compatible", "scripted", ...), `scripted` and `replayedFrom` let the
// studio and the journal label replies that did not come from a live model. A plain value; the
// engine persists it as JSON, so toJson()/fromJson() round-trip exactly (toJson() writes every
// field except an empty replayedFrom, so live replies and recorded cassettes stay as they were).
struct ChatReply
{
    QString content;
    QList<ToolCall> toolCalls;
    QString finishReason; // "stop", "tool_calls", "length", ... as the provider said
    TokenUsage usage;
    qint64 latencyMs = 0;
    QString model;    // the model that answered, as the provider named it
    QString provider; // "openai-compatible", "scripted"
    bool scripted = false;
    // What a replay served this reply from: a cassette file (name only), or "original turn N"
    // for a sandbox's recorded reply (ModelSources); empty for live replies. Everything else is
    // exactly what was recorded.
    QString replayedFrom;

    // The assistant message to append to the conversation.
    ChatMessage toMessage() const;

    QJsonObject toJson() const;
    static Result<ChatReply> fromJson(const QJsonObject &json);

    friend bool operator==(const ChatReply &, const ChatReply &) = default;
};

} // namespace Durable
