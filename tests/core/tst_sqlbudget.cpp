// SPDX-License-Identifier: MIT
// User SQL's limits: the time budget, shutdown interrupting runaway SQL, a bounded WAL, and
// the statements agent SQL may not run.
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

// Never ends on its own: counts an endless recursive CTE.
const char s_runaway[] =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

Result<QJsonValue> sql(Engine &engine, const QString &name, const QString &query)
{
    return call(engine, "StorageProbe", name, "sql", QJsonObject {{"query", query}});
}

QString walPath(Engine &engine, const QString &name)
{
    const QString hex = ObjectId::fromName("StorageProbe", name).toString();
    return engine.options().dataDir + "/objects/StorageProbe/" + hex.left(2) + "/" + hex +
           ".sqlite-wal";
}

qint64 fileSize(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() ? info.size() : 0;
}

// Enough committed turns to grow a WAL well past its size once checkpointed.
void fillWal(Engine &engine, const QString &name)
{
    const QString value(4000, u'x');
    for (int i = 0; i < 60; ++i) {
        const auto put = call(engine, "StorageProbe", name, "put",
                              QJsonObject {{"key", QString::number(i)}, {"value", value}});
        QVERIFY(put.ok());
    }
}

} // namespace

class TestSqlBudget : public QObject
{
    Q_OBJECT

private slots:
    void runawayStatementFailsItsTurnAndTheWorkerServesOthers()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.workerThreads = 1; // both objects share the worker the runaway SQL holds
        options.sqlBudget = 300ms;
        auto engine = startTestEngine(dir.path(), options);
        const QString script = QStringLiteral("CREATE TABLE t(x); INSERT INTO t VALUES (1); ") +
                               QLatin1String(s_runaway);
        const auto failed = sql(*engine, "runaway", script);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code(), ErrorCode::Timeout);
        QVERIFY2(failed.error().message().contains("budget of 0.3 s"),
                 qPrintable(failed.error().message()));
        // The failed turn is rolled back: its table is gone.
        const auto tables = sql(*engine, "runaway",
                                "SELECT name FROM sqlite_schema WHERE name = 't'");
        QVERIFY(tables.ok());
        QCOMPARE(tables.value()["rows"].toArray().size(), 0);
        QCOMPARE(call(*engine, "Counter", "neighbour", "increment").value().toInt(), 1);
        QVERIFY(sql(*engine, "runaway", "SELECT 1").ok());
    }

    void inspectionQueriesHaveTheBudgetToo()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.sqlBudget = 300ms;
        auto engine = startTestEngine(dir.path(), options);
        QVERIFY(sql(*engine, "inspected", "CREATE TABLE t(x)").ok());
        Inspector inspector(engine.get());
        const ObjectId id = ObjectId::fromName("StorageProbe", "inspected");
        const auto result = awaitValue(
            inspector.query("StorageProbe", id, QString::fromLatin1(s_runaway), {}));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code(), ErrorCode::Timeout);
    }

    void shutdownInterruptsRunningSql()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.workerThreads = 1;
        options.sqlBudget = 10min; // only the shutdown can stop it in time
        auto engine = startTestEngine(dir.path(), options);
        const Stub stub = engine->stub("StorageProbe", "stuck").value();
        auto pending = stub.call("sql", QJsonObject {{"query", QString::fromLatin1(s_runaway)}});
        QElapsedTimer timer;
        timer.start();
        engine->shutdown();
        // Generous for a loaded machine; without the interrupt this takes the full budget.
        QVERIFY2(timer.elapsed() < 60000, qPrintable(QString::number(timer.elapsed())));
        const auto result = await(pending);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code(), ErrorCode::ShuttingDown);
    }

    void hibernatingAndShutdownLeaveNoWal()
    {
        QTemporaryDir dir;
        auto clock = std::make_shared<VirtualClock>();
        EngineOptions options;
        options.clock = clock;
        options.idleEviction = 10min;
        auto engine = startTestEngine(dir.path(), options);
        fillWal(*engine, "idle");
        QVERIFY(fileSize(walPath(*engine, "idle")) > 100000);
        Inspector inspector(engine.get());
        clock->advance(11min); // idle longer than idleEviction: hibernated on the sweep
        QTRY_COMPARE(inspector.metrics().liveObjects, 0);
        QCOMPARE(fileSize(walPath(*engine, "idle")), 0);

        fillWal(*engine, "open");
        QVERIFY(fileSize(walPath(*engine, "open")) > 100000);
        engine->shutdown();
        QCOMPARE(fileSize(walPath(*engine, "open")), 0);
        // The data is in the file itself.
        engine = startTestEngine(dir.path(), options);
        QCOMPARE(call(*engine, "StorageProbe", "open", "get", QJsonObject {{"key", "59"}})
                     .value()
                     .toString()
                     .size(),
                 4000);
    }

    void liveWalStaysBounded()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        const QString value(4000, u'x');
        for (int i = 0; i < 600; ++i) {
            QVERIFY(call(*engine, "StorageProbe", "busy", "put",
                         QJsonObject {{"key", QString::number(i % 10)}, {"value", value}})
                        .ok());
        }
        // ~2.4 MB written; the WAL is checkpointed and truncated near 1 MB, not kept at 4 MB.
        const qint64 wal = fileSize(walPath(*engine, "busy"));
        QVERIFY2(wal < 1500000, qPrintable(QString::number(wal)));
    }

    void refusedStatementsSayWhy_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        const int reserved = int(ErrorCode::ReservedTable);
        const int refused = int(ErrorCode::SqlError);
        QTest::newRow("rename to reserved")
            << "ALTER TABLE t RENAME TO _durable_x" << reserved << "reserved";
        QTest::newRow("rename quoted")
            << "ALTER TABLE t RENAME TO \"_DURABLE_kv2\"" << reserved << "reserved";
        QTest::newRow("rename column")
            << "ALTER TABLE t RENAME COLUMN x TO _durable_x" << reserved << "reserved";
        QTest::newRow("fts3_tokenizer read")
            << "SELECT hex(fts3_tokenizer('simple'))" << refused << "fts3_tokenizer";
        QTest::newRow("fts3_tokenizer install")
            << "SELECT fts3_tokenizer('mine', x'0000000000000000')" << refused << "fts3_tokenizer";
        QTest::newRow("attach") << "ATTACH 'x.db' AS x" << refused << "exactly one database";
        QTest::newRow("begin") << "BEGIN" << refused << "each turn is one transaction";
        QTest::newRow("savepoint") << "SAVEPOINT s" << refused << "each turn is one transaction";
        QTest::newRow("pragma") << "PRAGMA journal_mode=DELETE" << refused << "PRAGMA";
    }

    void refusedStatementsSayWhy()
    {
        QFETCH(QString, query);
        QFETCH(int, code);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        QVERIFY(sql(*engine, "p", "CREATE TABLE t(x)").ok());
        const auto result = sql(*engine, "p", query);
        QVERIFY(!result.ok());
        QCOMPARE(int(result.error().code()), code);
        QVERIFY2(result.error().message().contains(reason), qPrintable(result.error().message()));
        // Renames that keep clear of reserved names still work.
        QVERIFY(sql(*engine, "p", "ALTER TABLE t RENAME TO mine").ok());
    }
};

QTEST_GUILESS_MAIN(TestSqlBudget)
#include "tst_sqlbudget.moc"
