// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>

#include <QHash>
#include <QStringList>

namespace Durable {

// The names an agent registered in its constructor: request handlers and continuations, in
// registration order, and the one way to look them up and run them, so every "unknown name"
// error reads the same and lists what exists.
//
// Filled in the agent's constructor, read by its turns: worker thread only. Lookups throw
// Durable::Error (UnknownMethod for a name that is not registered, InvalidArgument for a
// continuation of the wrong kind).
class AgentHandlers
{
public:
    using HandlerFn = AgentDetail::HandlerFn;
    using ContinuationFn = AgentDetail::ContinuationFn;

    void addHandler(const QString &name, HandlerFn fn);
    void addContinuation(const QString &name, ContinuationFn fn);
    QStringList handlerNames() const { return m_handlerOrder; }
    QStringList continuationNames() const { return m_continuationOrder; }

    const HandlerFn &handler(const QString &className, const QString &method) const;
    // use names what the continuation is for in the error ("a schedule", "a model reply").
    const ContinuationFn &continuation(const QString &className, const QString &name,
                                       const char *use) const;

    // Runs a continuation that takes a payload (a schedule's, a deadline's).
    QJsonValue runPayload(const QString &className, const QString &name,
                          const QJsonValue &payload) const;
    // A payload-only continuation gets {"payload", "reply"} or {"payload", "error"}.
    QJsonValue runModel(const QString &className, const QString &name, const QJsonValue &payload,
                        const Result<ChatReply> &reply) const;
    // A payload-only continuation gets {"request", "response"}.
    QJsonValue runHuman(const QString &className, const QString &name,
                        const HumanRequestInfo &request, const HumanResponse &response) const;

private:
    QHash<QString, HandlerFn> m_handlers;
    QStringList m_handlerOrder;
    QHash<QString, ContinuationFn> m_continuations;
    QStringList m_continuationOrder;
};

} // namespace Durable
