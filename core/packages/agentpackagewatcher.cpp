// SPDX-License-Identifier: MIT
#include <durable/core/agentpackagewatcher.h>

#include <durable/core/agentpackageloader.h>

#include <QFileInfo>
#include <QFutureWatcher>

#include <sys/stat.h>

namespace Durable {

AgentPackageWatcher::AgentPackageWatcher(AgentPackageLoader &loader, QObject *parent)
    : QObject(parent), m_loader(loader)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(500);
    connect(&m_settle, &QTimer::timeout, this, &AgentPackageWatcher::reloadChanged);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this,
            &AgentPackageWatcher::somethingChanged);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this,
            &AgentPackageWatcher::somethingChanged);
}

void AgentPackageWatcher::start()
{
    for (const QString &file : m_loader.files())
        m_loaded.insert(file, stampOf(file));
    watch();
}

AgentPackageWatcher::Stamp AgentPackageWatcher::stampOf(const QString &file)
{
    struct stat status
    { };
    if (::stat(QFile::encodeName(file).constData(), &status) != 0)
        return {};
    const QFileInfo info(file);
    return {info.lastModified(), info.size(), quint64(status.st_ino)};
}

void AgentPackageWatcher::watch()
{
    // A file replaced by a rename is no longer watched: add it (and its directory) again.
    for (const QString &file : m_loader.files()) {
        const QString directory = QFileInfo(file).absolutePath();
        if (!m_watcher.directories().contains(directory))
            m_watcher.addPath(directory);
        if (QFileInfo::exists(file) && !m_watcher.files().contains(file))
            m_watcher.addPath(file);
    }
}

void AgentPackageWatcher::somethingChanged()
{
    watch();
    m_settle.start(); // restarted by every change until the build is quiet
}

void AgentPackageWatcher::reloadChanged()
{
    for (const QString &file : m_loader.files()) {
        const Stamp now = stampOf(file);
        // Gone for now (a build in progress) or unchanged: nothing to do yet.
        if (now.size <= 0 || now == m_loaded.value(file))
            continue;
        m_loaded.insert(file, now);
        auto *done = new QFutureWatcher<AgentPackageReport>(this);
        connect(done, &QFutureWatcherBase::finished, this, [this, done] {
            emit reloaded(done->result());
            done->deleteLater();
        });
        done->setFuture(m_loader.reload(file));
    }
}

} // namespace Durable
