// SPDX-License-Identifier: MIT
// `durable sandbox create|list|delete` on the built binary, and a sandbox opened by `durable run`
// and `durable inspect` like any data directory.
#include "durablerun.h"

#include <durable/core/engine.h>
#include <durable/core/sandboxes.h>
#include <examples/examples.h>

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace DurableTest;

namespace {

const QString s_durable = QStringLiteral(DURABLE_CLI_PATH);

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly)
               ? QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256)
               : QByteArray();
}

} // namespace

class TestSandboxCommand : public QObject
{
    Q_OBJECT
private slots:
    void createsListsRunsAndDeletesASandbox()
    {
        QTemporaryDir dir;
        QString counterFile;
        {
            Engine engine(EngineOptions {.dataDir = dir.path()});
            DurableExamples::registerDemoClasses(engine);
            QVERIFY(engine.start().ok());
            auto stub = engine.stub(QStringLiteral("Counter"), QStringLiteral("a"));
            QVERIFY(stub.ok());
            for (int by : {5, 2})
                stub->call(QStringLiteral("increment"), by).waitForFinished();
            const QString hex = stub->id().toString();
            counterFile = dir.filePath("objects/Counter/" + hex.left(2) + "/" + hex + ".sqlite");
        }
        const QByteArray before = fileHash(counterFile);
        QVERIFY(!before.isEmpty());

        DurableRun run = runDurable(s_durable, {"sandbox", "create", "--demo", "--data", dir.path(),
                                                "Counter", "a", "at-one", "--turn", "1"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("Sandbox at-one: Counter/a at turn 1"), qPrintable(run.out));
        QCOMPARE(fileHash(counterFile), before);

        // Without --turn: the newest.
        run = runDurable(s_durable, {"sandbox", "create", "--demo", "--data", dir.path(), "Counter",
                                     "a", "now"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("Counter/a at turn 2"), qPrintable(run.out));

        run = runDurable(s_durable, {"sandbox", "list", "--json", "--data", dir.path()});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray listed = QJsonDocument::fromJson(run.out.toUtf8()).array();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed.at(0).toObject().value("name").toString(), QStringLiteral("at-one"));
        QCOMPARE(listed.at(0).toObject().value("forkSeq").toInt(), 1);

        // The sandbox is a data directory: inspect reads the copy as of turn 1.
        const QString sandboxDir = Sandboxes::directory(dir.path()) + "/at-one";
        run = runDurable(s_durable, {"inspect", "--demo", "--data", sandboxDir, "--json", "object",
                                     "Counter", "a"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("\"count\": 5"), qPrintable(run.out));
        QCOMPARE(fileHash(counterFile), before);

        // Refusals say why, and change nothing.
        run = runDurable(s_durable, {"sandbox", "create", "--demo", "--data", dir.path(), "Counter",
                                     "a", "at-one"});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("exists already"), qPrintable(run.err));
        run = runDurable(s_durable, {"sandbox", "create", "--demo", "--data", dir.path(), "Counter",
                                     "a", "late", "--turn", "9"});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("has no turn 9"), qPrintable(run.err));
        run = runDurable(s_durable, {"sandbox", "explode", "--data", dir.path()});
        QCOMPARE(run.exitCode, 2);

        run = runDurable(s_durable, {"sandbox", "delete", "--data", dir.path(), "at-one"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(sandboxDir));
        run = runDurable(s_durable, {"sandbox", "list", "--data", dir.path()});
        QVERIFY2(run.out.contains("now: Counter/a at turn 2") && !run.out.contains("at-one"),
                 qPrintable(run.out));
        QCOMPARE(fileHash(counterFile), before);
    }
};

QTEST_GUILESS_MAIN(TestSandboxCommand)
#include "tst_sandboxcommand.moc"
