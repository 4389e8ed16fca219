// SPDX-License-Identifier: MIT
#include "agentstate.h"

#include "agentstore.h"
#include "agenttables.h"
#include "objecthost.h"

namespace Durable {

void AgentState::load(ObjectHost &host, const std::function<QJsonObject()> &initial)
{
    if (m_loaded)
        return;
    m_tables.ensure(host);
    ObjectDatabase &db = host.database();
    if (const std::optional<QJsonObject> stored = AgentStore::state(db)) {
        m_state = *stored;
    } else {
        m_state = initial();
        AgentStore::writeState(db, m_state, host.nowMs());
    }
    m_loaded = true;
}

void AgentState::write(ObjectHost &host, const QJsonObject &next)
{
    Q_ASSERT(m_loaded);
    if (next == m_state)
        return;
    AgentStore::writeState(host.database(), next, host.nowMs());
    m_state = next;
    m_changed = true;
}

void AgentState::publish(TurnEffects &effects) const
{
    if (m_changed)
        effects.publish(ChangeEvent::Kind::StateChanged, {{QStringLiteral("state"), m_state}});
}

void AgentState::reset()
{
    m_loaded = false;
    m_changed = false;
}

} // namespace Durable
