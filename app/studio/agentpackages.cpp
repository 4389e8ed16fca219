// SPDX-License-Identifier: MIT
#include "agentpackages.h"

#include "demoagents.h"

#include <mainwindow.h>

#include <durable/core/engine.h>

#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>

namespace Durable::Studio {

QCommandLineOption AgentPackages::commandLineOption()
{
    return QCommandLineOption(
        QStringLiteral("agents"),
        QStringLiteral("Load the agent packages (shared libraries built against the "
                       "Durable SDK) in DIR; repeatable. Also read from the setting "
                       "agentPackageDirs."),
        QStringLiteral("DIR"));
}

QStringList AgentPackages::directories(const QCommandLineParser &parser, const QSettings &settings)
{
    QStringList result = parser.values(commandLineOption().names().constFirst());
    for (const QString &directory : settings.value(settingsKey()).toStringList()) {
        if (!directory.isEmpty() && !result.contains(directory))
            result.append(directory);
    }
    return result;
}

void AgentPackages::load(const QStringList &directories, bool withDemo, Engine &engine)
{
    m_reports.clear();
    if (withDemo) {
        const AgentPackageReport demo = DemoAgents::load(m_demoLoader);
        m_reports += demo.ok() ? m_demoLoader.registerClasses(engine) : QList {demo};
    }
    for (const QString &directory : directories) {
        for (const AgentPackageReport &report : m_loader.load(directory)) {
            if (!report.ok())
                m_reports.append(report); // loaded ones are reported once they are registered
        }
    }
    m_reports += m_loader.registerClasses(engine);
}

QStringList AgentPackages::problems() const
{
    QStringList lines;
    for (const AgentPackageReport &report : m_reports) {
        if (!report.ok())
            lines.append(report.summary());
    }
    return lines;
}

void AgentPackages::report(Ui::MainWindow *window, bool quiet) const
{
    QStringList loaded;
    for (const AgentPackageReport &report : m_reports) {
        if (report.ok())
            loaded.append(report.summary());
    }
    const QStringList failed = problems();
    if (failed.isEmpty()) {
        if (!loaded.isEmpty())
            window->showMessage(
                QObject::tr("Agent packages loaded: %1").arg(loaded.join(QStringLiteral("; "))));
        return;
    }
    for (const QString &line : failed)
        std::fprintf(stderr, "durable-studio: %s\n", qPrintable(line));
    window->showMessage(
        failed.size() == 1
            ? QObject::tr("An agent package could not be loaded: %1").arg(failed.constFirst())
            : QObject::tr("%1 agent packages could not be loaded").arg(failed.size()),
        0);
    if (quiet)
        return;
    auto *box = new QMessageBox(
        QMessageBox::Warning, QObject::tr("Agent packages"),
        QObject::tr("Some agent packages could not be loaded; their classes are not "
                    "available."),
        QMessageBox::Ok, window);
    box->setInformativeText(failed.join(QStringLiteral("\n\n")));
    if (!loaded.isEmpty())
        box->setDetailedText(QObject::tr("Loaded: %1").arg(loaded.join(QStringLiteral("\n"))));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace Durable::Studio
