// SPDX-License-Identifier: MIT
#include "agentsteps.h"

#include "agentstore.h"
#include "enginecore.h"
#include "objecthost.h"

namespace Durable {

QStringList AgentSteps::declared(ObjectHost &host)
{
    return host.classInfo().options.steps;
}

void AgentSteps::check(ObjectHost &host, const QString &step)
{
    const QStringList steps = declared(host);
    if (steps.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot enter step \"%2\": class %3 declares no workflow "
                                   "steps (ClassOptions::steps)")
                        .arg(host.label(), step, host.className()));
    }
    if (!steps.contains(step)) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 has no step \"%2\"; its steps are: %3")
                        .arg(host.className(), step, steps.join(QStringLiteral(", "))));
    }
}

void AgentSteps::load(ObjectHost &host)
{
    if (m_loaded)
        return;
    m_step = AgentStore::step(host.database());
    m_loaded = true;
    if (!m_synced) {
        // The index is written after the commit: a crash in between leaves it behind us (the
        // restart re-indexes objects marked pending; this catches any other drift).
        m_synced = true;
        const Result<QString> indexed = host.core().catalog().agentStep(host.id().toString());
        if (indexed.ok() && indexed.value() != m_step)
            m_changed = true;
    }
}

void AgentSteps::write(ObjectHost &host, const QString &step)
{
    Q_ASSERT(m_loaded);
    if (m_step == step)
        return;
    AgentStore::writeStep(host.database(), step, host.nowMs());
    m_step = step;
    m_changed = true;
}

void AgentSteps::index(ObjectHost &host, TurnEffects &effects) const
{
    if (!m_changed)
        return;
    effects.index(QStringLiteral("the step"),
                  [id = host.id().toString(), className = host.className(), step = m_step](
                      Catalog &catalog) { return catalog.writeAgentStep(id, className, step); });
}

void AgentSteps::reset()
{
    m_loaded = false;
    m_changed = false;
}

} // namespace Durable
