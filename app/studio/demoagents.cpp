// SPDX-License-Identifier: MIT
#include "demoagents.h"

#include <durable/core/agentpackageloader.h>

#include <QCoreApplication>
#include <QDir>

namespace Durable::Studio {

QString DemoAgents::file()
{
    // Both defined by app/CMakeLists.txt from the install layout.
    const QString relativeDir = QStringLiteral(DURABLE_DEMO_AGENTS_FROM_BIN);
    const QString fileName = QStringLiteral(DURABLE_DEMO_AGENTS_FILE_NAME);
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QLatin1Char('/') + relativeDir +
                           QLatin1Char('/') + fileName);
}

AgentPackageReport DemoAgents::load(AgentPackageLoader &loader)
{
    AgentPackageReport report = loader.loadFile(file());
    if (report.error) {
        report.error = report.error->prefixed(
            QStringLiteral("Could not load the demo agents (build or install the "
                           "durable_demo_agents package)"));
    }
    return report;
}

} // namespace Durable::Studio
