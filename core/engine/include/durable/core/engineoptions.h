// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/durability.h>
#include <durable/core/modelchoice.h>
#include <durable/core/modelprovider.h>

#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>

namespace Durable {

class Clock;
class ModelSources;

struct EngineOptions
{
    QString dataDir;
    int workerThreads = 0; // 0 = one per core
    std::chrono::milliseconds idleEviction = std::chrono::minutes(5);
    Durability durability = Durability::Normal;
    std::shared_ptr<Clock> clock; // null = the system clock
    int maxQueueDepth = 10000;    // per object; calls past it fail at once as "overloaded"
    int maxOpenObjects = 0;       // open SQLite connections; 0 = derived from the file limit
    int maxTurnsPerCommit = 128;  // write coalescing bound
    bool journal = true;
    // Whether start() may make a new data directory. Commands that only read (inspect, repair)
    // set it false: a directory without engine.sqlite is then refused, never filled in.
    bool createDataDir = true;
    // What `durable repair` needs besides --data to open this directory with the same classes
    // (e.g. {"--agents", "/opt/pkgs"}): the engine puts them in the repair command it suggests
    // for a quarantined object, so the command works when pasted.
    QStringList repairArguments;
    // Wall time one Storage::sql() call or inspection query may run before it is stopped and
    // its turn fails (error code timeout); 0 = unlimited. Runaway SQL (a recursive CTE without
    // end) would otherwise hold its worker and every object on it.
    std::chrono::milliseconds sqlBudget = std::chrono::seconds(5);
    // A sandbox's engine (Sandboxes): an agent's calls to other objects (Agent::callObject,
    // sendTo) are stored and shown as pending but never delivered, so nothing a sandbox does
    // reaches an object outside it, nor starts one inside it on a guess of its state.
    bool holdObjectCalls = false;
    // Makes the ChatModel behind Agent::callModel, once per worker thread. Empty: the
    // environment decides (DURABLE_MODEL=openai: OpenAiChatModel from OPENAI_*), else each agent
    // class answers from its own scripted rules (Agent::scriptedRules()), with no network.
    ModelProvider modelProvider;
    // Whether an empty modelProvider lets DURABLE_MODEL choose. False (`--model scripted`):
    // scripted rules only, whatever the environment says. See ModelChoice.
    bool modelFromEnvironment = true;
    // Per-call model sources (a sandbox's, from its model-sources.json): each answer of each
    // model call is the original's recorded reply, the model above (live) or a reply the user
    // edited. Null: every call goes to the model above.
    std::shared_ptr<ModelSources> modelSources;

    // The two fields above as a user's `--model` choice sets them.
    void setModel(const ModelChoice &choice)
    {
        modelProvider = choice.provider();
        modelFromEnvironment = choice.leavesChoiceToEnvironment();
    }
};

} // namespace Durable
