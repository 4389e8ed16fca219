// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QStringList>
#include <vector>

namespace Durable {

class TurnEffects;

// The messages a turn sends to the agent's WebSocket connections (Agent::send, broadcast),
// held until the turn ends and then handed to its gate as ConnectionMessage events, after the
// state change the same turn made: a client never hears of a turn before its state, nor of one
// that rolled back.
//
// Worker thread only, inside a turn.
class AgentConnectionMessages
{
public:
    // A string leaves as it is; any other value as compact JSON text.
    void send(const QString &connectionId, const QJsonValue &message);
    void broadcast(const QJsonValue &message, const QStringList &except);
    // Goes before every message of the turn (the hello of a connect turn).
    void sendFirst(const QString &connectionId, const QJsonValue &message);

    bool isEmpty() const { return m_messages.empty(); }
    void publish(TurnEffects &effects) const;
    void reset() { m_messages.clear(); }

private:
    struct Message
    {
        QStringList to; // empty: every connection
        QStringList except;
        QString data;
    };
    static QString text(const QJsonValue &message);

    std::vector<Message> m_messages;
};

} // namespace Durable
