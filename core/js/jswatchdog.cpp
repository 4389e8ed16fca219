// SPDX-License-Identifier: MIT
#include "jswatchdog.h"

#include <QByteArray>
#include <QFile>

#include <optional>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

namespace Durable {

namespace {

using namespace std::chrono_literals;

// How often running calls are checked: the precision of both limits.
constexpr auto s_checkEvery = 10ms;

std::mutex s_limitsMutex;
std::optional<JsLimits> s_limits;

qint64 environmentNumber(const char *name, qint64 fallback)
{
    bool ok = false;
    const qint64 value = qEnvironmentVariable(name).toLongLong(&ok);
    return ok && value > 0 ? value : fallback;
}

clockid_t cpuClockOfThisThread()
{
    thread_local const clockid_t clock = [] {
        clockid_t id {};
        if (pthread_getcpuclockid(pthread_self(), &id) != 0)
            id = CLOCK_THREAD_CPUTIME_ID;
        return id;
    }();
    return clock;
}

std::int64_t cpuNs(clockid_t clock)
{
    timespec now {};
    if (clock_gettime(clock, &now) != 0)
        return 0;
    return std::int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The process's resident memory, from /proc/self/statm (resident pages, second field).
qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

} // namespace

JsLimits JsLimits::current()
{
    std::lock_guard lock(s_limitsMutex);
    if (!s_limits) {
        JsLimits defaults;
        defaults.cpu = std::chrono::milliseconds(
            environmentNumber("DURABLE_JS_CPU_LIMIT_MS", defaults.cpu.count()));
        defaults.memoryBytes = environmentNumber("DURABLE_JS_MEMORY_LIMIT_MB",
                                                 defaults.memoryBytes / (1024 * 1024)) *
                               1024 * 1024;
        s_limits = defaults;
    }
    return *s_limits;
}

void JsLimits::set(const JsLimits &limits)
{
    std::lock_guard lock(s_limitsMutex);
    s_limits = limits;
}

JsWatchdog::Watch::Watch(QJSEngine &engine) : m_engine(engine), m_id(instance().add(engine))
{ }

JsWatchdog::Watch::~Watch()
{
    if (!m_finished)
        finish();
}

JsWatchdog::Reason JsWatchdog::Watch::finish()
{
    m_finished = true;
    const Reason fired = instance().remove(m_id);
    if (fired != Reason::None) {
        m_engine.setInterrupted(false);
        m_engine.collectGarbage(); // what a runaway call allocated goes now, not at some later turn
    }
    return fired;
}

JsWatchdog &JsWatchdog::instance()
{
    static JsWatchdog watchdog;
    return watchdog;
}

JsWatchdog::JsWatchdog() : m_thread([this] { run(); })
{ }

JsWatchdog::~JsWatchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

std::uint64_t JsWatchdog::add(QJSEngine &engine)
{
    Running call;
    call.engine = &engine;
    call.cpuClock = cpuClockOfThisThread();
    call.limits = JsLimits::current();
    std::unique_lock lock(m_mutex);
    const bool wasIdle = m_running.empty();
    const std::uint64_t id = m_nextId++;
    m_running.emplace(id, call);
    lock.unlock();
    if (wasIdle)
        m_wake.notify_one();
    return id;
}

JsWatchdog::Reason JsWatchdog::remove(std::uint64_t id)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_running.find(id);
    if (it == m_running.end())
        return Reason::None;
    const Reason fired = it->second.fired;
    m_running.erase(it);
    return fired;
}

void JsWatchdog::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_running.empty()) {
            m_wake.wait(lock, [this] { return m_stopping || !m_running.empty(); });
            continue;
        }
        lock.unlock(); // reading /proc must not hold up calls that start or end
        const qint64 rss = residentBytes();
        lock.lock();
        for (auto &[id, call] : m_running)
            check(call, rss);
        m_wake.wait_for(lock, s_checkEvery);
    }
}

// Under m_mutex: the call cannot end (and its engine go) while it is looked at.
void JsWatchdog::check(Running &call, qint64 rss)
{
    if (call.fired != Reason::None)
        return;
    const std::int64_t cpu = cpuNs(call.cpuClock);
    if (!call.seen) {
        // A call seen here first has run for at most s_checkEvery: the limits count from now.
        call.seen = true;
        call.cpuStartNs = cpu;
        call.rssStart = rss;
        return;
    }
    const auto usedCpu = std::chrono::nanoseconds(cpu - call.cpuStartNs);
    if (usedCpu >= call.limits.cpu)
        call.fired = Reason::Cpu;
    else if (rss > 0 && rss - call.rssStart > call.limits.memoryBytes)
        call.fired = Reason::Memory;
    if (call.fired != Reason::None)
        call.engine->setInterrupted(true);
}

} // namespace Durable
