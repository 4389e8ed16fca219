// SPDX-License-Identifier: MIT
// durable-gateway-bench: the HTTP gateway's throughput. Modes:
//   serve   (default) starts `durable serve` on a temporary data directory and an ephemeral port
//   attach  --port P: drives a gateway that is already running on 127.0.0.1:P
// then runs HttpLoadClient with keep-alive connections doing Counter increments and prints one
// JSON line: requests/s and latency percentiles. Not a CTest test.
#include "servedprocess.h"

#include "httploadclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cstdio>

using namespace Durable;
using namespace DurableCliTest;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Benchmarks the durable HTTP gateway with counter increments."));
    parser.addHelpOption();
    const QCommandLineOption mode(QStringLiteral("mode"),
                                  QStringLiteral("serve (start durable serve) or attach."),
                                  QStringLiteral("MODE"), QStringLiteral("serve"));
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("attach: the gateway's port."),
                                  QStringLiteral("PORT"));
    const QCommandLineOption durable(QStringLiteral("durable"),
                                     QStringLiteral("serve: the durable executable."),
                                     QStringLiteral("PATH"), QStringLiteral(DURABLE_CLI_PATH));
    const QCommandLineOption connections(QStringLiteral("connections"),
                                         QStringLiteral("Keep-alive connections."),
                                         QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption requests(QStringLiteral("requests"),
                                      QStringLiteral("Requests in total."), QStringLiteral("N"),
                                      QStringLiteral("100000"));
    const QCommandLineOption objects(QStringLiteral("objects"),
                                     QStringLiteral("Distinct counters."), QStringLiteral("N"),
                                     QStringLiteral("64"));
    const QCommandLineOption workers(QStringLiteral("workers"),
                                     QStringLiteral("serve: engine worker threads (0: default)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({mode, port, durable, connections, requests, objects, workers});
    parser.process(app);

    const QString modeName = parser.value(mode);
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<ServedProcess> served;
    quint16 target = 0;
    if (modeName == QLatin1String("serve")) {
        dir = std::make_unique<QTemporaryDir>();
        QStringList arguments {QStringLiteral("serve"),    QStringLiteral("--demo"),
                               QStringLiteral("--data"),   dir->path(),
                               QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                               QStringLiteral("--quiet")};
        if (parser.value(workers).toInt() > 0)
            arguments << QStringLiteral("--workers") << parser.value(workers);
        served = std::make_unique<ServedProcess>(parser.value(durable), arguments);
        target = served->start();
        if (target == 0) {
            std::fprintf(stderr, "durable serve did not start: %s\n",
                         qPrintable(served->standardError()));
            return 3;
        }
    } else if (modeName == QLatin1String("attach")) {
        target = quint16(parser.value(port).toUInt());
        if (target == 0) {
            std::fprintf(stderr, "attach needs --port\n");
            return 2;
        }
    } else {
        std::fprintf(stderr, "unknown mode %s\n", qPrintable(modeName));
        return 2;
    }

    const int objectCount = qMax(1, parser.value(objects).toInt());
    HttpLoadClient::Options options;
    options.port = target;
    options.connections = parser.value(connections).toInt();
    options.totalRequests = parser.value(requests).toLongLong();
    options.method = "POST";
    options.body = "1";
    options.headers = {{"Content-Type", "application/json"}};
    options.pathFor = [objectCount](qint64 index) {
        return "/objects/Counter/bench-" + QByteArray::number(index % objectCount) + "/increment";
    };
    options.check = [](qint64, int status, const QByteArray &) { return status == 200; };
    options.timeoutMs = 600000;
    HttpLoadClient load(options);
    const HttpLoadClient::Report report = load.run();
    int exitCode = 0;
    if (served && served->terminate() != 0)
        exitCode = 3;
    const QJsonObject line {{QStringLiteral("bench"), QStringLiteral("gateway")},
                            {QStringLiteral("mode"), modeName},
                            {QStringLiteral("workload"), QStringLiteral("counter-increment")},
                            {QStringLiteral("connections"), options.connections},
                            {QStringLiteral("objects"), objectCount},
                            {QStringLiteral("requests"), double(report.completed)},
                            {QStringLiteral("failed"), double(report.failed)},
                            {QStringLiteral("mismatches"), double(report.mismatches)},
                            {QStringLiteral("requestsPerSecond"), qRound(report.requestsPerSecond)},
                            {QStringLiteral("p50Us"), double(report.latencyP50Us)},
                            {QStringLiteral("p99Us"), double(report.latencyP99Us)},
                            {QStringLiteral("maxUs"), double(report.latencyMaxUs)},
                            {QStringLiteral("timedOut"), report.timedOut}};
    std::fprintf(stdout, "%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    if (report.failed > 0 || report.mismatches > 0 || report.timedOut)
        exitCode = 1;
    return exitCode;
}
