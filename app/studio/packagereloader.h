// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackagereport.h>
#include <durable/core/agentpackagewatcher.h>

#include <QList>
#include <QObject>

namespace Durable {
class AgentPackageLoader;
}

namespace Durable::Studio {

class StudioSession;

// Reloads the studio's agent packages in place: on File > Reload Agent Packages, and (when
// watching) whenever a package's library is rebuilt. Objects of a reloaded class run the new
// code from their next turn, with their state; a package whose new version is refused keeps
// its old code, and the window says why (status bar, stderr, and a warning that does not
// block unless quiet). Follows the session to every window it opens.
//
// GUI thread only; loader and session must outlive it.
class PackageReloader : public QObject
{
    Q_OBJECT
public:
    PackageReloader(AgentPackageLoader &loader, StudioSession *session, QObject *parent = nullptr);

    // Watches the packages' files from now on.
    void watch();
    AgentPackageWatcher &watcher() { return m_watcher; }
    // No warning dialogs (the screenshot tour, tests).
    void setQuiet(bool quiet) { m_quiet = quiet; }

    // Loads every package again now; finished() follows.
    void reloadAll();

signals:
    void finished(const QList<Durable::AgentPackageReport> &reports);

private:
    void attach(); // to the session's current window
    void show(const QList<AgentPackageReport> &reports);

    AgentPackageLoader &m_loader;
    StudioSession *m_session;
    AgentPackageWatcher m_watcher;
    bool m_quiet = false;
};

} // namespace Durable::Studio
