// SPDX-License-Identifier: MIT
#include "sandboxcommand.h"

#include "awaitresult.h"
#include "commandline.h"
#include "enginesession.h"
#include "exitcode.h"

#include <durable/core/agentpackageloader.h>
#include <durable/core/inspector.h>
#include <durable/core/sandboxes.h>

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

namespace Durable::Cli {

namespace {

int engineError(const Error &error)
{
    CommandLine::printErr(QStringLiteral("durable sandbox: %1").arg(error.message()));
    return exitStatus(ExitCode::EngineError);
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

// The newest turn of the object: what a sandbox copies when no --turn is given.
Result<qint64> newestTurn(Inspector &inspector, const QString &className, const ObjectId &id)
{
    JournalQuery query;
    query.limit = 1;
    const auto newest = awaitResult(inspector.journal(className, id, query));
    if (!newest)
        return newest.error();
    if (newest->isEmpty())
        return Error(ErrorCode::NotFound, QStringLiteral("%1 has no turns to copy").arg(className));
    return newest->constFirst().seq;
}

int create(CommandLine &cli, const QString &dataDir, const QStringList &args,
           const QCommandLineOption &turn)
{
    if (args.size() != 4)
        return cli.usageError(QStringLiteral("give CLASS NAME SANDBOX: the object and the new "
                                             "sandbox's name"));
    const QString className = args.at(1);
    const ObjectId id = ObjectId::fromName(className, args.at(2));
    AgentPackageLoader packages; // the sandbox's engine runs the same classes
    if (!cli.loadAgentPackages(packages))
        return exitStatus(ExitCode::EngineError);
    auto opened = EngineSession::openFrozen(dataDir, &packages);
    if (!opened)
        return engineError(opened.error());
    Inspector &inspector = opened.value()->inspector();
    qint64 seq = 0;
    if (cli.parser().isSet(turn)) {
        bool ok = false;
        seq = cli.parser().value(turn).toLongLong(&ok);
        if (!ok || seq < 1)
            return cli.usageError(QStringLiteral("--turn needs a turn number (1 or more)"));
    } else {
        const Result<qint64> newest = newestTurn(inspector, className, id);
        if (!newest)
            return engineError(newest.error());
        seq = newest.value();
    }
    const auto made = awaitResult(inspector.sandbox(className, id, seq, args.at(3)));
    if (!made)
        return engineError(made.error());
    CommandLine::printOut(QStringLiteral("Sandbox %1\nRun it with: durable run --data %2")
                              .arg(made->label(), QDir::toNativeSeparators(made->dataDir)));
    return exitStatus(ExitCode::Ok);
}

int list(const QString &dataDir, bool json)
{
    const auto sandboxes = Sandboxes::list(dataDir);
    if (!sandboxes)
        return engineError(sandboxes.error());
    if (json) {
        QJsonArray array;
        for (const SandboxInfo &info : sandboxes.value())
            array.append(info.toJson());
        CommandLine::printOut(QString::fromUtf8(QJsonDocument(array).toJson()));
        return exitStatus(ExitCode::Ok);
    }
    if (sandboxes->isEmpty())
        CommandLine::printOut(QStringLiteral("No sandboxes in %1").arg(dataDir));
    for (const SandboxInfo &info : sandboxes.value()) {
        CommandLine::printOut(
            QStringLiteral("%1  (clock %2)  %3")
                .arg(info.label(), timeText(info.clockMs), QDir::toNativeSeparators(info.dataDir)));
    }
    return exitStatus(ExitCode::Ok);
}

} // namespace

int SandboxCommand::run(const QStringList &arguments)
{
    CommandLine cli(
        QStringLiteral("sandbox"),
        QStringLiteral(
            "Sandboxes: a copy of one object at one of its turns, in a data directory of its own "
            "under DIR/sandboxes, on its own virtual clock, with its agents' calls to other "
            "objects held.\n"
            "  create CLASS NAME SANDBOX [--turn N]   copy the object as of turn N (default: "
            "its newest)\n"
            "  list [--json]                          the sandboxes of DIR\n"
            "  delete SANDBOX                         delete one (not while it is open)"));
    const QCommandLineOption data = CommandLine::dataOption();
    const QCommandLineOption turn(QStringLiteral("turn"),
                                  QStringLiteral("create: the turn to copy (default: the newest)"),
                                  QStringLiteral("N"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("list: print JSON"));
    for (const QCommandLineOption &option : {data, turn, json})
        cli.addOption(option);
    cli.addAgentOptions();
    cli.parser().addPositionalArgument(QStringLiteral("action"),
                                       QStringLiteral("create | list | delete"));
    if (const auto stop = cli.parse(arguments))
        return *stop;
    const QCommandLineParser &parser = cli.parser();
    const QStringList args = parser.positionalArguments();
    if (!parser.isSet(data))
        return cli.usageError(QStringLiteral("--data DIR is required"));
    const QString dataDir = parser.value(data);
    const QString action = args.value(0);
    if (action == QLatin1String("create"))
        return create(cli, dataDir, args, turn);
    if (action == QLatin1String("list")) {
        if (args.size() != 1)
            return cli.usageError(QStringLiteral("list takes no arguments"));
        return list(dataDir, parser.isSet(json));
    }
    if (action == QLatin1String("delete")) {
        if (args.size() != 2)
            return cli.usageError(QStringLiteral("give the SANDBOX to delete"));
        if (const Result<void> removed = Sandboxes::remove(dataDir, args.at(1)); !removed)
            return engineError(removed.error());
        CommandLine::printOut(QStringLiteral("Deleted sandbox %1").arg(args.at(1)));
        return exitStatus(ExitCode::Ok);
    }
    return cli.usageError(
        action.isEmpty()
            ? QStringLiteral("give an action: create, list or delete")
            : QStringLiteral("unknown action \"%1\" (create, list or delete)").arg(action));
}

} // namespace Durable::Cli
