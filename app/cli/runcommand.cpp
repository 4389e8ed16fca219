// SPDX-License-Identifier: MIT
#include "runcommand.h"

#include "awaitresult.h"
#include "changelogger.h"
#include "commandline.h"
#include "enginesession.h"
#include "exitcode.h"
#include "gateway.h"
#include "signalwatcher.h"
#include "webui.h"

#include "httpserver.h"
#include <durable/core/agentpackageloader.h>
#include <durable/core/agentpackagewatcher.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/modelchoice.h>
#include <durable/core/sandboxes.h>
#include <durable/core/scenariorecorder.h>
#include <durable/core/virtualclock.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QHostAddress>
#include <QLoggingCategory>

#include <algorithm>

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
    const Result<int> saved = awaitResult(
        recorder->save(&session.engine(), &session.inspector(), file));
    if (!saved) {
        CommandLine::printErr(QStringLiteral("durable: the recording was not saved: %1")
                                  .arg(saved.error().message()));
        return false;
    }
    CommandLine::printErr(
        QStringLiteral("durable: recorded %1 operation(s) to %2; replay with \"durable test %2\"")
            .arg(saved.value())
            .arg(file));
    return true;
}

// The options of `run`; `serve` adds listen, token and max-body.
struct RunOptions
{
    QCommandLineOption data = CommandLine::dataOption();
    QCommandLineOption json {QStringLiteral("json"),
                             QStringLiteral("Log one JSON object per event.")};
    QCommandLineOption quiet {QStringLiteral("quiet"), QStringLiteral("Log failures only.")};
    QCommandLineOption verbose {QStringLiteral("verbose"),
                                QStringLiteral("Log every event of the change feed.")};
    QCommandLineOption virtualClock {
        QStringLiteral("virtual-clock"),
        QStringLiteral("Run on a paused virtual clock that only moves when told "
                       "(POST /clock/advance).")};
    QCommandLineOption clockStart {
        QStringLiteral("clock-start"),
        QStringLiteral("Start the virtual clock at TIME (ISO 8601; default: now)."),
        QStringLiteral("TIME")};
    QCommandLineOption noReload {
        QStringLiteral("no-reload"),
        QStringLiteral("Do not reload an agent package when its library is rebuilt (by default "
                       "a changed package is loaded again between turns; serve also takes "
                       "POST /agents/reload).")};
    QCommandLineOption workers {QStringLiteral("workers"),
                                QStringLiteral("Worker threads (default: one per core)."),
                                QStringLiteral("N")};
    QCommandLineOption durability {
        QStringLiteral("durability"),
        QStringLiteral("normal (survives a process crash) or full (fsync every commit)."),
        QStringLiteral("LEVEL"), QStringLiteral("normal")};
    QCommandLineOption listen {
        QStringLiteral("listen"),
        QStringLiteral("Address and port to listen on (default 127.0.0.1:8080; port 0 picks "
                       "a free one). A non-loopback address needs a token."),
        QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080")};
    QCommandLineOption token {
        QStringLiteral("token"),
        QStringLiteral("Require \"Authorization: Bearer T\" on every request (default: "
                       "$DURABLE_GATEWAY_TOKEN)."),
        QStringLiteral("T")};
    QCommandLineOption maxBody {
        QStringLiteral("max-body"),
        QStringLiteral("Largest request body in bytes (default 1048576); larger ones get 413."),
        QStringLiteral("BYTES")};
    QCommandLineOption maxConnections {
        QStringLiteral("max-connections"),
        QStringLiteral("Most open HTTP connections (default 1024); more get 503 and are closed."),
        QStringLiteral("N")};
    QCommandLineOption headTimeout {
        QStringLiteral("head-timeout"),
        QStringLiteral("Seconds a request head may take to arrive (default 10); slower ones get "
                       "408 and are closed. 0 disables the limit."),
        QStringLiteral("SECONDS")};
    QCommandLineOption record {
        QStringLiteral("record"),
        QStringLiteral("Record what clients do (requests, human answers, clock moves, "
                       "evict and crash) and, on shutdown, write it to FILE as a scenario "
                       "that \"durable test FILE\" replays, ending with the final state "
                       "of every object touched."),
        QStringLiteral("FILE")};
};

void addOptions(CommandLine &cli, const RunOptions &flags, bool serve)
{
    cli.addOption(flags.record);
    for (const QCommandLineOption &option :
         {flags.data, flags.json, flags.quiet, flags.verbose, flags.virtualClock, flags.clockStart,
          flags.workers, flags.durability, flags.noReload})
        cli.addOption(option);
    cli.addAgentOptions();
    cli.addModelOption();
    if (serve) {
        for (const QCommandLineOption &option :
             {flags.listen, flags.token, flags.maxBody, flags.maxConnections, flags.headTimeout})
            cli.addOption(option);
    }
}

// Workers, durability and clock; returns the usage error's exit code if one is wrong.
std::optional<int> readEngineOptions(const CommandLine &cli, const RunOptions &flags,
                                     EngineOptions &options)
{
    const QCommandLineParser &parser = cli.parser();
    if (parser.isSet(flags.workers)) {
        bool ok = false;
        options.workerThreads = parser.value(flags.workers).toInt(&ok);
        if (!ok || options.workerThreads < 1)
            return cli.usageError(QStringLiteral("--workers needs a positive number"));
    }
    const QString level = parser.value(flags.durability).toLower();
    if (level == QLatin1String("full"))
        options.durability = Durability::Full;
    else if (level != QLatin1String("normal"))
        return cli.usageError(
            QStringLiteral("--durability is normal or full, not \"%1\"").arg(level));
    ModelChoice model;
    if (const auto stop = cli.readModel(model))
        return stop;
    options.setModel(model);
    if (parser.isSet(flags.clockStart) && !parser.isSet(flags.virtualClock))
        return cli.usageError(QStringLiteral("--clock-start needs --virtual-clock"));
    // A sandbox runs on its own virtual clock from where it stood (Sandboxes::prepare) unless
    // --clock-start says otherwise.
    const bool sandbox = Sandboxes::isSandbox(options.dataDir);
    if (parser.isSet(flags.virtualClock) && !(sandbox && !parser.isSet(flags.clockStart))) {
        QDateTime start = QDateTime::currentDateTimeUtc();
        if (parser.isSet(flags.clockStart)) {
            start = QDateTime::fromString(parser.value(flags.clockStart), Qt::ISODateWithMs);
            if (!start.isValid())
                return cli.usageError(QStringLiteral(
                    "--clock-start needs an ISO 8601 time such as 2030-01-01T09:00:00Z"));
        }
        options.clock = std::make_shared<VirtualClock>(start);
    }
    return std::nullopt;
}

// A token nobody can send (empty, blank, with whitespace) or a public address without one is
// refused at start-up, naming the flag and the variable the user actually set.
std::optional<int> checkToken(const CommandLine &cli, bool fromFlag, const QString &token,
                              const ListenAddress &address)
{
    const QString source = fromFlag ? QStringLiteral("--token")
                                    : QStringLiteral("$DURABLE_GATEWAY_TOKEN");
    if (token.isEmpty() && fromFlag)
        return cli.usageError(QStringLiteral("--token is empty: give the secret clients send as "
                                             "\"Authorization: Bearer <token>\""));
    if (std::any_of(token.cbegin(), token.cend(), [](QChar c) { return c.isSpace(); }))
        return cli.usageError(QStringLiteral("%1 contains whitespace: no client could send it "
                                             "as \"Authorization: Bearer <token>\"; choose a "
                                             "token without spaces")
                                  .arg(source));
    const bool loopback = address.address.isLoopback() ||
                          address.address.toIPv4Address() >> 24 == 127;
    if (token.isEmpty() && !loopback)
        return cli.usageError(QStringLiteral("listening on %1 needs a token, or anyone on the "
                                             "network could call the engine: pass --token or "
                                             "set $DURABLE_GATEWAY_TOKEN, or listen on "
                                             "127.0.0.1")
                                  .arg(address.address.toString()));
    return std::nullopt;
}

// Listen address, token and body limit of `serve`; returns the usage error's exit code if one
// is wrong.
std::optional<int> readGatewayOptions(const CommandLine &cli, const RunOptions &flags,
                                      HttpServerOptions &httpOptions, ListenAddress &address)
{
    const QCommandLineParser &parser = cli.parser();
    const auto parsed = parseListen(parser.value(flags.listen));
    if (!parsed)
        return cli.usageError(
            QStringLiteral("--listen needs HOST:PORT, not \"%1\"").arg(parser.value(flags.listen)));
    address = *parsed;
    httpOptions.token = parser.isSet(flags.token) ? parser.value(flags.token)
                                                  : qEnvironmentVariable("DURABLE_GATEWAY_TOKEN");
    if (const auto stop = checkToken(cli, parser.isSet(flags.token), httpOptions.token, address))
        return stop;
    if (parser.isSet(flags.maxConnections)) {
        bool ok = false;
        httpOptions.maxConnections = parser.value(flags.maxConnections).toInt(&ok);
        if (!ok || httpOptions.maxConnections < 1)
            return cli.usageError(QStringLiteral("--max-connections needs a positive number"));
    }
    if (parser.isSet(flags.headTimeout)) {
        bool ok = false;
        const double seconds = parser.value(flags.headTimeout).toDouble(&ok);
        if (!ok || seconds < 0 || seconds > 24 * 3600)
            return cli.usageError(
                QStringLiteral("--head-timeout needs a number of seconds (0 disables it)"));
        httpOptions.headTimeoutMs = int(seconds * 1000);
    }
    if (parser.isSet(flags.maxBody)) {
        bool ok = false;
        httpOptions.maxBodyBytes = parser.value(flags.maxBody).toLongLong(&ok);
        if (!ok || httpOptions.maxBodyBytes < 0)
            return cli.usageError(QStringLiteral("--max-body needs a number of bytes"));
    }
    return std::nullopt;
}

ChangeLogger::Level logLevelOf(const QCommandLineParser &parser, const RunOptions &flags)
{
    if (parser.isSet(flags.verbose))
        return ChangeLogger::Level::Verbose;
    return parser.isSet(flags.quiet) ? ChangeLogger::Level::Quiet : ChangeLogger::Level::Normal;
}

// Starts the HTTP gateway and prints where it listens; false (after saying why) if it can't.
bool startGateway(EngineSession &engine, const HttpServerOptions &httpOptions,
                  const ListenAddress &address, std::unique_ptr<HttpServer> &server,
                  std::unique_ptr<Gateway> &gateway)
{
    server = std::make_unique<HttpServer>(httpOptions);
    gateway = std::make_unique<Gateway>(&engine.engine(), &engine.inspector(), server.get());
    WebUi::install(server.get());
    const Result<quint16> port = server->listen(address.address, address.port);
    if (!port) {
        CommandLine::printErr(QStringLiteral("durable serve: %1").arg(port.error().message()));
        return false;
    }
    const QString host = address.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.address.toString())
                             : address.address.toString();
    // On stdout, so scripts and tests can read the port that was picked.
    CommandLine::printOut(QStringLiteral("listening on http://%1:%2").arg(host).arg(port.value()));
    return true;
}

// Says on stderr what a reload of a rebuilt package did.
void logReload(const AgentPackageReport &report)
{
    CommandLine::printErr(
        report.ok() ? QStringLiteral("durable: reloaded agent package %1").arg(report.summary())
                    : QStringLiteral("durable: %1").arg(report.summary()));
}

// Runs the event loop until SIGINT or SIGTERM.
void runUntilSignal(SignalWatcher &watcher)
{
    QObject::connect(&watcher, &SignalWatcher::signalReceived, qApp, [](int signal) {
        CommandLine::printErr(QStringLiteral("durable: %1 received, stopping")
                                  .arg(SignalWatcher::signalName(signal)));
        QCoreApplication::quit();
    });
    QCoreApplication::exec();
}

// A sandbox's copy may wait on the model (forked while a call was out): send it now, as the
// original's turn did, rather than at the copy's next agent turn. Its source (recorded, live or
// edited) is the sandbox's model-sources.json's.
void sendSandboxCalls(EngineSession &session)
{
    const std::optional<SandboxInfo> &sandbox = session.sandbox();
    if (!sandbox)
        return;
    ModelCallDirectory(&session.engine())
        .sendWaiting(sandbox->className, sandbox->objectId)
        .then(&session.engine(),
              [](int sent) {
                  if (sent > 0)
                      CommandLine::printErr(
                          QStringLiteral("durable: sandbox: sent %1 waiting model call(s) of the "
                                         "copy (replies per model-sources.json; recorded by "
                                         "default)")
                              .arg(sent));
              })
        .onFailed(&session.engine(), [](const Error &error) {
            CommandLine::printErr(QStringLiteral("durable: sandbox: could not send the copy's "
                                                 "waiting model calls: %1")
                                      .arg(error.message()));
        });
}

} // namespace

int RunCommand::run(const QStringList &arguments, bool serve)
{
    CommandLine cli(
        serve ? QStringLiteral("serve") : QStringLiteral("run"),
        serve ? QStringLiteral(
                    "Runs the engine on a data directory with an HTTP gateway until SIGINT "
                    "or SIGTERM.\nRoutes: POST /objects/{class}/{name}/{method}, GET /objects, "
                    "GET /objects/{class}/{name}, GET /classes, GET /alarms, GET /inbox, "
                    "POST /inbox/{id}, GET /clock, POST /clock/advance, POST /clock/next-alarm, "
                    "GET /events (server-sent events), GET /objects/{class}/{name}/events (one "
                    "object's), GET /metrics, GET /health, GET /agents, "
                    "POST /agents/reload, GET /ui/chat/{class}/{name} (a chat page for a "
                    "browser).")
              : QStringLiteral(
                    "Runs the engine headless on a data directory until SIGINT or SIGTERM, "
                    "logging turns and failures to stderr."));
    const RunOptions flags;
    addOptions(cli, flags, serve);
    if (const auto stop = cli.parse(arguments))
        return *stop;
    const QCommandLineParser &parser = cli.parser();
    if (!parser.positionalArguments().isEmpty())
        return cli.usageError(
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    if (!parser.isSet(flags.data))
        return cli.usageError(QStringLiteral("--data DIR is required"));

    EngineOptions options;
    options.dataDir = parser.value(flags.data);
    if (const auto stop = readEngineOptions(cli, flags, options))
        return *stop;
    HttpServerOptions httpOptions;
    ListenAddress address;
    if (serve) {
        if (const auto stop = readGatewayOptions(cli, flags, httpOptions, address))
            return *stop;
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
    if (parser.isSet(flags.record)) {
        auto started = ScenarioRecorder::start(&engine.engine());
        if (!started) {
            CommandLine::printErr(QStringLiteral("durable: %1").arg(started.error().message()));
            return exitStatus(ExitCode::EngineError);
        }
        recorder = started.value();
    }
    ChangeLogger logger(&engine.inspector(), logLevelOf(parser, flags), parser.isSet(flags.json));
    if (parser.isSet(flags.quiet)) {
        // --quiet means failures only: the gateway's notes about refused requests are not.
        QLoggingCategory::setFilterRules(
            QStringLiteral("durable.core.http.debug=false\ndurable.core.http.info=false"));
    }
    QObject::connect(&engine.engine(), &Engine::errorOccurred, &engine.engine(),
                     [](const Error &error) {
                         CommandLine::printErr(QStringLiteral("durable: engine error: %1: %2")
                                                   .arg(error.codeName(), error.message()));
                     });

    AgentPackageWatcher packageWatcher(packages);
    if (!parser.isSet(flags.noReload) && !packages.isEmpty()) {
        QObject::connect(&packageWatcher, &AgentPackageWatcher::reloaded, &packageWatcher,
                         &logReload);
        packageWatcher.start();
    }
    sendSandboxCalls(engine);
    std::unique_ptr<HttpServer> server;
    std::unique_ptr<Gateway> gateway;
    if (serve && !startGateway(engine, httpOptions, address, server, gateway))
        return exitStatus(ExitCode::EngineError);
    if (gateway)
        gateway->serveAgentPackages(&packages);
    CommandLine::printErr(
        QStringLiteral("durable %1: engine running on %2 (%3 clock); Ctrl-C to stop")
            .arg(serve ? QStringLiteral("serve") : QStringLiteral("run"), options.dataDir,
                 engine.engine().clock()->isVirtual() ? QStringLiteral("virtual")
                                                      : QStringLiteral("system")));
    runUntilSignal(watcher);

    // Stop taking requests, then let the engine finish and commit what it accepted. Replies of
    // turns that complete now have no connection left: their callers never saw an answer.
    if (gateway)
        gateway->closeEventStreams();
    if (server)
        server->close();
    const bool recorded = !recorder || saveRecording(engine, parser.value(flags.record));
    engine.shutdown();
    CommandLine::printErr(QStringLiteral("durable: stopped"));
    return exitStatus(recorded ? ExitCode::Ok : ExitCode::EngineError);
}

} // namespace Durable::Cli
