// SPDX-License-Identifier: MIT
// The studio's small models over a real engine: classes, key/values, SQL results, alarms.
#include "uitestutil.h"

#include <alarmboardmodel.h>
#include <classlistmodel.h>
#include <keyvaluemodel.h>
#include <sqlresultmodel.h>

#include <durable/core/inspector.h>

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;
using namespace DurableUiTest;
using namespace std::chrono_literals;

class TestModels : public QObject
{
    Q_OBJECT
private slots:
    void classListCountsObjects()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        ClassListModel model(&inspector);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 1); // "All classes" before the first snapshot
        model.refresh();
        QTRY_COMPARE(model.rowCount(), 1 + engine->classNames().size());
        QCOMPARE(createObjects(*engine, "Counter", "c", 5, "increment"), 0);
        // The feed bumps the count without a new snapshot.
        QTRY_COMPARE(model.totalCount(), 5);
        int counterRow = -1;
        for (int row = 1; row < model.rowCount(); ++row)
            if (model.index(row).data(ClassListModel::NameRole).toString() == "Counter")
                counterRow = row;
        QVERIFY(counterRow > 0);
        QCOMPARE(model.index(counterRow).data(ClassListModel::CountRole).toLongLong(), 5);
        model.refresh();
        QTRY_COMPARE(model.index(counterRow).data(ClassListModel::CountRole).toLongLong(), 5);
        QVERIFY(model.index(0).data().toString().contains("5"));
    }

    void keyValuesArePagedInKeyOrder()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        const Stub stub = engine->stub("StorageProbe", "kv").value();
        QVERIFY(await(stub.call("putMany", QJsonObject {{"n", 25}})).ok());
        QVERIFY(
            await(stub.call("put", QJsonObject {{"key", "zz"},
                                                {"value", QJsonObject {{"a", QJsonArray {1, 2}}}}}))
                .ok());
        KeyValueModel model(&inspector);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(10);
        QSignalSpy pages(&model, &KeyValueModel::pageLoaded);
        QVERIFY(pages.isValid());
        model.setObject("StorageProbe", stub.id());
        QTRY_COMPARE(model.rowCount(), 10);
        QVERIFY(model.canFetchMore({}) || model.isLoading());
        while (model.rowCount() < 26) {
            if (model.canFetchMore({}))
                model.fetchMore({});
            QTest::qWait(10);
            QVERIFY(pages.count() < 20);
        }
        QTRY_VERIFY(!model.canFetchMore({}) && !model.isLoading());
        QCOMPARE(model.rowCount(), 26);
        QCOMPARE(model.index(0, KeyValueModel::KeyColumn).data().toString(), "k00000");
        QCOMPARE(model.index(24, KeyValueModel::KeyColumn).data().toString(), "k00024");
        QCOMPARE(model.index(25, KeyValueModel::ValueColumn).data().toString(), R"({"a":[1,2]})");
        QCOMPARE(
            model.index(25, KeyValueModel::SizeColumn).data(KeyValueModel::SizeRole).toLongLong(),
            2 + 11);
        // A different object replaces everything.
        model.setObject("StorageProbe", ObjectId::fromName("StorageProbe", "missing"));
        QTRY_COMPARE(pages.count(), pages.count()); // settles
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), 0);
    }

    void sqlResultShowsColumnsRowsAndNulls()
    {
        SqlResultModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        SqlResult result;
        result.columns = {"id", "text", "note"};
        result.rows = {QJsonArray {1, "one", QJsonValue()}, QJsonArray {2, "two", "x"}};
        model.setResult(result);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(), "text");
        QCOMPARE(model.index(0, 2).data().toString(), "NULL");
        QVERIFY(model.index(0, 2).data(SqlResultModel::IsNullRole).toBool());
        QCOMPARE(model.index(1, 1).data().toString(), "two");
        QCOMPARE(model.index(1, 0).data().toString(), "2");
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 0);
    }

    void sqlResultFromInspectorQuery()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        const Stub stub = engine->stub("StorageProbe", "sql").value();
        QVERIFY(
            await(stub.call("sql", QJsonObject {{"query", "CREATE TABLE t(a INTEGER, b TEXT)"}}))
                .ok());
        QVERIFY(await(stub.call("sql",
                                QJsonObject {{"query", "INSERT INTO t VALUES (1,'x'),(2,NULL)"}}))
                    .ok());
        auto future = inspector.query("StorageProbe", stub.id(), "SELECT a, b FROM t ORDER BY a");
        QTRY_VERIFY(future.isFinished());
        SqlResultModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResult(future.result());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, 1).data().toString(), "NULL");
    }

    void alarmBoardSortsByDueAndFlagsOverdue()
    {
        QTemporaryDir dir;
        auto clock = std::make_shared<VirtualClock>();
        auto engine = makeEngine(dir.path(), clock);
        Inspector inspector(engine.get());
        inspector.setFeedInterval(10);
        AlarmBoardModel model(&inspector, clock.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 now = clock->nowMs();
        const QList<QPair<QString, qint64>> alarms {
            {"late", now + 3 * 3600'000}, {"soon", now + 60'000}, {"mid", now + 3600'000}};
        for (const auto &[name, at] : alarms)
            QVERIFY(
                call(*engine, "AlarmProbe", name, "set", QJsonObject {{"at", double(at)}}).ok());
        model.refresh();
        QTRY_COMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, AlarmBoardModel::ObjectColumn).data().toString(), "soon");
        QCOMPARE(model.index(1, AlarmBoardModel::ObjectColumn).data().toString(), "mid");
        QCOMPARE(model.index(2, AlarmBoardModel::ObjectColumn).data().toString(), "late");
        QVERIFY(
            model.index(0, AlarmBoardModel::CountdownColumn).data().toString().startsWith("in "));
        QVERIFY(!model.index(0, 0).data(AlarmBoardModel::OverdueRole).toBool());
        // Jumping 2 h fires two alarms; the board follows the feed / the jump.
        QCOMPARE(clock->advance(2h), 2);
        QTRY_COMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, AlarmBoardModel::ObjectColumn).data().toString(), "late");
        // A new alarm arriving through the feed is picked up without an explicit refresh.
        QVERIFY(call(*engine, "AlarmProbe", "new", "set",
                     QJsonObject {{"at", double(clock->nowMs() + 1000)}})
                    .ok());
        QTRY_COMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, AlarmBoardModel::ObjectColumn).data().toString(), "new");
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
