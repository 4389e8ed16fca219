// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackageloader.h>
#include <durable/core/agentpackagereport.h>

#include <QCommandLineOption>
#include <QList>
#include <QStringList>

class QCommandLineParser;
class QSettings;

namespace Durable {
class Engine;
}

namespace Durable::Ui {
class MainWindow;
}

namespace Durable::Studio {

// The agent packages the studio loads: the demo agents for the demo directory, then from every
// `--agents DIR` on the command line, then from the directories in the setting
// "agentPackageDirs" (a string list). Their classes are
// registered into the engine before it starts; what failed is shown to the user once the window
// is up (status bar and a warning dialog) and printed on stderr, never dropped.
//
// GUI thread only. Loading reads the libraries at start-up, before the window exists, like
// Engine::start() does with the data directory.
class AgentPackages
{
public:
    static QCommandLineOption commandLineOption();
    static QString settingsKey() { return QStringLiteral("agentPackageDirs"); }
    // --agents directories first, then the setting's.
    static QStringList directories(const QCommandLineParser &parser, const QSettings &settings);

    // Registers the packages of directories, and the demo agents if withDemo, into engine (which
    // must not have started yet). The reports are this engine's.
    void load(const QStringList &directories, bool withDemo, Engine &engine);

    QList<AgentPackageReport> reports() const { return m_reports; }
    // The user's packages (not the demo agents): what File > Reload Agent Packages reloads.
    AgentPackageLoader &loader() { return m_loader; }
    // One line per package that failed to load or register.
    QStringList problems() const;

    // Says in the status bar which packages were loaded; if any failed, also on stderr and,
    // unless quiet (the screenshot tour), in a warning dialog that does not block.
    void report(Ui::MainWindow *window, bool quiet) const;

private:
    AgentPackageLoader m_loader;
    // Apart from m_loader: it registers into the demo directory's engines only.
    AgentPackageLoader m_demoLoader;
    QList<AgentPackageReport> m_reports;
};

} // namespace Durable::Studio
