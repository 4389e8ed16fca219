// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/engineoptions.h>
#include <durable/core/result.h>
#include <durable/core/sandboxes.h>

#include <memory>
#include <optional>

namespace Durable {
class AgentPackageLoader;
class Clock;
class Engine;
class Inspector;
class VirtualClock;
} // namespace Durable

namespace Durable::Cli {

// An engine on one data directory with the classes of the loaded agent packages (the demo
// agents too, with --demo) registered, started, and an Inspector on it: what every command works
// with.
// restart() shuts the engine down and starts a new one on the same directory and the same clock (so
// a virtual time carries over).
//
// Lives on the thread that opened it (the main thread).
class EngineSession
{
public:
    ~EngineSession();

    // options.clock null means the system clock. packages, if given, must outlive the session:
    // their classes are registered into every engine it starts (a class name that is taken fails
    // the start).
    static Result<std::unique_ptr<EngineSession>> open(EngineOptions options,
                                                       AgentPackageLoader *packages = nullptr);
    // An existing data directory opened to look at or repair, not to run: one worker and a
    // virtual clock frozen at the Unix epoch, so no alarm comes due and no turn runs by itself.
    // Refuses a directory that does not exist.
    static Result<std::unique_ptr<EngineSession>> openFrozen(
        const QString &dataDir, AgentPackageLoader *packages = nullptr);

    Engine &engine() const { return *m_engine; }
    Inspector &inspector() const { return *m_inspector; }
    // Whether the packages' classes can be registered together (no name taken twice),
    // without starting an engine: for commands that open sessions later, such as `test`.
    static Result<void> checkPackages(AgentPackageLoader &packages);

    // Null unless the engine runs on a VirtualClock.
    VirtualClock *virtualClock() const;
    bool isRunning() const;

    Result<void> restart();
    // Commits in-flight turns and stops; idempotent.
    void shutdown();
    // The sandbox's manifest when the data directory is one.
    const std::optional<SandboxInfo> &sandbox() const { return m_sandbox; }

private:
    EngineSession(EngineOptions options, AgentPackageLoader *packages);
    Result<void> registerPackages();
    // The options that load the same packages (--demo, --agents FILE), for the repair command
    // the engine suggests.
    QStringList packageArguments() const;
    Result<void> start();

    EngineOptions m_options;
    AgentPackageLoader *m_packages = nullptr;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Inspector> m_inspector;
    std::optional<SandboxInfo> m_sandbox; // when the data directory is a sandbox
};

} // namespace Durable::Cli
