// SPDX-License-Identifier: MIT
#pragma once

#include "agentaccess.h"

#include <durable/core/outgoingcallinfo.h>
#include <durable/core/result.h>

#include <QList>
#include <optional>

namespace Durable {

class Agent;
class ObjectDatabase;
class ObjectHost;

// The engine's way into an agent for the "call-reply" turn (deliverReply).
using ObjectCallAccess = AgentAccess;

// Durable calls between objects: the caller's outbox (_durable_agent_calls); the callee's
// ledger of messages already applied is the engine's (receivedcalls.h).
//
// A call is a row written in the calling turn's transaction; its delivery is held in the turn's
// gate and leaves after the commit. The callee runs it as a request carrying an idempotency key
// and records the key with its reply in the same transaction, so a message delivered again
// (after a crash of the caller) gets the recorded reply instead of running twice. The reply
// comes back as a turn on the caller that deletes the row (a second reply finds none and is
// ignored) and runs the continuation, if any. The catalog's Outbox mark, written before the
// calling turn commits, makes a start after a crash deliver what is left.
//
// Worker thread only, inside a turn of the object named; failures throw Durable::Error.
namespace ObjectCalls {

// Stores the call and holds its delivery in the running turn's gate; returns its id.
QString send(ObjectHost &host, OutgoingCallInfo info);
QList<OutgoingCallInfo> pending(ObjectDatabase &db);
// Removes and returns a stored call (nullopt: answered already).
std::optional<OutgoingCallInfo> take(ObjectHost &host, const QString &callId);
// Delivers every stored call again (a start after a crash).
void resume(ObjectHost &host);
// At the end of a turn that answered or resumed calls: once none is left, the catalog's
// Outbox mark goes (through the turn's gate). Last in the turn, since a continuation may
// have made new calls.
void forgetMarkIfDone(ObjectHost &host);

} // namespace ObjectCalls

} // namespace Durable
