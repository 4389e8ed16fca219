// SPDX-License-Identifier: MIT
#include "jsagent.h"

#include "agentaccess.h"
#include "jsagentbridge.h"

#include <durable/core/chatreply.h>
#include <durable/core/humanrequest.h>

#include <QFileInfo>
#include <QJSValueIterator>

namespace Durable {

namespace {

// What a model continuation gets: the reply, or for a failed call one that says so the way the
// C++ examples read it (finishReason "error").
QJsonValue replyJson(const Result<ChatReply> &reply)
{
    if (reply)
        return reply.value().toJson();
    return QJsonObject {{QStringLiteral("content"), reply.error().message()},
                        {QStringLiteral("finishReason"), QStringLiteral("error")},
                        {QStringLiteral("error"), reply.error().message()}};
}

} // namespace

JsAgent::JsAgent(const QString &path, const QString &className, const QString &version)
    : m_path(QFileInfo(path).absoluteFilePath()), m_className(className),
      m_runtimeRef(JsRuntime::forThisThread(m_path + QLatin1Char('#') + version)),
      m_runtime(*m_runtimeRef)
{
    m_bridge = std::make_unique<JsAgentBridge>(*this, m_runtime.engine());
    const QJSValue cls = m_runtime.agentClass(m_path, m_className);
    m_instance = m_runtime.construct(cls, m_bridge.get(),
                                     QStringLiteral("new %1()").arg(m_className));
    if (std::optional<Error> error = m_bridge->takeError())
        throw *error;
    registerHandlers();
    registerContinuations();
    registerTools();
}

JsAgent::~JsAgent() = default;

void JsAgent::registerHandlers()
{
    QJSValueIterator it(m_instance.property(QStringLiteral("__handlers")));
    while (it.hasNext()) {
        it.next();
        const QString name = it.name();
        const QJSValue fn = it.value();
        const QString what = QStringLiteral("%1.%2").arg(m_className, name);
        AgentAccess::addHandler(*this, name, [this, fn, what](const QJsonValue &args) {
            return invoke(fn, {args}, what);
        });
    }
}

void JsAgent::registerContinuations()
{
    // A JavaScript function takes whatever it is given: one registration serves a payload (a
    // schedule, a call's reply), a model reply and a person's answer alike.
    QJSValueIterator it(m_instance.property(QStringLiteral("__continuations")));
    while (it.hasNext()) {
        it.next();
        const QString name = it.name();
        const QJSValue fn = it.value();
        const QString what = QStringLiteral("%1.%2").arg(m_className, name);
        AgentDetail::ContinuationFn continuation;
        continuation.payload = [this, fn, what](const QJsonValue &payload) {
            return invoke(fn, {payload}, what);
        };
        continuation.model = [this, fn, what](const QJsonValue &payload,
                                              const Result<ChatReply> &reply) {
            return invoke(fn, {payload, replyJson(reply)}, what);
        };
        continuation.human = [this, fn, what](const HumanRequestInfo &request,
                                              const HumanResponse &response) {
            return invoke(fn, {request.toJson(), response.toJson()}, what);
        };
        AgentAccess::addContinuation(*this, name, std::move(continuation));
    }
}

void JsAgent::registerTools()
{
    const QJSValue tools = m_instance.property(QStringLiteral("__tools"));
    const int count = tools.property(QStringLiteral("length")).toInt();
    for (int i = 0; i < count; ++i) {
        const QJSValue tool = tools.property(quint32(i));
        ToolDefinition definition;
        definition.name = tool.property(QStringLiteral("name")).toString();
        definition.description = tool.property(QStringLiteral("description")).toString();
        definition.parameters =
            JsAgentBridge::toJson(tool.property(QStringLiteral("parameters"))).toObject();
        const QJSValue fn = tool.property(QStringLiteral("fn"));
        const QString what = QStringLiteral("%1 tool %2").arg(m_className, definition.name);
        AgentAccess::addTool(*this, definition, [this, fn, what](const QJsonValue &args) {
            return invoke(fn, {args}, what);
        });
    }
}

QJsonValue JsAgent::invoke(const QJSValue &fn, const QList<QJsonValue> &args,
                           const QString &what) const
{
    QJSValueList values;
    for (const QJsonValue &arg : args)
        values.append(JsAgentBridge::toJs(m_runtime.engine(), arg));
    QJSValue result;
    try {
        result = m_runtime.call(m_instance, fn, values, what);
    } catch (const Error &error) {
        // An error of the Agent API thrown through JavaScript is rethrown as itself, unless the
        // watchdog stopped the call: then that is what the author needs to hear.
        std::optional<Error> own = m_bridge->takeError();
        if (own && error.code() != ErrorCode::LimitExceeded)
            throw *own;
        throw;
    }
    if (std::optional<Error> own = m_bridge->takeError())
        throw *own; // caught in JavaScript, but the turn is spoiled all the same
    const QJsonValue json = JsAgentBridge::toJson(result);
    return json.isUndefined() ? QJsonValue() : json;
}

QJsonValue JsAgent::callOptional(const QString &method, const QList<QJsonValue> &args) const
{
    const QJSValue fn = m_instance.property(method);
    if (!fn.isCallable())
        return QJsonValue(QJsonValue::Undefined);
    return invoke(fn, args, QStringLiteral("%1.%2").arg(m_className, method));
}

QJsonObject JsAgent::initialState() const
{
    return callOptional(QStringLiteral("initialState"), {}).toObject();
}

Result<void> JsAgent::validateState(const QJsonObject &next) const
{
    // A string refuses the state with that message; anything else accepts it.
    const QJsonValue verdict = callOptional(QStringLiteral("validateState"), {next});
    if (verdict.isString() && !verdict.toString().isEmpty())
        return Error(ErrorCode::InvalidArgument, verdict.toString());
    return {};
}

QJsonObject JsAgent::scriptedRules() const
{
    return callOptional(QStringLiteral("scriptedRules"), {}).toObject();
}

void JsAgent::onConnect(const AgentConnection &connection)
{
    callOptional(QStringLiteral("onConnect"), {connection.toJson()});
}

void JsAgent::onMessage(const AgentConnection &connection, const QString &message)
{
    if (!m_instance.property(QStringLiteral("onMessage")).isCallable()) {
        Agent::onMessage(connection, message); // calls to the registered handlers
        return;
    }
    callOptional(QStringLiteral("onMessage"), {connection.toJson(), message});
}

void JsAgent::onClose(const AgentConnection &connection, int code, const QString &reason)
{
    callOptional(QStringLiteral("onClose"), {connection.toJson(), code, reason});
}

} // namespace Durable
