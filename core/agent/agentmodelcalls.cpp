// SPDX-License-Identifier: MIT
#include "agentmodelcalls.h"

#include "agenthandlers.h"
#include "agenttables.h"
#include "modelcalls.h"
#include "objecthost.h"
#include <durable/core/jsontext.h>

#include <durable/core/jsonschema.h>

namespace Durable {

AgentModelCalls::AgentModelCalls(AgentTables &tables, const AgentHandlers &handlers)
    : m_tables(tables), m_handlers(handlers)
{ }

void AgentModelCalls::addTool(const ToolDefinition &definition, HandlerFn fn)
{
    if (definition.name.isEmpty() || m_tools.contains(definition.name)) {
        throw Error(
            ErrorCode::InvalidArgument,
            definition.name.isEmpty()
                ? QStringLiteral("An agent registered a tool without a name")
                : QStringLiteral("An agent registered the tool \"%1\" twice").arg(definition.name));
    }
    if (auto schema = JsonSchema::fromJson(definition.parameters); !schema) {
        throw schema.error().prefixed(
            QStringLiteral("The parameters of tool \"%1\"").arg(definition.name));
    }
    m_tools.insert(definition.name, {definition, std::move(fn)});
    m_toolOrder.append(definition.name);
}

QList<ToolDefinition> AgentModelCalls::toolDefinitions() const
{
    QList<ToolDefinition> list;
    for (const QString &name : m_toolOrder)
        list.append(m_tools.value(name).definition);
    return list;
}

void AgentModelCalls::resumeOnce(ObjectHost &host)
{
    if (m_resumed)
        return;
    // A call still in flight on this engine is skipped at send time.
    m_resumed = true;
    ModelCalls::resumePending(host);
}

QString AgentModelCalls::call(ObjectHost &host, const ChatRequest &request,
                              const QString &continuation, const QJsonValue &payload,
                              bool offerTools)
{
    const AgentHandlers::ContinuationFn &fn = m_handlers.continuation(
        host.className(), continuation, "a model reply");
    if (!fn.model && !fn.payload) {
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot call the model with continuation \"%2\": it takes a human "
                           "answer, not a model reply")
                .arg(host.label(), continuation));
    }
    if (request.messages.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 called the model without any message").arg(host.label()));
    }
    m_tables.ensure(host);
    ModelCallInfo info;
    info.continuation = continuation;
    info.payload = payload;
    info.request = request;
    if (offerTools && info.request.tools.isEmpty())
        info.request.tools = toolDefinitions();
    info.createdMs = host.nowMs();
    info.updatedMs = info.createdMs;
    const QString id = ModelCalls::insert(host.database(), info);
    ModelCalls::queueSend(host, id);
    return id;
}

QList<ModelCallInfo> AgentModelCalls::list(ObjectHost &host, bool pendingOnly)
{
    return ModelCalls::list(host.database(), pendingOnly);
}

QJsonValue AgentModelCalls::deliverReply(ObjectHost &host, const QString &callId, int round,
                                         const Result<ChatReply> &reply,
                                         const std::function<int()> &maxToolRounds)
{
    ObjectDatabase &db = host.database();
    std::optional<ModelCallInfo> info = ModelCalls::get(db, callId);
    if (!info || info->status != ModelCallInfo::Status::Model || info->round != round) {
        // A re-issued call answered twice: the first answer won.
        return QJsonObject {
            {QStringLiteral("ignored"),
             QStringLiteral("model call %1 (round %2) is no longer waiting for a reply")
                 .arg(callId)
                 .arg(round)}};
    }
    const QString className = host.className();
    info->updatedMs = host.nowMs();
    if (!reply.ok()) {
        info->status = ModelCallInfo::Status::Failed;
        info->error = reply.error().message();
        ModelCalls::update(db, *info);
        return m_handlers.runModel(className, info->continuation, info->payload, reply);
    }
    const ChatReply &answer = reply.value();
    info->lastReply = answer.toJson();
    if (answer.toolCalls.isEmpty()) {
        info->status = ModelCallInfo::Status::Done;
        ModelCalls::update(db, *info);
        return m_handlers.runModel(className, info->continuation, info->payload, reply);
    }
    if (info->round + 1 >= maxToolRounds()) {
        info->status = ModelCallInfo::Status::Failed;
        info->error = QStringLiteral("Model call %1 of %2 stopped: the model still asked for "
                                     "tools after %3 rounds (the limit is maxToolRounds())")
                          .arg(callId, host.label())
                          .arg(info->round + 1);
        ModelCalls::update(db, *info);
        return m_handlers.runModel(className, info->continuation, info->payload,
                                   Error(ErrorCode::LimitExceeded, info->error)
                                       .withContext(QStringLiteral("callId"), callId));
    }
    info->request.messages.append(answer.toMessage());
    info->status = ModelCallInfo::Status::Tools;
    info->pendingTools = QJsonArray();
    for (const ToolCall &call : answer.toolCalls)
        info->pendingTools.append(call.toJson());
    ModelCalls::update(db, *info);
    ModelCalls::queueTool(host, callId, info->pendingTools.first().toObject());
    QJsonArray names;
    for (const ToolCall &call : answer.toolCalls)
        names.append(call.name);
    return QJsonObject {{QStringLiteral("round"), info->round},
                        {QStringLiteral("toolCalls"), names}};
}

QString AgentModelCalls::invokeTool(const Result<ToolCall> &parsed, QJsonObject &output,
                                    bool &failed)
{
    failed = true;
    if (!parsed)
        return QStringLiteral("error: malformed tool call: %1").arg(parsed.error().message());
    const auto it = m_tools.constFind(parsed.value().name);
    if (it == m_tools.cend()) {
        return QStringLiteral("error: there is no tool \"%1\"; known tools: %2")
            .arg(parsed.value().name, m_toolOrder.join(QStringLiteral(", ")));
    }
    const JsonSchema schema = JsonSchema::fromJson(it->definition.parameters).orThrow();
    if (auto ok = schema.validate(parsed.value().arguments); !ok) {
        return QStringLiteral("error: the arguments of %1 do not match its schema: %2")
            .arg(parsed.value().name, ok.error().message());
    }
    // A tool's Durable::Error goes back to the model, which may correct itself; anything else
    // fails the turn (and the call is retried at the next activation).
    try {
        const QJsonValue result = it->handler(parsed.value().arguments);
        const QString content = result.isString() ? result.toString()
                                                  : QString::fromUtf8(JsonText::serialize(result));
        output.insert(QStringLiteral("result"), result);
        failed = false;
        return content;
    } catch (const Error &error) {
        return QStringLiteral("error: %1").arg(error.message());
    }
}

QJsonValue AgentModelCalls::runTool(ObjectHost &host, const QString &callId,
                                    const QString &toolCallId)
{
    ObjectDatabase &db = host.database();
    std::optional<ModelCallInfo> info = ModelCalls::get(db, callId);
    if (!info || info->status != ModelCallInfo::Status::Tools || info->pendingTools.isEmpty() ||
        info->pendingTools.first().toObject().value(QStringLiteral("id")).toString() !=
            toolCallId) {
        return QJsonObject {
            {QStringLiteral("ignored"),
             QStringLiteral("tool call %1 of model call %2 already ran").arg(toolCallId, callId)}};
    }
    const QJsonObject callJson = info->pendingTools.first().toObject();
    info->pendingTools.removeFirst();
    const Result<ToolCall> parsed = ToolCall::fromJson(callJson);
    QJsonObject output {{QStringLiteral("callId"), callId}};
    bool failed = true;
    const QString content = invokeTool(parsed, output, failed);
    if (failed)
        output.insert(QStringLiteral("error"), content);
    info->request.messages.append(ChatMessage::toolResult(
        toolCallId, content, parsed.ok() ? parsed.value().name : QString()));
    info->updatedMs = host.nowMs();
    if (!info->pendingTools.isEmpty()) {
        ModelCalls::update(db, *info);
        ModelCalls::queueTool(host, callId, info->pendingTools.first().toObject());
    } else {
        info->status = ModelCallInfo::Status::Model;
        info->round += 1;
        info->attempt = 1;
        ModelCalls::update(db, *info);
        ModelCalls::queueSend(host, callId);
    }
    return output;
}

} // namespace Durable
