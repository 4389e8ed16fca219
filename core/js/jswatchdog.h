// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/jslimits.h>

#include <QJSEngine>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <time.h>

namespace Durable {

// Interrupts JavaScript that runs past its JsLimits. Each thread that runs JavaScript has a slot
// the watchdog can see; a call marks it running for its engine (a Watch). One process-wide
// thread looks at the running slots every few milliseconds, and sleeps while none runs: when a
// call's thread has used more CPU than the limit, or the process has grown by more than the
// memory limit since the call began, it interrupts that engine (QJSEngine::setInterrupted, which
// may be called from any thread). A call costs its thread two uncontended locks of its own
// slot; the checks cost the watchdog's thread.
class JsWatchdog
{
public:
    enum class Reason { None, Cpu, Memory };

    // Watches one call on the calling thread's engine from construction to finish(). A watch
    // opened while another is open on the same thread is covered by the outer one.
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
        bool m_outermost = false;
        bool m_finished = false;
    };

private:
    // One per thread that runs JavaScript; fields under mutex.
    struct Slot
    {
        std::mutex mutex;
        QJSEngine *engine = nullptr; // while a call runs
        clockid_t cpuClock {};
        int depth = 0;          // open watches (the thread's own field: no lock needed)
        std::uint64_t call = 0; // counts the thread's calls
        Reason fired = Reason::None;
        // The watchdog's own view of the running call.
        std::uint64_t seenCall = 0;
        std::int64_t cpuStartNs = 0;
        qint64 rssStart = 0;
    };
    struct ThreadSlot; // registers a thread's slot on first use and removes it when it ends

    static JsWatchdog &instance();
    static Slot &slotOfThisThread();
    JsWatchdog();
    ~JsWatchdog();
    void started();
    void run();
    void check(Slot &slot, qint64 rss, const JsLimits &limits);

    std::mutex m_mutex; // m_slots, and the wait for calls
    std::condition_variable m_wake;
    std::vector<std::shared_ptr<Slot>> m_slots;
    std::atomic<int> m_running {0};
    std::atomic<bool> m_parked {false};
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace Durable
