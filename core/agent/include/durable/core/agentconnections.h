// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QJsonValue>
#include <durable/core/agentconnection.h>
#include <memory>

namespace Durable {

class Engine;
class EngineCore;

// The engine's side of agents' WebSocket clients, for whoever holds the sockets (the gateway):
// each event of a socket becomes a journaled turn of its agent, queued on the object's strand
// in the order given, and what the agent sends back leaves through the change feed after the
// turn commits, as ConnectionMessage events addressed by connection id (see Agent::send()).
//
// A plain handle, cheap to copy, usable from any thread; nothing blocks the caller. Each future
// yields once the turn committed, or fails with the turn's error (the turn then rolled back and
// sent nothing): an unknown class (UnknownClass), an object that is not an agent
// (InvalidArgument), a handler or onMessage() that threw.
class AgentConnections
{
public:
    explicit AgentConnections(Engine *engine);

    // The "connect" turn: the object (created if it does not exist) runs onConnect(), then the
    // connection gets its hello, the first message it receives.
    QFuture<QJsonValue> connect(const QString &className, const QString &name,
                                const AgentConnection &connection) const;
    // The "message" turn: onMessage() with the client's text.
    QFuture<QJsonValue> message(const QString &className, const QString &name,
                                const AgentConnection &connection, const QString &text) const;
    // The "close" turn: onClose() with the WebSocket close code and reason.
    QFuture<QJsonValue> close(const QString &className, const QString &name,
                              const AgentConnection &connection, int code,
                              const QString &reason) const;

    // A connection id no other connection of this process has had: "c-<n>-<random>".
    static QString newConnectionId();

private:
    std::shared_ptr<EngineCore> m_core;
};

} // namespace Durable
