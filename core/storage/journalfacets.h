// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>

namespace Durable {

class ObjectDatabase;
struct TurnChanges;

// Reserved tables that a layer above storage (the Agent SDK's _durable_agent_* tables)
// journals as *facets*: pseudo-keys of the journal's key/value map, so that stateAt, diff,
// snapshots, the timeline and fork cover them with the machinery of key/value storage. The
// journal knows facets only through this interface.
//
// Worker thread only, inside a turn (or a journal snapshot); failures throw Durable::Error.
class JournalFacets
{
public:
    virtual ~JournalFacets() = default;
    // After a turn's work: records in changes.set (or changes.removed, when empty) the facets
    // of the reserved tables the turn wrote. Reads nothing when it wrote none.
    virtual void record(ObjectDatabase &db, TurnChanges &changes) = 0;
    // Every facet that is not empty, for a snapshot ({} for an object without any).
    virtual QJsonObject read(ObjectDatabase &db) = 0;
};

} // namespace Durable
