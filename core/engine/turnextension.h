// SPDX-License-Identifier: MIT
#pragma once

#include "catalog.h"
#include "journalfacets.h"

namespace Durable {

class ObjectHost;

// The engine's one extension point for the layer above it (the Agent SDK): what that layer
// adds to every object's turns and to recovery, without the engine knowing of agents.
//
//  - its reserved tables are journaled as facets (JournalFacets);
//  - on start, objects with a pending_work mark in the catalog owe it work that a crash cut
//    off (index rows, unanswered calls to other objects): resumePending() redoes it.
//
// The agent area installs its extension when the library loads (agentturnextension.cpp); an
// engine built without that area simply has none. Installed once, before any engine starts;
// read from any thread afterwards.
class TurnExtension : public JournalFacets
{
public:
    // On the object's strand, inside an inspection turn (no history, never creates a file).
    virtual void resumePending(ObjectHost &host, Catalog::PendingKind kind) = 0;

    static TurnExtension *installed();
    static void install(TurnExtension *extension);
};

} // namespace Durable
