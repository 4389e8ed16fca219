// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>
#include <durable/core/chatreply.h>
#include <durable/core/outgoingcallinfo.h>
#include <durable/core/result.h>
#include <durable/core/scheduleinfo.h>

#include <QJsonObject>
#include <QJsonValue>

namespace Durable {

class Agent;

// The engine's one way into an agent's private turns (Agent befriends it, and HumanInbox, which
// is public): model replies and tool runs (ModelCalls, which names it ModelCallAccess), replies
// to calls to other objects (ObjectCalls, as ObjectCallAccess) and admin commands (AgentAdmin).
// Each turn checks its thread and runs inside the agent's turn boundary.
//
// Worker thread only, inside a turn of the agent's object; failures throw Durable::Error.
struct AgentAccess
{
    // The "model-reply" and "tool" turns.
    static QJsonValue deliverReply(Agent &agent, const QString &callId, int round,
                                   const Result<ChatReply> &reply);
    static QJsonValue runTool(Agent &agent, const QString &callId, const QString &toolCallId);
    // Defined in modelcalls.cpp, its only user.
    static QJsonObject scriptedRules(const Agent &agent);

    // The "call-reply" turn.
    static QJsonValue deliverReply(Agent &agent, const OutgoingCallInfo &call,
                                   const Result<QJsonValue> &reply);

    // Admin turns: run one schedule now; replace the state through validateState().
    static QJsonValue runScheduleNow(Agent &agent, const ScheduleInfo &schedule);
    static QJsonValue replaceState(Agent &agent, const QJsonObject &state);

    // Registration for agents whose handlers are not C++ member functions (JsAgent).
    static void addHandler(Agent &agent, const QString &name, AgentDetail::HandlerFn fn);
    static void addContinuation(Agent &agent, const QString &name, AgentDetail::ContinuationFn fn);
    static void addTool(Agent &agent, const ToolDefinition &definition, AgentDetail::HandlerFn fn);
};

} // namespace Durable
