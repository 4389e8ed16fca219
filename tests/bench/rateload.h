// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/stub.h>

#include <QString>

#include <atomic>
#include <thread>
#include <vector>

namespace DurableBench {

// Offers calls at a fixed rate from a thread of its own, round-robin over the given stubs,
// with the callback form of Stub::call so no thread waits on a reply. At most maxInFlight calls
// are outstanding: when the engine falls behind, the load waits rather than queueing without
// bound, so the achieved rate (completed / seconds) says whether the target was held.
class RateLoad
{
public:
    RateLoad(std::vector<Durable::Stub> stubs, QString method, double callsPerSecond,
             int maxInFlight = 4096);
    ~RateLoad();

    void start();
    // Stops offering calls and waits for the outstanding ones.
    void stop();

    qint64 completed() const { return m_completed.load(); }
    qint64 failed() const { return m_failed.load(); }

private:
    void run();

    std::vector<Durable::Stub> m_stubs;
    QString m_method;
    double m_rate;
    int m_maxInFlight;
    std::atomic<bool> m_running {false};
    std::atomic<qint64> m_inFlight {0};
    std::atomic<qint64> m_completed {0};
    std::atomic<qint64> m_failed {0};
    std::thread m_thread;
};

} // namespace DurableBench
