// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/outgoingcallinfo.h>
#include <durable/core/result.h>

#include <QList>

namespace Durable {

class AgentHandlers;
class ObjectHost;

// An agent's durable calls to other objects, as the agent sees them: checks its arguments and
// continuation, then hands the call to ObjectCalls (the outbox, delivery and replies), and runs
// the continuation when the reply comes back as a "call-reply" turn.
//
// Worker thread only, inside a turn; failures throw Durable::Error.
class AgentObjectCalls
{
public:
    explicit AgentObjectCalls(const AgentHandlers &handlers) : m_handlers(handlers) { }

    // Fire and forget: no continuation.
    QString send(ObjectHost &host, const QString &className, const QString &name,
                 const QString &method, const QJsonValue &args);
    QString call(ObjectHost &host, const QString &className, const QString &name,
                 const QString &method, const QJsonValue &args, const QString &continuation,
                 const QJsonValue &payload);
    static QList<OutgoingCallInfo> pending(ObjectHost &host);
    // The "call-reply" turn.
    QJsonValue deliverReply(ObjectHost &host, const OutgoingCallInfo &call,
                            const Result<QJsonValue> &reply) const;

private:
    QString store(ObjectHost &host, const QString &className, const QString &name,
                  const QString &method, const QJsonValue &args, const QString &continuation,
                  const QJsonValue &payload);

    const AgentHandlers &m_handlers;
};

} // namespace Durable
