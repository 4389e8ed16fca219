// SPDX-License-Identifier: MIT
#include "repaircommand.h"

#include "awaitresult.h"
#include "commandline.h"
#include "enginesession.h"
#include "exitcode.h"

#include <durable/core/agentpackageloader.h>
#include <durable/core/inspector.h>
#include <durable/core/objectid.h>

namespace Durable::Cli {

namespace {

int engineError(const Error &error)
{
    CommandLine::printErr(QStringLiteral("durable repair: %1").arg(error.message()));
    return exitStatus(ExitCode::EngineError);
}

std::optional<RepairAction> parseAction(const QString &text)
{
    if (text == QLatin1String("reset"))
        return RepairAction::Reset;
    if (text == QLatin1String("accept"))
        return RepairAction::Accept;
    return std::nullopt;
}

} // namespace

int RepairCommand::run(const QStringList &arguments)
{
    CommandLine cli(QStringLiteral("repair"),
                    QStringLiteral("Bring a quarantined object back: \"reset\" moves its damaged "
                                   "files aside (kept, never deleted) and lets it start empty; "
                                   "\"accept\" takes its data file as found, e.g. one put back "
                                   "from a backup."));
    const QCommandLineOption data = CommandLine::dataOption();
    const QCommandLineOption idOption(QStringLiteral("id"),
                                      QStringLiteral("the object's id, instead of NAME"),
                                      QStringLiteral("ID"));
    for (const QCommandLineOption &option : {data, idOption})
        cli.addOption(option);
    cli.addAgentOptions();
    cli.parser().addPositionalArgument(QStringLiteral("class"), QStringLiteral("its class"));
    cli.parser().addPositionalArgument(QStringLiteral("name"), QStringLiteral("its name"),
                                       QStringLiteral("[NAME]"));
    cli.parser().addPositionalArgument(QStringLiteral("action"), QStringLiteral("reset | accept"));
    if (const auto stop = cli.parse(arguments))
        return *stop;
    const QCommandLineParser &parser = cli.parser();
    const QStringList args = parser.positionalArguments();
    if (!parser.isSet(data))
        return cli.usageError(QStringLiteral("--data DIR is required"));
    const qsizetype expected = parser.isSet(idOption) ? 2 : 3;
    if (args.size() != expected) {
        return cli.usageError(parser.isSet(idOption)
                                  ? QStringLiteral("with --id, give CLASS and reset|accept")
                                  : QStringLiteral("give CLASS NAME and reset|accept"));
    }
    const auto action = parseAction(args.last());
    if (!action) {
        return cli.usageError(
            QStringLiteral("unknown action \"%1\" (reset or accept)").arg(args.last()));
    }
    const QString className = args.first();
    ObjectId id = ObjectId::fromName(className, args.value(1));
    if (parser.isSet(idOption)) {
        const auto parsed = ObjectId::fromString(parser.value(idOption));
        if (!parsed)
            return cli.usageError(parsed.error().message());
        id = parsed.value();
    }
    AgentPackageLoader packages; // their classes' objects can be damaged too
    if (!cli.loadAgentPackages(packages))
        return exitStatus(ExitCode::EngineError);
    auto opened = EngineSession::openFrozen(parser.value(data), &packages);
    if (!opened)
        return engineError(opened.error());
    const auto repaired = awaitResult(opened.value()->inspector().repair(className, id, *action));
    if (!repaired)
        return engineError(repaired.error());
    CommandLine::printOut(repaired.value());
    return exitStatus(ExitCode::Ok);
}

} // namespace Durable::Cli
