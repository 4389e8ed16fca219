// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <thread>

namespace DurableBench {

// Samples this process's resident memory (and, when asked, its open file descriptors) on its
// own thread while it lives, so a workload can report its peaks. Counting descriptors reads
// /proc/self/fd, which costs time per descriptor: keep the interval coarse. The kernel's high-water
// mark (VmHWM) is reset at construction when /proc/self/clear_refs allows it and folded into
// peakRssMb().
class ResourceSampler
{
public:
    explicit ResourceSampler(int intervalMs = 50, bool countFiles = false);
    ~ResourceSampler();

    // Stops sampling (also done by the destructor); the peaks stay readable.
    void stop();
    double peakRssMb() const;
    int peakOpenFiles() const { return m_peakFds.load(); }
    bool hwmWasReset() const { return m_hwmReset; }

    static double currentRssMb();
    static double highWaterMarkMb();
    static int openFiles();

private:
    void sample();

    int m_intervalMs;
    bool m_countFiles;
    bool m_hwmReset = false;
    std::atomic<bool> m_stop {false};
    std::atomic<long long> m_peakRssKb {0};
    std::atomic<int> m_peakFds {0};
    double m_finalHwmMb = 0;
    std::thread m_thread;
};

} // namespace DurableBench
