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

struct JsWatchdog::ThreadSlot
{
    std::shared_ptr<Slot> slot = std::make_shared<Slot>();
    ThreadSlot()
    {
        slot->cpuClock = cpuClockOfThisThread();
        JsWatchdog &watchdog = instance();
        std::lock_guard lock(watchdog.m_mutex);
        watchdog.m_slots.push_back(slot);
    }
    ~ThreadSlot()
    {
        JsWatchdog &watchdog = instance();
        std::lock_guard lock(watchdog.m_mutex);
        std::erase(watchdog.m_slots, slot);
    }
};

JsWatchdog::Slot &JsWatchdog::slotOfThisThread()
{
    thread_local ThreadSlot mine;
    return *mine.slot;
}

JsWatchdog::Watch::Watch(QJSEngine &engine) : m_engine(engine)
{
    Slot &slot = slotOfThisThread();
    m_outermost = slot.depth++ == 0;
    if (!m_outermost)
        return;
    {
        std::lock_guard lock(slot.mutex);
        slot.engine = &engine;
        ++slot.call;
        slot.fired = Reason::None;
    }
    instance().started();
}

JsWatchdog::Watch::~Watch()
{
    if (!m_finished)
        finish();
}

JsWatchdog::Reason JsWatchdog::Watch::finish()
{
    m_finished = true;
    Slot &slot = slotOfThisThread();
    --slot.depth;
    if (!m_outermost)
        return Reason::None;
    Reason fired = Reason::None;
    {
        std::lock_guard lock(slot.mutex);
        slot.engine = nullptr;
        fired = slot.fired;
    }
    instance().m_running.fetch_sub(1);
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

// A call began. Only a parked watchdog needs waking; a ticking one sees it at its next tick.
void JsWatchdog::started()
{
    m_running.fetch_add(1);
    if (m_parked.load()) {
        {
            std::lock_guard lock(m_mutex);
        } // not between its look at m_running and its wait
        m_wake.notify_one();
    }
}

void JsWatchdog::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_running.load() == 0) {
            m_parked.store(true);
            m_wake.wait(lock, [this] { return m_stopping || m_running.load() > 0; });
            m_parked.store(false);
            continue;
        }
        lock.unlock(); // reading /proc must not hold up threads that start or end
        const qint64 rss = residentBytes();
        const JsLimits limits = JsLimits::current();
        lock.lock();
        for (const std::shared_ptr<Slot> &slot : m_slots)
            check(*slot, rss, limits);
        m_wake.wait_for(lock, s_checkEvery);
    }
}

// The slot's lock keeps its call (and so its engine) from ending while it is looked at.
void JsWatchdog::check(Slot &slot, qint64 rss, const JsLimits &limits)
{
    std::lock_guard lock(slot.mutex);
    if (!slot.engine || slot.fired != Reason::None)
        return;
    const std::int64_t cpu = cpuNs(slot.cpuClock);
    if (slot.seenCall != slot.call) {
        // A call seen here first has run for at most s_checkEvery: the limits count from now.
        slot.seenCall = slot.call;
        slot.cpuStartNs = cpu;
        slot.rssStart = rss;
        return;
    }
    if (std::chrono::nanoseconds(cpu - slot.cpuStartNs) >= limits.cpu)
        slot.fired = Reason::Cpu;
    else if (rss > 0 && rss - slot.rssStart > limits.memoryBytes)
        slot.fired = Reason::Memory;
    if (slot.fired != Reason::None)
        slot.engine->setInterrupted(true);
}

} // namespace Durable
