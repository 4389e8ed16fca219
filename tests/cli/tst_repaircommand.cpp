// SPDX-License-Identifier: MIT
// `durable repair`: the command-line way back for a quarantined object (issue 14), and the
// command line that the quarantine error itself suggests.
#include "durablerun.h"
#include "objectfiles.h"
#include "testutil.h"

#include <durable/core/engine.h>
#include <durable/core/objectid.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <examples/examples.h>

using namespace Durable;
using namespace DurableTest;

namespace {

const QString s_durable = QStringLiteral(DURABLE_CLI_PATH);

using Run = DurableTest::DurableRun;

Run runDurable(const QStringList &arguments)
{
    return DurableTest::runDurable(s_durable, arguments);
}

// Counter/name incremented count times by an engine that then shut down cleanly.
void increment(const QString &dir, const QString &name, int count)
{
    EngineOptions options;
    options.dataDir = dir;
    Engine engine(options);
    DurableExamples::registerDemoClasses(engine);
    QVERIFY(engine.start().ok());
    for (int i = 0; i < count; ++i)
        QVERIFY(call(engine, "Counter", name, "increment").ok());
}

QString objectFile(const QString &dir, const QString &name)
{
    return objectFilePath(dir, "Counter", name);
}

} // namespace

class TestRepairCommand : public QObject
{
    Q_OBJECT
private slots:
    void theSuggestedCommandResetsAQuarantinedObject()
    {
        QTemporaryDir dir;
        increment(dir.path(), "anna", 3);
        const QString file = objectFile(dir.path(), "anna");
        removeDatabase(file);
        const Run looked = runDurable(
            {"inspect", "--demo", "--data", dir.path(), "object", "Counter", "anna"});
        QCOMPARE(looked.exitCode, 3);
        QVERIFY2(looked.err.contains("quarantined") && looked.err.contains("is missing"),
                 qPrintable(looked.err));
        // The error names the command that repairs it; run exactly that.
        const QRegularExpression suggested(QStringLiteral("with: (durable repair [^\\n]*) reset"));
        const auto match = suggested.match(looked.err);
        QVERIFY2(match.hasMatch(), qPrintable(looked.err));
        QStringList words = QProcess::splitCommand(match.captured(1) + " reset");
        QCOMPARE(words.takeFirst(), QStringLiteral("durable"));
        const Run repaired = runDurable(words);
        QVERIFY2(repaired.exitCode == 0, qPrintable(repaired.err));
        QVERIFY2(repaired.out.contains("was reset"), qPrintable(repaired.out));
        // It starts empty, and counts again from 1.
        increment(dir.path(), "anna", 1);
        const Run after = runDurable(
            {"inspect", "--demo", "--data", dir.path(), "object", "Counter", "anna", "--json"});
        QCOMPARE(after.exitCode, 0);
        QVERIFY2(after.out.contains("\"count\": 1"), qPrintable(after.out));
    }

    void acceptTakesTheFileAsFound()
    {
        QTemporaryDir dir;
        increment(dir.path(), "cleo", 2);
        const QString file = objectFile(dir.path(), "cleo");
        copyDatabase(file, dir.path() + "/backup.sqlite"); // a backup at turn 2
        increment(dir.path(), "cleo", 3);
        removeDatabase(file);
        copyDatabase(dir.path() + "/backup.sqlite", file); // put back: 3 turns lost
        const Run repaired = runDurable(
            {"repair", "--demo", "--data", dir.path(), "Counter", "cleo", "accept"});
        QVERIFY2(repaired.exitCode == 0, qPrintable(repaired.err));
        QVERIFY2(repaired.out.contains("accepted as found"), qPrintable(repaired.out));
        const Run after = runDurable(
            {"inspect", "--demo", "--data", dir.path(), "object", "Counter", "cleo", "--json"});
        QVERIFY2(after.out.contains("\"count\": 2"), qPrintable(after.out + after.err));
    }

    void healthyUnknownAndMistypedAreRefused()
    {
        QTemporaryDir dir;
        increment(dir.path(), "ben", 1);
        const Run healthy = runDurable(
            {"repair", "--demo", "--data", dir.path(), "Counter", "ben", "reset"});
        QCOMPARE(healthy.exitCode, 3);
        QVERIFY2(healthy.err.contains("not damaged"), qPrintable(healthy.err));
        QVERIFY(QFile::exists(objectFile(dir.path(), "ben"))); // untouched
        const Run unknown = runDurable(
            {"repair", "--demo", "--data", dir.path(), "Counter", "zed", "reset"});
        QCOMPARE(unknown.exitCode, 3);
        QVERIFY2(unknown.err.contains("nothing to repair"), qPrintable(unknown.err));
        QVERIFY(!QFile::exists(objectFile(dir.path(), "zed"))); // not created by asking
        const Run action = runDurable(
            {"repair", "--demo", "--data", dir.path(), "Counter", "ben", "fix"});
        QCOMPARE(action.exitCode, 2);
        QVERIFY2(action.err.contains("reset or accept"), qPrintable(action.err));
        QCOMPARE(runDurable({"repair", "--demo", "--data", dir.path(), "Counter", "ben"}).exitCode,
                 2);
        QCOMPARE(runDurable({"repair", "Counter", "ben", "reset"}).exitCode, 2); // no --data
        const Run help = runDurable({"repair", "--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("reset"));
    }
};

QTEST_GUILESS_MAIN(TestRepairCommand)
#include "tst_repaircommand.moc"
