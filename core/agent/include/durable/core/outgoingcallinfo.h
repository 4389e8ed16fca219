// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <durable/core/objectid.h>

namespace Durable {

// A durable call from an agent to another object (Agent::sendTo, Agent::callObject) that has
// not been answered yet, as stored in the caller's _durable_agent_calls table. It was written in
// the turn that made it and is delivered after that turn committed, again after any restart,
// until the callee's reply (or error) has run on the caller. A plain value, any thread.
struct OutgoingCallInfo
{
    QString id;        // unique; "<caller id>:<id>" is the idempotency key the callee checks
    QString className; // the callee
    QString name;
    ObjectId targetId;
    QString method;
    QJsonValue args;
    QString continuation; // empty: sendTo, nobody waits for the reply
    QJsonValue payload;   // handed back to the continuation with the reply
    qint64 createdMs = 0;

    QJsonObject toJson() const;
};

} // namespace Durable
