// SPDX-License-Identifier: MIT
// ObjectListModel: chunked loading, the coalesced change feed, filters and sorting.
#include "uitestutil.h"

#include <objectlistmodel.h>

#include <durable/core/inspector.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;
using namespace DurableUiTest;

class TestObjectListModel : public QObject
{
    Q_OBJECT
private slots:
    void loadsInChunks()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        QCOMPARE(createObjects(*engine, "Echo", "e", 250, "ping"), 0);
        Inspector inspector(engine.get());
        ObjectListModel model(&inspector, engine->clock());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setChunkSize(100);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(inserted.isValid());
        model.reload();
        QTRY_COMPARE(model.rowCount(), 100);
        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 200);
        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 250);
        QTRY_VERIFY(model.isComplete());
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(inserted.count(), 3); // one insert per chunk
        const QModelIndex first = model.index(0, ObjectListModel::NameColumn);
        QVERIFY(first.data().toString().startsWith("e"));
        QCOMPARE(first.data(ObjectListModel::IdRole).toString().size(), 64);
        QCOMPARE(model.index(0, ObjectListModel::ClassColumn).data().toString(), "Echo");
    }

    void feedBatchesInsertOnceAndChangeNarrowly()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        inspector.setFeedInterval(200); // everything below lands in few batches
        ObjectListModel model(&inspector, engine->clock());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QTRY_VERIFY(model.isComplete());
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy batches(&inspector, &Inspector::changesAvailable);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QCOMPARE(createObjects(*engine, "Counter", "c", 40, "increment"), 0);
        QTRY_COMPARE(model.rowCount(), 40);
        QVERIFY(inserted.count() >= 1);
        QVERIFY2(inserted.count() <= batches.count(), "at most one insert per feed batch");

        const int row = model.rowOf(ObjectId::fromName("Counter", "c7"));
        QVERIFY(row >= 0);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(await(engine->stub("Counter", "c7")->call("increment")).ok());
        // Ignore the once-a-second countdown refresh (it spans every row).
        auto narrowChangeSeen = [&] {
            for (const QList<QVariant> &args : std::as_const(changed)) {
                const auto from = args.at(0).value<QModelIndex>(),
                           to = args.at(1).value<QModelIndex>();
                if (from.row() == row && to.row() == row)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY(narrowChangeSeen());
        QVERIFY(model.index(row, 0).data(ObjectListModel::LastActiveRole).toLongLong() > 0);
    }

    void filtersByClassTextAndStatus()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        QCOMPARE(createObjects(*engine, "Counter", "apple", 12, "increment"), 0);
        QCOMPARE(createObjects(*engine, "Echo", "pear", 5, "ping"), 0);
        QVERIFY(await(engine->evict(ObjectId::fromName("Counter", "apple3"))).ok());
        Inspector inspector(engine.get());
        ObjectListModel model(&inspector, engine->clock());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QTRY_COMPARE(model.rowCount(), 17);
        model.setClassFilter("Echo");
        QTRY_VERIFY(model.isComplete());
        QTRY_COMPARE(model.rowCount(), 5);
        model.setClassFilter(QString());
        model.setTextFilter("APPLE1");
        QTRY_VERIFY(model.isComplete());
        QTRY_COMPARE(model.rowCount(), 3); // apple1, apple10, apple11
        model.setTextFilter(QString());
        model.setStatusFilter({ObjectStatus::Hibernated});
        QTRY_VERIFY(model.isComplete());
        QTRY_VERIFY(model.rowCount() >= 1);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.summary(row).status, ObjectStatus::Hibernated);
        QVERIFY(model.rowOf(ObjectId::fromName("Counter", "apple3")) >= 0);
    }

    void sortsEveryRowEvenWhenPartlyLoaded()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        QCOMPARE(createObjects(*engine, "Echo", "n", 300, "ping"), 0);
        Inspector inspector(engine.get());
        ObjectListModel model(&inspector, engine->clock());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setChunkSize(50);
        model.reload();
        QTRY_COMPARE(model.rowCount(), 50);
        QPersistentModelIndex kept = model.index(10, 0);
        const QString keptName = kept.data().toString();
        model.sort(ObjectListModel::NameColumn, Qt::DescendingOrder);
        QTRY_COMPARE(model.rowCount(), 300);
        QTRY_COMPARE(model.index(0, 0).data().toString(), "n99");
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.index(row - 1, 0)
                        .data()
                        .toString()
                        .compare(model.index(row, 0).data().toString(), Qt::CaseInsensitive) >= 0);
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data().toString(), keptName); // persistent indexes follow their rows
        model.sort(ObjectListModel::NameColumn, Qt::AscendingOrder);
        QCOMPARE(model.index(0, 0).data().toString(), "n0");
    }
};

QTEST_MAIN(TestObjectListModel)
#include "tst_objectlistmodel.moc"
