// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>

namespace Durable {

// Monotonic counters the workers bump without locks; the inspector samples them.
struct EngineMetrics
{
    static constexpr int Buckets = 40; // turn durations by powers of two in microseconds

    std::atomic<qint64> turns {0};
    std::atomic<qint64> commits {0};
    std::atomic<qint64> failures {0};
    std::atomic<int> liveObjects {0};
    std::atomic<int> queued {0};
    std::array<std::atomic<qint64>, Buckets> durations {};

    void recordTurn(qint64 micros, bool ok)
    {
        turns.fetch_add(1, std::memory_order_relaxed);
        if (!ok)
            failures.fetch_add(1, std::memory_order_relaxed);
        int bucket = 0;
        while (bucket + 1 < Buckets && (qint64(1) << bucket) < micros)
            ++bucket;
        durations[bucket].fetch_add(1, std::memory_order_relaxed);
    }
};

} // namespace Durable
