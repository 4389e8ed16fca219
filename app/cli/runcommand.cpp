// SPDX-License-Identifier: MIT
#include "runcommand.h"

#include "awaitresult.h"
#include "changelogger.h"
#include "commandline.h"
#include "enginesession.h"
#include "exitcode.h"
#include "gateway.h"
#include "signalwatcher.h"

#include <durable/core/agentpackageloader.h>
#include <durable/core/engine.h>
#include "httpserver.h"
#include <durable/core/inspector.h>
#include <durable/core/scenariorecorder.h>
#include <durable/core/virtualclock.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QHostAddress>

namespace Durable::Cli {

namespace {

struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:0", ":8080", "8080".
std::optional<ListenAddress> parseListen(const QString &text)
{
    QString host = QStringLiteral("127.0.0.1");
    QString port = text;
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0) {
        host = text.left(colon);
        port = text.mid(colon + 1);
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        if (host.isEmpty())
            host = QStringLiteral("127.0.0.1");
    }
    bool ok = false;
    const uint number = port.toUInt(&ok);
    if (!ok || number > 65535)
        return std::nullopt;
    ListenAddress result;
    if (host == QLatin1String("localhost"))
        result.address = QHostAddress(QHostAddress::LocalHost);
    else if (!result.address.setAddress(host))
        return std::nullopt;
    result.port = quint16(number);
    return result;
}

// Writes what --record captured, once no client can add to it; the engine still runs, so the
// final state is read from it.
bool saveRecording(EngineSession &session, const QString &file)
{
    const std::shared_ptr<ScenarioRecorder> recorder = ScenarioRecorder::stop(&session.engine());
    const Result<int> saved = awaitResult(recorder->save(&session.engine(), &session.inspector(), file));
    if (!saved) {
        CommandLine::printErr(QStringLiteral("durable: the recording was not saved: %1").arg(saved.error().message()));
        return false;
    }
    CommandLine::printErr(QStringLiteral("durable: recorded %1 operation(s) to %2; replay with \"durable test %2\"")
                              .arg(saved.value())
                              .arg(file));
    return true;
}

} // namespace

int RunCommand::run(const QStringList &arguments, bool serve)
{
    CommandLine cli(serve ? QStringLiteral("serve") : QStringLiteral("run"),
                    serve ? QStringLiteral("Runs the engine on a data directory with an HTTP gateway until SIGINT "
                                           "or SIGTERM.\nRoutes: POST /objects/{class}/{name}/{method}, GET /objects, "
                                           "GET /objects/{class}/{name}, GET /classes, GET /alarms, GET /inbox, "
                                           "POST /inbox/{id}, GET /clock, POST /clock/advance, POST /clock/next-alarm, "
                                           "GET /events (server-sent events), GET /metrics, GET /health.")
                          : QStringLiteral("Runs the engine headless on a data directory until SIGINT or SIGTERM, "
                                           "logging turns and failures to stderr."));
    const QCommandLineOption data = CommandLine::dataOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Log one JSON object per event."));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Log failures only."));
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Log every event of the change feed."));
    const QCommandLineOption virtualClock(QStringLiteral("virtual-clock"),
                                          QStringLiteral("Run on a paused virtual clock that only moves when told "
                                                         "(POST /clock/advance)."));
    const QCommandLineOption clockStart(QStringLiteral("clock-start"),
                                        QStringLiteral("Start the virtual clock at TIME (ISO 8601; default: now)."),
                                        QStringLiteral("TIME"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Worker threads (default: one per core)."),
                                     QStringLiteral("N"));
    const QCommandLineOption durability(QStringLiteral("durability"),
                                        QStringLiteral("normal (survives a process crash) or full (fsync every commit)."),
                                        QStringLiteral("LEVEL"), QStringLiteral("normal"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port to listen on (default 127.0.0.1:8080; port 0 picks "
                                                   "a free one). A non-loopback address needs a token."),
                                    QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080"));
    const QCommandLineOption token(QStringLiteral("token"),
                                   QStringLiteral("Require \"Authorization: Bearer T\" on every request (default: "
                                                  "$DURABLE_GATEWAY_TOKEN)."),
                                   QStringLiteral("T"));
    const QCommandLineOption maxBody(QStringLiteral("max-body"),
                                     QStringLiteral("Largest request body in bytes (default 1048576); larger ones get 413."),
                                     QStringLiteral("BYTES"));
    const QCommandLineOption record(QStringLiteral("record"),
                                    QStringLiteral("Record what clients do (requests, human answers, clock moves, "
                                                   "evict and crash) and, on shutdown, write it to FILE as a scenario "
                                                   "that \"durable test FILE\" replays, ending with the final state "
                                                   "of every object touched."),
                                    QStringLiteral("FILE"));
    cli.addOption(record);
    const QCommandLineOption agents = CommandLine::agentsOption();
    for (const QCommandLineOption &option : {data, json, quiet, verbose, virtualClock, clockStart, workers, durability,
                                             agents})
        cli.addOption(option);
    if (serve) {
        for (const QCommandLineOption &option : {listen, token, maxBody})
            cli.addOption(option);
    }
    if (const auto stop = cli.parse(arguments))
        return *stop;
    const QCommandLineParser &parser = cli.parser();
    if (!parser.positionalArguments().isEmpty())
        return cli.usageError(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    if (!parser.isSet(data))
        return cli.usageError(QStringLiteral("--data DIR is required"));

    EngineOptions options;
    options.dataDir = parser.value(data);
    if (parser.isSet(workers)) {
        bool ok = false;
        options.workerThreads = parser.value(workers).toInt(&ok);
        if (!ok || options.workerThreads < 1)
            return cli.usageError(QStringLiteral("--workers needs a positive number"));
    }
    const QString level = parser.value(durability).toLower();
    if (level == QLatin1String("full"))
        options.durability = Durability::Full;
    else if (level != QLatin1String("normal"))
        return cli.usageError(QStringLiteral("--durability is normal or full, not \"%1\"").arg(level));
    if (parser.isSet(clockStart) && !parser.isSet(virtualClock))
        return cli.usageError(QStringLiteral("--clock-start needs --virtual-clock"));
    if (parser.isSet(virtualClock)) {
        QDateTime start = QDateTime::currentDateTimeUtc();
        if (parser.isSet(clockStart)) {
            start = QDateTime::fromString(parser.value(clockStart), Qt::ISODateWithMs);
            if (!start.isValid())
                return cli.usageError(QStringLiteral("--clock-start needs an ISO 8601 time such as 2030-01-01T09:00:00Z"));
        }
        options.clock = std::make_shared<VirtualClock>(start);
    }

    HttpServerOptions httpOptions;
    ListenAddress address;
    if (serve) {
        const auto parsed = parseListen(parser.value(listen));
        if (!parsed)
            return cli.usageError(QStringLiteral("--listen needs HOST:PORT, not \"%1\"").arg(parser.value(listen)));
        address = *parsed;
        httpOptions.token = parser.isSet(token) ? parser.value(token) : qEnvironmentVariable("DURABLE_GATEWAY_TOKEN");
        if (parser.isSet(maxBody)) {
            bool ok = false;
            httpOptions.maxBodyBytes = parser.value(maxBody).toLongLong(&ok);
            if (!ok || httpOptions.maxBodyBytes < 0)
                return cli.usageError(QStringLiteral("--max-body needs a number of bytes"));
        }
    }

    SignalWatcher watcher;
    if (!watcher.isValid()) {
        CommandLine::printErr(QStringLiteral("durable: could not install the signal handlers"));
        return exitStatus(ExitCode::EngineError);
    }
    AgentPackageLoader packages; // outlives the session: its engines hold the packages' factories
    if (!cli.loadAgentPackages(packages))
        return exitStatus(ExitCode::EngineError);
    auto session = EngineSession::open(options, &packages);
    if (!session) {
        CommandLine::printErr(QStringLiteral("durable: %1").arg(session.error().message()));
        return exitStatus(ExitCode::EngineError);
    }
    EngineSession &engine = *session.value();
    std::shared_ptr<ScenarioRecorder> recorder;
    if (parser.isSet(record)) {
        auto started = ScenarioRecorder::start(&engine.engine());
        if (!started) {
            CommandLine::printErr(QStringLiteral("durable: %1").arg(started.error().message()));
            return exitStatus(ExitCode::EngineError);
        }
        recorder = started.value();
    }
    const ChangeLogger::Level logLevel = parser.isSet(verbose) ? ChangeLogger::Level::Verbose
        : parser.isSet(quiet)                                  ? ChangeLogger::Level::Quiet
                                                               : ChangeLogger::Level::Normal;
    ChangeLogger logger(&engine.inspector(), logLevel, parser.isSet(json));
    QObject::connect(&engine.engine(), &Engine::errorOccurred, &engine.engine(), [](const Error &error) {
        CommandLine::printErr(QStringLiteral("durable: engine error: %1: %2").arg(error.codeName(), error.message()));
    });

    std::unique_ptr<HttpServer> server;
    std::unique_ptr<Gateway> gateway;
    if (serve) {
        server = std::make_unique<HttpServer>(httpOptions);
        gateway = std::make_unique<Gateway>(&engine.engine(), &engine.inspector(), server.get());
        const Result<quint16> port = server->listen(address.address, address.port);
        if (!port) {
            CommandLine::printErr(QStringLiteral("durable serve: %1").arg(port.error().message()));
            return exitStatus(ExitCode::EngineError);
        }
        const QString host = address.address.protocol() == QAbstractSocket::IPv6Protocol
            ? QStringLiteral("[%1]").arg(address.address.toString())
            : address.address.toString();
        // On stdout, so scripts and tests can read the port that was picked.
        CommandLine::printOut(QStringLiteral("listening on http://%1:%2").arg(host).arg(port.value()));
    }
    CommandLine::printErr(QStringLiteral("durable %1: engine running on %2 (%3 clock); Ctrl-C to stop")
                              .arg(serve ? QStringLiteral("serve") : QStringLiteral("run"), options.dataDir,
                                   options.clock ? QStringLiteral("virtual") : QStringLiteral("system")));

    QObject::connect(&watcher, &SignalWatcher::signalReceived, qApp, [](int signal) {
        CommandLine::printErr(QStringLiteral("durable: %1 received, stopping").arg(SignalWatcher::signalName(signal)));
        QCoreApplication::quit();
    });
    QCoreApplication::exec();

    // Stop taking requests, then let the engine finish and commit what it accepted. Replies of
    // turns that complete now have no connection left: their callers never saw an answer.
    if (gateway)
        gateway->closeEventStreams();
    if (server)
        server->close();
    const bool recorded = !recorder || saveRecording(engine, parser.value(record));
    engine.shutdown();
    CommandLine::printErr(QStringLiteral("durable: stopped"));
    return exitStatus(recorded ? ExitCode::Ok : ExitCode::EngineError);
}

} // namespace Durable::Cli
