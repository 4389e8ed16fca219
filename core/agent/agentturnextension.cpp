// SPDX-License-Identifier: MIT
#include "agentjournal.h"
#include "agentstore.h"
#include "objectcalls.h"
#include "turnextension.h"

namespace Durable {

namespace {

// What agents add to the engine's turns: their tables journaled as facets, and on start the
// index rows and calls to other objects a crash cut off. See turnextension.h.
class AgentTurnExtension final : public TurnExtension
{
public:
    void record(ObjectDatabase &db, TurnChanges &changes) override
    {
        AgentJournal::journalFacets(db, changes);
    }

    QJsonObject read(ObjectDatabase &db) override { return AgentJournal::facets(db); }

    void resumePending(ObjectHost &host, Catalog::PendingKind kind) override
    {
        switch (kind) {
        case Catalog::PendingKind::Index:
            AgentStore::reindex(host);
            break;
        case Catalog::PendingKind::Outbox:
            ObjectCalls::resume(host);
            break;
        }
    }
};

// Installed when the library loads: the engine below cannot name the agent layer, and every
// engine of the process has agents available.
[[maybe_unused]] const bool s_installed = [] {
    static AgentTurnExtension extension;
    TurnExtension::install(&extension);
    return true;
}();

} // namespace

} // namespace Durable
