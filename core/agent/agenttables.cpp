// SPDX-License-Identifier: MIT
#include "agenttables.h"

#include "agentstore.h"
#include "objecthost.h"

namespace Durable {

void AgentTables::ensure(ObjectHost &host)
{
    if (m_ready)
        return;
    AgentStore::ensureSchema(host.database());
    m_ready = true;
}

} // namespace Durable
