// SPDX-License-Identifier: MIT
#include "resourcesampler.h"

#include <dirent.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace DurableBench {

namespace {

// A "Vm...:   1234 kB" field of /proc/self/status, in kB; -1 when missing.
long long statusFieldKb(const char *field)
{
    FILE *file = std::fopen("/proc/self/status", "r");
    if (!file)
        return -1;
    char line[256];
    long long value = -1;
    const size_t length = std::strlen(field);
    while (std::fgets(line, sizeof line, file)) {
        if (std::strncmp(line, field, length) == 0 && line[length] == ':') {
            value = std::atoll(line + length + 1);
            break;
        }
    }
    std::fclose(file);
    return value;
}

} // namespace

ResourceSampler::ResourceSampler(int intervalMs, bool countFiles)
    : m_intervalMs(intervalMs), m_countFiles(countFiles)
{
    // Hand memory freed by earlier workloads back to the kernel first, so it is not counted
    // as this workload's.
    malloc_trim(0);
    // Writing 5 to clear_refs resets the peak RSS (Linux >= 4.0), so each workload's VmHWM is
    // its own and not an earlier workload's.
    if (FILE *file = std::fopen("/proc/self/clear_refs", "w")) {
        m_hwmReset = std::fputs("5", file) >= 0;
        m_hwmReset = (std::fclose(file) == 0) && m_hwmReset;
    }
    sample();
    m_thread = std::thread([this] {
        while (!m_stop.load()) {
            sample();
            std::this_thread::sleep_for(std::chrono::milliseconds(m_intervalMs));
        }
    });
}

ResourceSampler::~ResourceSampler()
{
    stop();
}

void ResourceSampler::stop()
{
    if (m_thread.joinable()) {
        m_stop = true;
        m_thread.join();
        sample();
        if (m_hwmReset)
            m_finalHwmMb = highWaterMarkMb();
    }
}

double ResourceSampler::peakRssMb() const
{
    return std::max(double(m_peakRssKb.load()) / 1024.0, m_finalHwmMb);
}

void ResourceSampler::sample()
{
    const long long rss = statusFieldKb("VmRSS");
    if (rss > m_peakRssKb.load())
        m_peakRssKb = rss;
    if (!m_countFiles)
        return;
    const int fds = openFiles();
    if (fds > m_peakFds.load())
        m_peakFds = fds;
}

double ResourceSampler::currentRssMb()
{
    return double(statusFieldKb("VmRSS")) / 1024.0;
}

double ResourceSampler::highWaterMarkMb()
{
    return double(statusFieldKb("VmHWM")) / 1024.0;
}

int ResourceSampler::openFiles()
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int count = 0;
    while (const dirent *entry = readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    closedir(dir);
    return count - 1; // the directory stream's own descriptor
}

} // namespace DurableBench
