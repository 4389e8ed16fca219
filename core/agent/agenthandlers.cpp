// SPDX-License-Identifier: MIT
#include "agenthandlers.h"

#include <durable/core/error.h>

namespace Durable {

void AgentHandlers::addHandler(const QString &name, HandlerFn fn)
{
    // Registration happens in the constructor, which runs inside the object's first turn: a
    // mistake there fails that turn with this message.
    if (name.isEmpty() || m_handlers.contains(name)) {
        throw Error(ErrorCode::InvalidArgument,
                    name.isEmpty()
                        ? QStringLiteral("An agent registered a handler without a name")
                        : QStringLiteral("An agent registered the handler \"%1\" twice").arg(name));
    }
    m_handlers.insert(name, std::move(fn));
    m_handlerOrder.append(name);
}

void AgentHandlers::addContinuation(const QString &name, ContinuationFn fn)
{
    if (name.isEmpty() || m_continuations.contains(name)) {
        throw Error(
            ErrorCode::InvalidArgument,
            name.isEmpty()
                ? QStringLiteral("An agent registered a continuation without a name")
                : QStringLiteral("An agent registered the continuation \"%1\" twice").arg(name));
    }
    m_continuations.insert(name, std::move(fn));
    m_continuationOrder.append(name);
}

const AgentHandlers::HandlerFn &AgentHandlers::handler(const QString &className,
                                                       const QString &method) const
{
    const auto it = m_handlers.constFind(method);
    if (it == m_handlers.cend()) {
        throw Error(ErrorCode::UnknownMethod,
                    m_handlerOrder.isEmpty()
                        ? QStringLiteral("%1 has no handler \"%2\"; it registers no handlers")
                              .arg(className, method)
                        : QStringLiteral("%1 has no handler \"%2\"; known handlers: %3")
                              .arg(className, method, m_handlerOrder.join(QStringLiteral(", "))))
            .withContext(QStringLiteral("method"), method);
    }
    return it.value();
}

const AgentHandlers::ContinuationFn &AgentHandlers::continuation(const QString &className,
                                                                 const QString &name,
                                                                 const char *use) const
{
    const auto it = m_continuations.constFind(name);
    if (it == m_continuations.cend()) {
        throw Error(ErrorCode::UnknownMethod,
                    m_continuationOrder.isEmpty()
                        ? QStringLiteral("%1 has no continuation \"%2\" for %3; it registers no "
                                         "continuations")
                              .arg(className, name, QLatin1String(use))
                        : QStringLiteral("%1 has no continuation \"%2\" for %3; known "
                                         "continuations: %4")
                              .arg(className, name, QLatin1String(use),
                                   m_continuationOrder.join(QStringLiteral(", "))))
            .withContext(QStringLiteral("continuation"), name);
    }
    return it.value();
}

QJsonValue AgentHandlers::runPayload(const QString &className, const QString &name,
                                     const QJsonValue &payload) const
{
    const ContinuationFn fn = continuation(className, name, "a schedule");
    if (!fn.payload) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Continuation \"%1\" of %2 does not take a payload")
                        .arg(name, className));
    }
    return fn.payload(payload);
}

QJsonValue AgentHandlers::runModel(const QString &className, const QString &name,
                                   const QJsonValue &payload, const Result<ChatReply> &reply) const
{
    const ContinuationFn fn = continuation(className, name, "a model reply");
    if (fn.model)
        return fn.model(payload, reply);
    if (fn.payload) {
        QJsonObject wrapped {{QStringLiteral("payload"), payload}};
        if (reply.ok())
            wrapped.insert(QStringLiteral("reply"), reply.value().toJson());
        else
            wrapped.insert(QStringLiteral("error"), reply.error().message());
        return fn.payload(wrapped);
    }
    throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("Continuation \"%1\" of %2 takes a human answer, not a model reply")
                    .arg(name, className));
}

QJsonValue AgentHandlers::runHuman(const QString &className, const QString &name,
                                   const HumanRequestInfo &request,
                                   const HumanResponse &response) const
{
    const ContinuationFn fn = continuation(className, name, "a human answer");
    if (fn.human)
        return fn.human(request, response);
    return fn.payload(QJsonObject {{QStringLiteral("request"), request.toJson()},
                                   {QStringLiteral("response"), response.toJson()}});
}

} // namespace Durable
