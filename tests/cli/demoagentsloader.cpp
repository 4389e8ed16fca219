// SPDX-License-Identifier: MIT
#include "demoagentsloader.h"

#include <durable/core/agentpackageloader.h>

namespace DurableTest {

QString demoAgentsPath()
{
    return QStringLiteral(DURABLE_DEMO_AGENTS_PATH);
}

Durable::AgentPackageLoader &demoAgents()
{
    static Durable::AgentPackageLoader *const loader = [] {
        auto *loaded = new Durable::AgentPackageLoader; // lives as long as the process
        const Durable::AgentPackageReport report = loaded->loadFile(demoAgentsPath());
        if (!report.ok())
            qFatal("demo agents: %s", qPrintable(report.summary()));
        return loaded;
    }();
    return *loader;
}

} // namespace DurableTest
