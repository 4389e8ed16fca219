// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>

#include <QHash>
#include <QStringList>
#include <functional>

namespace Durable {

class AgentHandlers;
class AgentTables;
class ObjectHost;

// An agent's durable model calls and the tools it offers the model. A call is a row
// (ModelCalls) written in the calling turn and sent after the commit; the reply arrives as a
// "model-reply" turn, each tool call the model asks for runs as a "tool" turn, and the model is
// asked again with the results until it answers without tool calls (or the round limit is
// reached), when the call's continuation runs.
//
// Tools are registered in the agent's constructor; the rest is worker thread only, inside a
// turn. Failures throw Durable::Error; a tool's own Durable::Error goes back to the model.
class AgentModelCalls
{
public:
    using HandlerFn = AgentDetail::HandlerFn;
    AgentModelCalls(AgentTables &tables, const AgentHandlers &handlers);

    void addTool(const ToolDefinition &definition, HandlerFn fn);
    QList<ToolDefinition> toolDefinitions() const;

    // Once per instance, at its first turn: what the calls were waiting for when the last
    // instance went away (a restart, a failed turn) is issued again.
    void resumeOnce(ObjectHost &host);
    // offerTools: add the registered tools when request.tools is empty (OfferTools::Registered).
    QString call(ObjectHost &host, const ChatRequest &request, const QString &continuation,
                 const QJsonValue &payload, bool offerTools);
    static QList<ModelCallInfo> list(ObjectHost &host, bool pendingOnly);

    // The "model-reply" turn; maxToolRounds is asked only when the model wants tools.
    QJsonValue deliverReply(ObjectHost &host, const QString &callId, int round,
                            const Result<ChatReply> &reply,
                            const std::function<int()> &maxToolRounds);
    // The "tool" turn: runs the first pending tool call, then queues the next one or asks the
    // model again.
    QJsonValue runTool(ObjectHost &host, const QString &callId, const QString &toolCallId);

private:
    struct ToolEntry
    {
        ToolDefinition definition;
        HandlerFn handler;
    };
    // Runs one tool call of the model; returns the content that goes back to the model and
    // fills output's "result" (or leaves the error to the caller, returning failed).
    QString invokeTool(const Result<ToolCall> &parsed, QJsonObject &output, bool &failed);

    AgentTables &m_tables;
    const AgentHandlers &m_handlers;
    QHash<QString, ToolEntry> m_tools;
    QStringList m_toolOrder;
    bool m_resumed = false;
};

} // namespace Durable
