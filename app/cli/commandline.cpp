// SPDX-License-Identifier: MIT
#include "commandline.h"

#include "demoagents.h"
#include "exitcode.h"

#include <durable/core/agentpackageloader.h>
#include <durable/core/modelchoice.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

namespace Durable::Cli {

CommandLine::CommandLine(const QString &command, const QString &description) : m_command(command)
{
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
}

void CommandLine::addOption(const QCommandLineOption &option)
{
    m_parser.addOption(option);
}

std::optional<int> CommandLine::parse(const QStringList &arguments)
{
    QStringList all {QStringLiteral("durable ") + m_command};
    all += arguments;
    if (!m_parser.parse(all))
        return usageError(m_parser.errorText());
    if (m_parser.isSet(QStringLiteral("help"))) {
        printOut(helpText());
        return exitStatus(ExitCode::Ok);
    }
    return std::nullopt;
}

// QCommandLineParser names the program by its path and knows nothing of commands: the usage line
// is made to read as it is typed, "durable test [options] SCENARIO...".
QString CommandLine::helpText() const
{
    QString help = m_parser.helpText();
    const QLatin1String usage("Usage: ");
    const qsizetype options = help.indexOf(QLatin1String(" [options]"));
    if (help.startsWith(usage) && options > usage.size())
        help.replace(usage.size(), options - usage.size(), QStringLiteral("durable ") + m_command);
    return help;
}

int CommandLine::usageError(const QString &message) const
{
    printErr(QStringLiteral("durable %1: %2\nRun \"durable %1 --help\" for usage.")
                 .arg(m_command, message));
    return exitStatus(ExitCode::Usage);
}

QCommandLineOption CommandLine::dataOption()
{
    return QCommandLineOption(QStringLiteral("data"),
                              QStringLiteral("The engine's data directory."),
                              QStringLiteral("DIR"));
}

QCommandLineOption CommandLine::jsonOption()
{
    return QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print JSON for scripts."));
}

QCommandLineOption CommandLine::agentsOption()
{
    return QCommandLineOption(
        QStringLiteral("agents"),
        QStringLiteral("Load the agent packages (shared libraries built against the "
                       "Durable SDK) in DIR, or the one library DIR names; repeatable."),
        QStringLiteral("DIR"));
}

QCommandLineOption CommandLine::demoOption()
{
    return QCommandLineOption(
        QStringLiteral("demo"),
        QStringLiteral("Load the demo agents (Recruitment, Assistant, Counter, Reminder), "
                       "which the shipped scenarios use."));
}

void CommandLine::addAgentOptions()
{
    addOption(agentsOption());
    addOption(demoOption());
}

QCommandLineOption CommandLine::modelOption()
{
    return QCommandLineOption(QStringLiteral("model"), ModelChoice::optionHelp(),
                              QStringLiteral("SOURCE"));
}

std::optional<int> CommandLine::readModel(ModelChoice &choice) const
{
    const QString name = modelOption().names().constFirst();
    if (!m_parser.isSet(name))
        return std::nullopt;
    Result<ModelChoice> parsed = ModelChoice::parse(m_parser.value(name));
    if (!parsed)
        return usageError(parsed.error().message());
    choice = parsed.value();
    return std::nullopt;
}

bool CommandLine::loadAgentPackages(AgentPackageLoader &loader) const
{
    QList<AgentPackageReport> reports;
    if (m_parser.isSet(demoOption().names().constFirst()))
        reports.append(Studio::DemoAgents::load(loader));
    for (const QString &path : m_parser.values(agentsOption().names().constFirst())) {
        const QList<AgentPackageReport> loaded = loader.load(path);
        if (loaded.isEmpty())
            printErr(QStringLiteral("durable %1: no agent packages in %2").arg(m_command, path));
        reports += loaded;
    }
    bool allLoaded = true;
    for (const AgentPackageReport &report : std::as_const(reports)) {
        allLoaded &= report.ok();
        printErr(QStringLiteral("durable %1: %2%3")
                     .arg(m_command,
                          report.ok() ? QStringLiteral("loaded agent package ") : QString(),
                          report.summary()));
    }
    return allLoaded;
}

void CommandLine::printOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    if (!bytes.endsWith('\n'))
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CommandLine::printErr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    if (!bytes.endsWith('\n'))
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

// Prints rows as aligned columns; the last column is not padded.
void CommandLine::printTable(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &cell : header)
        widths.append(cell.size());
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    }
    auto line = [&widths](const QStringList &cells) {
        QString out;
        for (qsizetype i = 0; i < cells.size(); ++i)
            out += (i + 1 < cells.size() ? cells.at(i).leftJustified(widths.at(i) + 2)
                                         : cells.at(i));
        return out.trimmed();
    };
    QString text = line(header);
    for (const QStringList &row : rows)
        text += QLatin1Char('\n') + line(row);
    printOut(rows.isEmpty() ? text + QStringLiteral("\n(none)") : text);
}

void CommandLine::printJson(const QJsonValue &value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray())
                                              : QJsonDocument(value.toObject());
    printOut(QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

} // namespace Durable::Cli
