// SPDX-License-Identifier: MIT
#include "agentaccess.h"

#include <durable/core/agent.h>

namespace Durable {

QJsonValue AgentAccess::deliverReply(Agent &agent, const QString &callId, int round,
                                     const Result<ChatReply> &reply)
{
    return agent.deliverModelReply(callId, round, reply);
}

QJsonValue AgentAccess::runTool(Agent &agent, const QString &callId, const QString &toolCallId)
{
    return agent.runToolCall(callId, toolCallId);
}

QJsonValue AgentAccess::deliverReply(Agent &agent, const OutgoingCallInfo &call,
                                     const Result<QJsonValue> &reply)
{
    return agent.deliverCallReply(call, reply);
}

QJsonValue AgentAccess::runScheduleNow(Agent &agent, const ScheduleInfo &schedule)
{
    return agent.runScheduleNow(schedule);
}

QJsonValue AgentAccess::replaceState(Agent &agent, const QJsonObject &state)
{
    return agent.replaceState(state);
}

void AgentAccess::addHandler(Agent &agent, const QString &name, AgentDetail::HandlerFn fn)
{
    agent.addHandler(name, std::move(fn));
}

void AgentAccess::addTool(Agent &agent, const ToolDefinition &definition, AgentDetail::HandlerFn fn)
{
    agent.addTool(definition, std::move(fn));
}

void AgentAccess::addContinuation(Agent &agent, const QString &name, AgentDetail::ContinuationFn fn)
{
    agent.addContinuation(name, std::move(fn));
}

} // namespace Durable
