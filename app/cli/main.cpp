// SPDX-License-Identifier: MIT
// durable: the command-line face of the engine: test scenarios, run or serve a data directory,
// inspect one. Each command lives in its own class; this only dispatches.
#include "commandline.h"
#include "exitcode.h"
#include "inspectcommand.h"
#include "repaircommand.h"
#include "runcommand.h"
#include "sandboxcommand.h"
#include "testcommand.h"

#include <QCoreApplication>

using namespace Durable::Cli;

namespace {

const char s_usage[] = R"(Usage: durable <command> [options]

Commands:
  test SCENARIO... [--junit FILE]   run JSON scenarios against a fresh engine on virtual time
  run --data DIR                    run the engine headless until SIGINT/SIGTERM
  serve --data DIR [--listen H:P]   run the engine with its HTTP gateway
      (run, serve) --record FILE    save what clients did as a scenario on shutdown
  inspect --data DIR VIEW [--json]  print classes, objects, object, journal, alarms or inbox
  inspect --wrangler-state DIR VIEW [--json]
                                    read Cloudflare's local state: objects, object, tables, sql, alarm
  repair --data DIR CLASS NAME reset|accept
                                    bring a quarantined (damaged) object back
  sandbox create|list|delete --data DIR
                                    copies of an object at one of its turns, to run in isolation

Options:
  -h, --help      this help; "durable <command> --help" for a command's options
  -v, --version   print the version
  --agents DIR    (test, run, serve, inspect, repair, sandbox; repeatable) also load the agent packages in DIR

Exit codes: 0 ok, 1 test failures, 2 usage error, 3 engine or data error (or an agent package
that could not be loaded).)";

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own poll() event loop rather than GLib's: a server with thousands of WebSocket clients
    // turns each socket's write notifier on and off per message, which GLib's loop pays for in
    // time proportional to every open socket (durable-ws-bench: half the CPU per fan-out).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Durable"));
    QCoreApplication::setApplicationName(QStringLiteral("durable"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DURABLE_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst();
    if (arguments.isEmpty()) {
        CommandLine::printErr(QString::fromLatin1(s_usage));
        return exitStatus(ExitCode::Usage);
    }
    const QString command = arguments.takeFirst();
    if (command == QLatin1String("-h") || command == QLatin1String("--help") ||
        command == QLatin1String("help")) {
        CommandLine::printOut(QString::fromLatin1(s_usage));
        return exitStatus(ExitCode::Ok);
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        CommandLine::printOut(
            QStringLiteral("durable %1").arg(QCoreApplication::applicationVersion()));
        return exitStatus(ExitCode::Ok);
    }
    if (command == QLatin1String("test"))
        return TestCommand::run(arguments);
    if (command == QLatin1String("run"))
        return RunCommand::run(arguments, false);
    if (command == QLatin1String("serve"))
        return RunCommand::run(arguments, true);
    if (command == QLatin1String("inspect"))
        return InspectCommand::run(arguments);
    if (command == QLatin1String("repair"))
        return RepairCommand::run(arguments);
    if (command == QLatin1String("sandbox"))
        return SandboxCommand::run(arguments);
    CommandLine::printErr(QStringLiteral("durable: unknown command \"%1\"\n\n%2")
                              .arg(command, QString::fromLatin1(s_usage)));
    return exitStatus(ExitCode::Usage);
}
