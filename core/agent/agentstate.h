// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <functional>

namespace Durable {

class AgentTables;
class ObjectHost;
class TurnEffects;

// The agent's JSON state (_durable_agent_state). It is read at most once per turn, not once per
// instance, because an admin may edit it between two turns; a write goes to the database at
// once and is announced (StateChanged) when the turn ends, through the turn's gate.
//
// Worker thread only, inside a turn; failures throw Durable::Error.
class AgentState
{
public:
    explicit AgentState(AgentTables &tables) : m_tables(tables) { }

    // Reads the stored state; when there is none, stores initial() first, so the inspection API
    // sees it without running the agent.
    void load(ObjectHost &host, const std::function<QJsonObject()> &initial);
    // After load().
    const QJsonObject &value() const { return m_state; }
    // After load(); an equal state writes nothing. Validation is the agent's (validateState()).
    void write(ObjectHost &host, const QJsonObject &next);

    bool changed() const { return m_changed; }
    void publish(TurnEffects &effects) const;
    // Read again at the next load() (a new turn).
    void unload() { m_loaded = false; }
    void reset();

private:
    AgentTables &m_tables;
    QJsonObject m_state;
    bool m_loaded = false;
    bool m_changed = false;
};

} // namespace Durable
