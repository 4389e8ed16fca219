// SPDX-License-Identifier: MIT
#include "enginesession.h"

#include "commandline.h"
#include "demoagents.h"

#include <durable/core/agentpackageloader.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QDir>
#include <QFileInfo>

namespace Durable::Cli {

EngineSession::EngineSession(EngineOptions options, AgentPackageLoader *packages)
    : m_options(std::move(options)), m_packages(packages)
{ }

EngineSession::~EngineSession()
{
    shutdown();
}

Result<std::unique_ptr<EngineSession>> EngineSession::open(EngineOptions options,
                                                           AgentPackageLoader *packages)
{
    std::unique_ptr<EngineSession> session(new EngineSession(std::move(options), packages));
    const Result<void> started = session->start();
    if (!started)
        return started.error();
    return session;
}

Result<std::unique_ptr<EngineSession>> EngineSession::openFrozen(const QString &dataDir,
                                                                 AgentPackageLoader *packages)
{
    EngineOptions options;
    options.dataDir = dataDir;
    options.createDataDir = false; // inspect and repair never make a data directory
    options.workerThreads = 1;
    options.clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
    return open(std::move(options), packages);
}

Result<void> EngineSession::start()
{
    m_inspector.reset();
    m_options.repairArguments = packageArguments();
    // A sandbox runs on its own virtual clock with its calls held, whoever opens it.
    const Result<std::optional<SandboxInfo>> sandbox = Sandboxes::prepare(m_options);
    if (!sandbox)
        return sandbox.error();
    m_sandbox = sandbox.value();
    m_engine = std::make_unique<Engine>(m_options);
    if (const Result<void> registered = registerPackages(); !registered) {
        m_engine.reset();
        return registered.error();
    }
    const Result<void> started = m_engine->start();
    if (!started) {
        m_engine.reset();
        return started.error().prefixed(
            QStringLiteral("Could not start the engine on %1").arg(m_options.dataDir));
    }
    m_inspector = std::make_unique<Inspector>(m_engine.get());
    return {};
}

Result<void> EngineSession::checkPackages(AgentPackageLoader &packages)
{
    EngineSession probe(EngineOptions {}, &packages);
    probe.m_engine = std::make_unique<Engine>(probe.m_options);
    return probe.registerPackages();
}

Result<void> EngineSession::registerPackages()
{
    if (!m_packages)
        return {};
    for (const AgentPackageReport &report : m_packages->registerClasses(*m_engine)) {
        if (!report.ok())
            return *report.error;
    }
    return {};
}

QStringList EngineSession::packageArguments() const
{
    QStringList arguments;
    if (!m_packages)
        return arguments;
    const QString demo = QFileInfo(Studio::DemoAgents::file()).absoluteFilePath();
    for (const AgentPackageReport &package : m_packages->packages()) {
        if (package.file == demo)
            arguments << QStringLiteral("--demo");
        else
            arguments << QStringLiteral("--agents") << package.file;
    }
    return arguments;
}

VirtualClock *EngineSession::virtualClock() const
{
    return qobject_cast<VirtualClock *>(m_options.clock.get());
}

bool EngineSession::isRunning() const
{
    return m_engine && m_engine->isRunning();
}

Result<void> EngineSession::restart()
{
    shutdown();
    return start();
}

void EngineSession::shutdown()
{
    m_inspector.reset();
    if (!m_engine)
        return;
    m_engine->shutdown();
    // A sandbox resumes where its clock stood. Written only when the clock moved past the
    // manifest's time: looking at a sandbox (inspect) changes nothing.
    if (m_sandbox && m_engine->clock()->nowMs() > m_sandbox->clockMs) {
        if (const Result<void> saved = Sandboxes::saveClock(m_options.dataDir,
                                                            m_engine->clock()->nowMs());
            !saved)
            CommandLine::printErr(QStringLiteral("durable: %1").arg(saved.error().message()));
    }
    m_engine.reset();
}

} // namespace Durable::Cli
