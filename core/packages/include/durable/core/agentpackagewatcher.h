// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackagereport.h>

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace Durable {

class AgentPackageLoader;

// Watches the library files of the packages a loader loaded and reloads a package once its
// file was rebuilt (AgentPackageLoader::reload(): between turns, state kept, the old code kept
// when the new one is refused).
//
// A build writes a library in several steps (or writes a new file and renames it over the old),
// so a change is acted on only once the file has been quiet for settleTime(). Watches the
// files' directories too: a file renamed into place is a new file the watcher must pick up.
// Lives on the loader's thread, which runs an event loop.
class AgentPackageWatcher : public QObject
{
    Q_OBJECT
public:
    explicit AgentPackageWatcher(AgentPackageLoader &loader, QObject *parent = nullptr);

    // Starts watching the loader's files as they are now.
    void start();
    void setSettleTime(int ms) { m_settle.setInterval(ms); }
    int settleTime() const { return m_settle.interval(); }

signals:
    // A changed file was reloaded, or refused (report.error says why and that the old code
    // runs on).
    void reloaded(const Durable::AgentPackageReport &report);

private:
    // What tells a rebuilt file from the one loaded: its inode changes on a rename, its size or
    // modification time on a rewrite.
    struct Stamp
    {
        QDateTime modified;
        qint64 size = -1;
        quint64 inode = 0;
        bool operator==(const Stamp &) const = default;
    };
    static Stamp stampOf(const QString &file);
    void somethingChanged();
    void reloadChanged();
    void watch();

    AgentPackageLoader &m_loader;
    QFileSystemWatcher m_watcher;
    QTimer m_settle;
    QHash<QString, Stamp> m_loaded; // file -> stamp of the version running
};

} // namespace Durable
