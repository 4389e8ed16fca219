// SPDX-License-Identifier: MIT
#include "packagereloader.h"

#include "studiosession.h"

#include <mainwindow.h>

#include <durable/core/agentpackageloader.h>

#include <QAction>
#include <QFileInfo>
#include <QMessageBox>

#include <cstdio>

namespace Durable::Studio {

PackageReloader::PackageReloader(AgentPackageLoader &loader, StudioSession *session,
                                 QObject *parent)
    : QObject(parent), m_loader(loader), m_session(session), m_watcher(loader)
{
    connect(&m_watcher, &AgentPackageWatcher::reloaded, this,
            [this](const AgentPackageReport &report) { show({report}); });
    connect(m_session, &StudioSession::opened, this, &PackageReloader::attach);
    attach();
}

void PackageReloader::watch()
{
    m_watcher.start();
}

void PackageReloader::attach()
{
    Ui::MainWindow *window = m_session->window();
    if (!window)
        return;
    QAction *action = window->reloadAgentPackagesAction();
    const QStringList files = m_loader.files();
    action->setEnabled(!files.isEmpty());
    if (!files.isEmpty()) {
        QStringList names;
        for (const QString &file : files)
            names.append(QFileInfo(file).fileName());
        action->setToolTip(tr("Load %1 again from disk; objects keep their state and run the new "
                              "code from their next turn")
                               .arg(names.join(QStringLiteral(", "))));
    }
    connect(window, &Ui::MainWindow::reloadAgentPackagesRequested, this,
            &PackageReloader::reloadAll, Qt::UniqueConnection);
}

void PackageReloader::reloadAll()
{
    if (Ui::MainWindow *window = m_session->window())
        window->showMessage(tr("Reloading agent packages…"), 0);
    m_loader.reloadAll().then(this, [this](const QList<AgentPackageReport> &reports) {
        show(reports);
        emit finished(reports);
    });
}

void PackageReloader::show(const QList<AgentPackageReport> &reports)
{
    QStringList reloaded;
    QStringList refused;
    for (const AgentPackageReport &report : reports)
        (report.ok() ? reloaded : refused).append(report.summary());
    Ui::MainWindow *window = m_session->window();
    if (!window)
        return;
    if (refused.isEmpty()) {
        window->showMessage(tr("Reloaded %1").arg(reloaded.join(QStringLiteral("; "))));
        return;
    }
    for (const QString &line : refused)
        std::fprintf(stderr, "durable-studio: %s\n", qPrintable(line));
    window->showMessage(refused.constFirst(), 0);
    if (m_quiet)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Agent packages"),
                                tr("An agent package kept its old code: its new version was "
                                   "refused."),
                                QMessageBox::Ok, window);
    box->setInformativeText(refused.join(QStringLiteral("\n\n")));
    if (!reloaded.isEmpty())
        box->setDetailedText(tr("Reloaded: %1").arg(reloaded.join(QStringLiteral("\n"))));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace Durable::Studio
