// SPDX-License-Identifier: MIT
// `durable serve` and `durable run` as child processes: SIGTERM under load loses no
// acknowledged request; run logs turns and stops on SIGINT; inspect reads what they left.
#include "httptestclient.h"
#include "servedprocess.h"

#include "httploadclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace Durable;
using namespace DurableCliTest;

namespace {

const QString s_durable = QStringLiteral(DURABLE_CLI_PATH);

QStringList serveArguments(const QString &dataDir)
{
    return {QStringLiteral("serve"),    QStringLiteral("--demo"),
            QStringLiteral("--data"),   dataDir,
            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--quiet"),  QStringLiteral("--workers"),
            QStringLiteral("2")};
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT
private slots:
    void sigtermUnderLoadLosesNoAcknowledgedRequest()
    {
        QTemporaryDir dir;
        constexpr int counters = 16;
        std::vector<int> acknowledged(counters, 0); // highest acknowledged value per counter
        std::vector<int> acknowledgedCount(counters, 0);
        qint64 acked = 0;
        {
            ServedProcess served(s_durable, serveArguments(dir.path()));
            const quint16 port = served.start();
            QVERIFY2(port != 0, qPrintable(served.standardError()));

            HttpLoadClient::Options options;
            options.port = port;
            options.connections = 16;
            // More than fit before the SIGTERM. Once the server is gone HttpLoadClient keeps
            // trying to reconnect until its timeout, so the run ends by timing out.
            options.totalRequests = 20000;
            options.method = "POST";
            options.body = "1";
            options.headers = {{"Content-Type", "application/json"}};
            options.pathFor = [](qint64 index) {
                return "/objects/Counter/c" + QByteArray::number(index % counters) + "/increment";
            };
            options.check = [&](qint64 index, int status, const QByteArray &body) {
                if (status != 200)
                    return true; // refused while stopping: not acknowledged
                const int value =
                    QJsonDocument::fromJson(body).object().value(QStringLiteral("result")).toInt();
                const auto counter = size_t(index % counters);
                acknowledged[counter] = std::max(acknowledged[counter], value);
                ++acknowledgedCount[counter];
                ++acked;
                return true;
            };
            options.timeoutMs = 8000;
            HttpLoadClient load(options);
            // Terminate once the load is well under way.
            QTimer poll;
            bool sent = false;
            poll.setInterval(10);
            connect(&poll, &QTimer::timeout, &poll, [&] {
                if (!sent && acked >= 2000) {
                    sent = true;
                    ::kill(pid_t(served.pid()), SIGTERM);
                }
            });
            poll.start();
            const HttpLoadClient::Report report = load.run();
            poll.stop();
            QVERIFY2(sent, qPrintable(report.summary()));
            QVERIFY2(report.statusCounts.value(200) == acked, qPrintable(report.summary()));
            if (served.process().state() != QProcess::NotRunning)
                QVERIFY(served.process().waitForFinished(60000));
            QCOMPARE(served.process().exitStatus(), QProcess::NormalExit);
            QCOMPARE(served.process().exitCode(), 0);
            const QString log = served.standardError();
            QVERIFY2(log.contains(QStringLiteral("SIGTERM received")), qPrintable(log));
            QVERIFY2(log.contains(QStringLiteral("stopped")), qPrintable(log));
        }
        QVERIFY(acked >= 2000);

        // Restart on the same directory: every acknowledged increment is there.
        ServedProcess again(s_durable, serveArguments(dir.path()));
        const quint16 port = again.start();
        QVERIFY(port != 0);
        HttpTestClient client(port);
        for (int i = 0; i < counters; ++i) {
            const HttpTestResponse r = client.post(
                "/objects/Counter/c" + QByteArray::number(i) + "/get", "");
            QCOMPARE(r.status, 200);
            const int stored = r.json().value(QStringLiteral("result")).toInt();
            QVERIFY2(stored >= acknowledged[size_t(i)],
                     qPrintable(QStringLiteral("counter c%1: stored %2 < acknowledged %3")
                                    .arg(i)
                                    .arg(stored)
                                    .arg(acknowledged[size_t(i)])));
            QVERIFY(stored >= acknowledgedCount[size_t(i)]);
        }
        QCOMPARE(again.terminate(), 0);
    }

    void unusableTokensAreRefusedAtStartUp_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("environmentToken");
        QTest::addColumn<QString>("expected");
        const QString flag = QStringLiteral("--token");
        const QString variable = QStringLiteral("$DURABLE_GATEWAY_TOKEN");
        QTest::newRow("empty flag") << QStringList {flag, QString()} << QString() << flag;
        QTest::newRow("blank flag") << QStringList {flag, QStringLiteral(" ")} << QString() << flag;
        QTest::newRow("inner space")
            << QStringList {flag, QStringLiteral("a b")} << QString() << flag;
        QTest::newRow("blank variable") << QStringList() << QStringLiteral(" \t") << variable;
        QTest::newRow("public address without token")
            << QStringList {QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")} << QString()
            << flag;
    }

    void unusableTokensAreRefusedAtStartUp()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, environmentToken);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QProcess serve;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("DURABLE_GATEWAY_TOKEN"));
        if (!environmentToken.isEmpty())
            environment.insert(QStringLiteral("DURABLE_GATEWAY_TOKEN"), environmentToken);
        serve.setProcessEnvironment(environment);
        serve.start(s_durable,
                    QStringList {QStringLiteral("serve"), QStringLiteral("--demo"),
                                 QStringLiteral("--data"), dir.path(), QStringLiteral("--quiet")} +
                        flags);
        QVERIFY(serve.waitForFinished(30000));
        const QString err = QString::fromUtf8(serve.readAllStandardError());
        QCOMPARE(serve.exitCode(), 2);
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("HttpServerOptions")), qPrintable(err));
    }

    void maxConnectionsFlagCapsConnections()
    {
        QTemporaryDir dir;
        ServedProcess served(s_durable, serveArguments(dir.path())
                                            << QStringLiteral("--max-connections")
                                            << QStringLiteral("1"));
        const quint16 port = served.start();
        QVERIFY2(port != 0, qPrintable(served.standardError()));
        HttpTestClient first(port);
        QCOMPARE(first.get("/health").status, 200);
        HttpTestClient second(port);
        const HttpTestResponse refused = second.get("/health");
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        QCOMPARE(first.get("/health").status, 200);
        QCOMPARE(served.terminate(), 0);
        QVERIFY(served.standardError().contains(QStringLiteral("(limit 1); answered 503")));
    }

    void quietLogElidesLongClientInput()
    {
        QTemporaryDir dir;
        ServedProcess served(s_durable, serveArguments(dir.path()));
        const quint16 port = served.start();
        QVERIFY2(port != 0, qPrintable(served.standardError()));
        HttpTestClient client(port);
        // An existing object: a new one's failed first call leaves no object and no log line.
        QCOMPARE(client.post("/objects/Counter/a/increment", "{}").status, 200);
        const QByteArray method(10000, 'm');
        const HttpTestResponse response = client.post("/objects/Counter/a/" + method, "{}");
        QCOMPARE(response.status, 404);
        // A malformed request is a note, not a failure: --quiet does not print it.
        QCOMPARE(HttpTestClient(port).exchange("GET /health HTTP/1.1\r\n\r\n").status, 400);
        // The change log is batched: wait for the failed turn's line before stopping.
        QString err;
        QTRY_VERIFY_WITH_TIMEOUT((err += served.standardError()).contains("turn FAILED"), 10000);
        QCOMPARE(served.terminate(), 0);
        err += served.standardError();
        QVERIFY2(err.contains(QStringLiteral("... (10000 characters)")), qPrintable(err));
        QVERIFY2(err.size() < 2000, qPrintable(err.left(2000)));
        QVERIFY2(!err.contains(QStringLiteral("Refusing request")), qPrintable(err));
    }

    void runLogsTurnsAndStopsOnSigint()
    {
        QTemporaryDir dir;
        // Seed a few objects through serve, then check `run` logs an alarm turn and `inspect`.
        {
            ServedProcess served(s_durable, serveArguments(dir.path())
                                                << QStringLiteral("--virtual-clock")
                                                << QStringLiteral("--clock-start")
                                                << QStringLiteral("2030-01-01T09:00:00Z"));
            const quint16 port = served.start();
            QVERIFY(port != 0);
            HttpTestClient client(port);
            QCOMPARE(client.post("/objects/Counter/ida/increment", "41").status, 200);
            QCOMPARE(client.post("/objects/Counter/ida/increment", "1").status, 200);
            QCOMPARE(served.terminate(), 0);
        }
        QProcess run;
        run.start(s_durable, {QStringLiteral("run"), QStringLiteral("--demo"),
                              QStringLiteral("--data"), dir.path()});
        QVERIFY(run.waitForStarted());
        QByteArray err;
        QDeadlineTimer deadline(20000);
        while (!err.contains("engine running") && !deadline.hasExpired()) {
            run.waitForReadyRead(100);
            err += run.readAllStandardError();
        }
        QVERIFY2(err.contains("engine running"), err.constData());
        ::kill(pid_t(run.processId()), SIGINT);
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 0);
        err += run.readAllStandardError();
        QVERIFY2(err.contains("SIGINT received"), err.constData());

        QProcess inspect;
        inspect.start(s_durable,
                      {QStringLiteral("inspect"), QStringLiteral("--demo"),
                       QStringLiteral("--data"), dir.path(), QStringLiteral("object"),
                       QStringLiteral("Counter"), QStringLiteral("ida"), QStringLiteral("--json")});
        QVERIFY(inspect.waitForFinished(30000));
        QCOMPARE(inspect.exitCode(), 0);
        const QJsonObject object =
            QJsonDocument::fromJson(inspect.readAllStandardOutput()).object();
        QCOMPARE(
            object.value(QStringLiteral("kv")).toObject().value(QStringLiteral("count")).toInt(),
            42);

        inspect.start(s_durable,
                      {QStringLiteral("inspect"), QStringLiteral("--demo"),
                       QStringLiteral("--data"), dir.path(), QStringLiteral("journal"),
                       QStringLiteral("Counter"), QStringLiteral("ida"), QStringLiteral("--json")});
        QVERIFY(inspect.waitForFinished(30000));
        QCOMPARE(inspect.exitCode(), 0);
        const QJsonArray journal = QJsonDocument::fromJson(inspect.readAllStandardOutput()).array();
        QCOMPARE(journal.size(), 2);
        QCOMPARE(journal.last().toObject().value(QStringLiteral("method")).toString(),
                 QStringLiteral("increment"));

        inspect.start(s_durable, {QStringLiteral("inspect"), QStringLiteral("--demo"),
                                  QStringLiteral("--data"), dir.path(), QStringLiteral("objects")});
        QVERIFY(inspect.waitForFinished(30000));
        QCOMPARE(inspect.exitCode(), 0);
        QVERIFY(inspect.readAllStandardOutput().contains("ida"));

        inspect.start(s_durable, {QStringLiteral("inspect"), QStringLiteral("--demo"),
                                  QStringLiteral("--data"), dir.path(), QStringLiteral("object"),
                                  QStringLiteral("Counter"), QStringLiteral("nobody")});
        QVERIFY(inspect.waitForFinished(30000));
        QCOMPARE(inspect.exitCode(), 3);
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
