// SPDX-License-Identifier: MIT
#include "agentobjectcalls.h"

#include "agenthandlers.h"
#include "objectcalls.h"
#include "objecthost.h"

namespace Durable {

QString AgentObjectCalls::store(ObjectHost &host, const QString &className, const QString &name,
                                const QString &method, const QJsonValue &args,
                                const QString &continuation, const QJsonValue &payload)
{
    if (className.isEmpty() || name.isEmpty() || method.isEmpty()) {
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot call \"%2/%3.%4\": a call needs a class, a name and a method")
                .arg(host.label(), className, name, method));
    }
    // An unknown class (or method) is the callee's failure: it comes back as the reply's
    // error, like any other, so a call stored before a class went away is still answered.
    OutgoingCallInfo info;
    info.className = className;
    info.name = name;
    info.targetId = ObjectId::fromName(className, name);
    info.method = method;
    info.args = args;
    info.continuation = continuation;
    info.payload = payload;
    return ObjectCalls::send(host, info);
}

QString AgentObjectCalls::send(ObjectHost &host, const QString &className, const QString &name,
                               const QString &method, const QJsonValue &args)
{
    return store(host, className, name, method, args, {}, {});
}

QString AgentObjectCalls::call(ObjectHost &host, const QString &className, const QString &name,
                               const QString &method, const QJsonValue &args,
                               const QString &continuation, const QJsonValue &payload)
{
    const AgentHandlers::ContinuationFn &fn = m_handlers.continuation(
        host.className(), continuation, "a call's reply");
    if (!fn.payload) {
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot call %2/%3 with continuation \"%4\": it takes a human "
                           "answer or a model reply, not a call's reply")
                .arg(host.label(), className, name, continuation));
    }
    return store(host, className, name, method, args, continuation, payload);
}

QList<OutgoingCallInfo> AgentObjectCalls::pending(ObjectHost &host)
{
    return ObjectCalls::pending(host.database());
}

QJsonValue AgentObjectCalls::deliverReply(ObjectHost &host, const OutgoingCallInfo &call,
                                          const Result<QJsonValue> &reply) const
{
    QJsonObject wrapped {{QStringLiteral("callId"), call.id},
                         {QStringLiteral("to"),
                          QStringLiteral("%1/%2.%3").arg(call.className, call.name, call.method)},
                         {QStringLiteral("payload"), call.payload}};
    if (reply.ok())
        wrapped.insert(QStringLiteral("reply"), reply.value());
    else
        wrapped.insert(QStringLiteral("error"), reply.error().message());
    return m_handlers.continuation(host.className(), call.continuation, "a call's reply")
        .payload(wrapped);
}

} // namespace Durable
