// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <chrono>
#include <memory>

namespace Durable {

class Clock;

enum class Durability {
    Normal, // committed data survives a crash of the process (WAL, synchronous=NORMAL)
    Full,   // ... and of the machine: every commit is fsynced before its reply is released
};

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
};

} // namespace Durable
