// SPDX-License-Identifier: MIT
#pragma once

#include "agentaccess.h"

#include <QList>
#include <durable/core/chatreply.h>
#include <durable/core/modelcallinfo.h>
#include <durable/core/result.h>
#include <optional>

namespace Durable {

class Agent;
class ChatModel;
class ObjectDatabase;
class ObjectHost;

// The private parts of Agent that the model-call turns reach (deliverReply, runTool,
// scriptedRules): the agent's one access struct, under the name this file has always used.
using ModelCallAccess = AgentAccess;

// Durable model calls of agents: the _durable_agent_model_calls table, and the turns that send
// a call after its turn committed, deliver the reply ("model-reply") and run tools ("tool").
//
// Worker thread only, inside a turn; failures throw Durable::Error. The ChatModel and the set of
// calls in flight live in a registry owned by the object's Worker, so they are per worker
// thread and go away with the engine.
namespace ModelCalls {

void ensureSchema(ObjectDatabase &db);
bool hasSchema(ObjectDatabase &db);
// Gives info an id ("mc-<n>") and stores it; returns the id.
QString insert(ObjectDatabase &db, ModelCallInfo info);
std::optional<ModelCallInfo> get(ObjectDatabase &db, const QString &id);
QList<ModelCallInfo> list(ObjectDatabase &db, bool pendingOnly);
void update(ObjectDatabase &db, const ModelCallInfo &info);

// Held back in the running turn's gate (TurnEffects), so they happen only once it committed.
void queueSend(ObjectHost &host, const QString &callId);
void queueTool(ObjectHost &host, const QString &callId, const QJsonObject &toolCall);
// Re-issues what the calls of this object were waiting for (after a restart or a failed
// turn); calls already in flight on this engine are skipped at send time.
void resumePending(ObjectHost &host);
// Sends the calls of this object that wait on the model and are not in flight on this engine,
// without counting an attempt (a sandbox's copy, whose calls would otherwise wait for its next
// agent turn). Returns how many went out. Changes no state, so an inspection turn may run it.
int sendWaiting(ObjectHost &host);
// The reply of callId reached its turn: it is no longer in flight.
void landed(ObjectHost &host, const QString &callId);

} // namespace ModelCalls

} // namespace Durable
