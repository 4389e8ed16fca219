// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/engineoptions.h>
#include <durable/core/result.h>

#include <memory>

namespace Durable {
class Clock;
class Engine;
class Inspector;
class VirtualClock;
} // namespace Durable

namespace Durable::Cli {

// An engine on one data directory with the built-in classes registered, started, and an
// Inspector on it: what every command works with. restart() shuts the engine down and starts a
// new one on the same directory and the same clock (so a virtual time carries over).
//
// Lives on the thread that opened it (the main thread).
class EngineSession
{
public:
    ~EngineSession();

    // options.clock null means the system clock.
    static Result<std::unique_ptr<EngineSession>> open(EngineOptions options);

    Engine &engine() const { return *m_engine; }
    Inspector &inspector() const { return *m_inspector; }
    // Null unless the engine runs on a VirtualClock.
    VirtualClock *virtualClock() const;
    bool isRunning() const;

    Result<void> restart();
    // Commits in-flight turns and stops; idempotent.
    void shutdown();

private:
    explicit EngineSession(EngineOptions options) : m_options(std::move(options)) { }
    Result<void> start();

    EngineOptions m_options;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Inspector> m_inspector;
};

} // namespace Durable::Cli
