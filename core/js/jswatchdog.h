// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/jslimits.h>

#include <QJSEngine>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

#include <time.h>

namespace Durable {

// Interrupts JavaScript that runs past its JsLimits. A call registers a Watch for its engine; one
// process-wide thread looks at the running watches every few milliseconds (and sleeps while there
// are none) and, when a call's thread has used more CPU than the limit or the process has grown by
// more than the memory limit since the call began, interrupts that engine
// (QJSEngine::setInterrupted, which may be called from any thread). The calling thread pays a lock
// and a map insert per call; the cost of the checks falls on the watchdog's thread.
class JsWatchdog
{
public:
    enum class Reason { None, Cpu, Memory };

    // Watches one call on the calling thread's engine from construction to finish().
    class Watch
    {
    public:
        explicit Watch(QJSEngine &engine);
        ~Watch();
        Watch(const Watch &) = delete;
        Watch &operator=(const Watch &) = delete;
        // Ends the watch; why the engine was interrupted, if it was. An interrupted engine is
        // re-enabled here, so the next call runs.
        Reason finish();

    private:
        QJSEngine &m_engine;
        std::uint64_t m_id = 0;
        bool m_finished = false;
    };

private:
    struct Running
    {
        QJSEngine *engine = nullptr;
        clockid_t cpuClock {};
        JsLimits limits;
        bool seen = false;           // the watchdog has taken its baselines
        std::int64_t cpuStartNs = 0; // the thread's CPU time when first seen
        qint64 rssStart = 0;         // the process's resident bytes when first seen
        Reason fired = Reason::None;
    };

    static JsWatchdog &instance();
    JsWatchdog();
    ~JsWatchdog();
    std::uint64_t add(QJSEngine &engine);
    Reason remove(std::uint64_t id);
    void run();
    void check(Running &call, qint64 rss);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<std::uint64_t, Running> m_running;
    std::uint64_t m_nextId = 1;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace Durable
