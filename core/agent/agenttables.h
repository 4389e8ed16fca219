// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {

class ObjectHost;

// Whether the agent tables (AgentStore) exist in the object's database, checked once per agent
// instance: a new instance (after a restart or a failed turn) may meet a database that predates
// them, and creating them on every call would cost a statement each time.
//
// Worker thread only, inside a turn.
class AgentTables
{
public:
    void ensure(ObjectHost &host);

private:
    bool m_ready = false;
};

} // namespace Durable
