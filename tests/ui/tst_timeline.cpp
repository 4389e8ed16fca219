// SPDX-License-Identifier: MIT
// The Timeline tab (JournalModel, TimelineView) and the object list's step/asks columns after a
// turn.
#include "uitestutil.h"

#include <journalmodel.h>
#include <objectinspector.h>
#include <objectlistmodel.h>
#include <timelineview.h>

#include <durable/core/agent.h>
#include <durable/core/inspector.h>

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;
using namespace DurableUiTest;

namespace {

// An agent whose only turn moves its workflow step: no state change, so no StateChanged event.
class Stepper : public Agent
{
public:
    Stepper() { handle("setStep", &Stepper::putStep); }
    void putStep(const QJsonValue &args) { setStep(args.toString()); }
};

std::unique_ptr<Engine> makeStepperEngine(const QString &dir)
{
    EngineOptions options;
    options.dataDir = dir;
    auto engine = std::make_unique<Engine>(options);
    registerTestClasses(*engine);
    ClassOptions stepper;
    stepper.steps = {QStringLiteral("draft"), QStringLiteral("review"), QStringLiteral("done")};
    if (auto ok = engine->registerClass<Stepper>(QStringLiteral("Stepper"), stepper); !ok)
        qFatal("could not register Stepper: %s", qPrintable(ok.error().message()));
    const auto started = engine->start();
    if (!started)
        qFatal("engine did not start: %s", qPrintable(started.error().message()));
    return engine;
}

// Counter "c" with `turns` increments: turn n leaves count == n.
void runIncrements(Engine &engine, const QString &name, int turns)
{
    for (int i = 0; i < turns; ++i)
        QVERIFY(call(engine, "Counter", name, "increment").ok());
}

QTreeWidgetItem *childByKey(QTreeWidgetItem *parent, const QString &key)
{
    for (int i = 0; parent && i < parent->childCount(); ++i)
        if (parent->child(i)->text(0) == key)
            return parent->child(i);
    return nullptr;
}

QTreeWidgetItem *topByKey(QTreeWidget *tree, const QString &key)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) == key)
            return tree->topLevelItem(i);
    return nullptr;
}

void selectSeqs(TimelineView &view, const QList<qint64> &seqs)
{
    QItemSelection selection;
    for (qint64 seq : seqs) {
        const int row = view.model()->rowOfSeq(seq);
        QVERIFY2(row >= 0, qPrintable(QStringLiteral("turn %1 not loaded").arg(seq)));
        selection.select(view.model()->index(row, 0),
                         view.model()->index(row, JournalModel::ColumnCount - 1));
    }
    view.journalView()->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
private slots:
    void journalPagesNewestFirst()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        runIncrements(*engine, "c", 30);
        Inspector inspector(engine.get());
        JournalModel model(&inspector);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(10);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(inserted.isValid());
        model.setObject("Counter", ObjectId::fromName("Counter", "c"));
        QTRY_COMPARE(model.rowCount(), 10);
        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 20);
        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 30);
        QTRY_VERIFY(!model.isLoading());
        if (model.canFetchMore({})) { // exactly three full pages: one more (empty) read says so
            model.fetchMore({});
            QTRY_VERIFY(model.isComplete());
        }
        QCOMPARE(model.rowCount(), 30);
        QVERIFY(!model.canFetchMore({}));
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.entry(row - 1).seq > model.entry(row).seq);
        // Newest first: the first row is the 30th increment.
        QCOMPARE(model.index(0, JournalModel::MethodColumn).data().toString(), "increment");
        QCOMPARE(model.index(0, JournalModel::TriggerColumn).data().toString(), "request");
        QCOMPARE(model.index(0, JournalModel::ResultColumn).data().toString(), "30");
        QCOMPARE(model.index(29, JournalModel::ResultColumn).data().toString(), "1");
        QCOMPARE(model.rowOfSeq(model.entry(7).seq), 7);
        QVERIFY(!model.index(0, JournalModel::TimeColumn).data().toString().isEmpty());
        QVERIFY(!model.index(0, JournalModel::DurationColumn).data().toString().isEmpty());
    }

    void newTurnsArriveAtTheTopCoalesced()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        runIncrements(*engine, "c", 5);
        Inspector inspector(engine.get());
        inspector.setFeedInterval(50);
        JournalModel model(&inspector);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRefreshDelay(300); // everything below lands in one or two refreshes
        model.setObject("Counter", ObjectId::fromName("Counter", "c"));
        QTRY_COMPARE(model.rowCount(), 5);
        QTRY_VERIFY(!model.isLoading());
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        runIncrements(*engine, "c", 8);
        runIncrements(*engine, "other", 3); // not ours: no refresh for these
        QTRY_COMPARE(model.rowCount(), 13);
        QCOMPARE(reset.count(), 0);
        QVERIFY2(inserted.count() <= 3, "turns are coalesced, not inserted one by one");
        for (const QList<QVariant> &args : std::as_const(inserted))
            QCOMPARE(args.at(1).toInt(), 0); // always at the top
        QCOMPARE(model.index(0, JournalModel::ResultColumn).data().toString(), "13");
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.entry(row - 1).seq > model.entry(row).seq);
    }

    void selectedTurnShowsStateAndDiff()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        runIncrements(*engine, "c", 30);
        Inspector inspector(engine.get());
        TimelineView view(&inspector);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setObject("Counter", ObjectId::fromName("Counter", "c"), "c");
        QTRY_COMPARE(view.model()->rowCount(), 30);
        QVERIFY(!view.forkButton()->isEnabled());

        // Turn 12 (count 11 -> 12).
        const qint64 seq12 = view.model()->entry(30 - 12).seq;
        QCOMPARE(view.model()->entry(30 - 12).output.toInt(), 12);
        QSignalSpy shown(&view, &TimelineView::selectionShown);
        QVERIFY(shown.isValid());
        selectSeqs(view, {seq12});
        QTRY_COMPARE(shown.count(), 1);
        QCOMPARE(view.selectedSeqs(), QList<qint64> {seq12});
        QVERIFY(view.forkButton()->isEnabled());
        QTreeWidgetItem *count = topByKey(view.stateTree(), "count");
        QVERIFY(count);
        QCOMPARE(count->text(1), "12");
        QCOMPARE(view.stateTree()->topLevelItemCount(), 1);
        QVERIFY(view.stateLabel()->text().contains(QString::number(seq12)));
        QTreeWidgetItem *keys = view.diffTree()->topLevelItem(0);
        QCOMPARE(keys->childCount(), 1);
        QTreeWidgetItem *change = childByKey(keys, "count");
        QVERIFY(change);
        QCOMPARE(change->text(TimelineView::DiffChangeColumn), "changed");
        QCOMPARE(change->text(TimelineView::DiffBeforeColumn), "11");
        QCOMPARE(change->text(TimelineView::DiffAfterColumn), "12");

        // The first turn added the key.
        const qint64 seq1 = view.model()->entry(29).seq;
        selectSeqs(view, {seq1});
        QTRY_COMPARE(shown.count(), 2);
        change = childByKey(view.diffTree()->topLevelItem(0), "count");
        QVERIFY(change);
        QCOMPARE(change->text(TimelineView::DiffChangeColumn), "added");
        QCOMPARE(change->text(TimelineView::DiffBeforeColumn), QString());
        QCOMPARE(change->text(TimelineView::DiffAfterColumn), "1");

        // Two turns: the diff between them; the state is the later one's.
        const qint64 seq5 = view.model()->entry(30 - 5).seq;
        const qint64 seq20 = view.model()->entry(30 - 20).seq;
        selectSeqs(view, {seq20, seq5});
        QTRY_COMPARE(shown.count(), 3);
        QCOMPARE(view.selectedSeqs(), (QList<qint64> {seq5, seq20}));
        QVERIFY(!view.forkButton()->isEnabled()); // a fork starts from one turn
        change = childByKey(view.diffTree()->topLevelItem(0), "count");
        QVERIFY(change);
        QCOMPARE(change->text(TimelineView::DiffBeforeColumn), "5");
        QCOMPARE(change->text(TimelineView::DiffAfterColumn), "20");
        QCOMPARE(topByKey(view.stateTree(), "count")->text(1), "20");
        QVERIFY(
            view.diffLabel()->text().contains(QStringLiteral("%1 → turn %2").arg(seq5).arg(seq20)));
    }

    void diffCountsSqlRows()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        auto sql = [&engine](const QString &query) {
            return call(*engine, "StorageProbe", "p", "sql", QJsonObject {{"query", query}}).ok();
        };
        QVERIFY(sql("CREATE TABLE items(x INTEGER)"));
        QVERIFY(sql("INSERT INTO items VALUES (1), (2), (3)"));
        QVERIFY(sql("UPDATE items SET x = x + 10 WHERE x < 3"));
        Inspector inspector(engine.get());
        TimelineView view(&inspector);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setObject("StorageProbe", ObjectId::fromName("StorageProbe", "p"));
        QTRY_COMPARE(view.model()->rowCount(), 3);
        QSignalSpy shown(&view, &TimelineView::selectionShown);
        selectSeqs(view, {view.model()->entry(1).seq}); // the insert
        QTRY_COMPARE(shown.count(), 1);
        QTreeWidgetItem *items = childByKey(topByKey(view.diffTree(), "SQL tables"), "items");
        QVERIFY(items);
        QCOMPARE(items->data(TimelineView::DiffChangeColumn, Qt::UserRole).toList(),
                 (QVariantList {3, 0, 0}));
        selectSeqs(view, {view.model()->entry(0).seq}); // the update
        QTRY_COMPARE(shown.count(), 2);
        items = childByKey(topByKey(view.diffTree(), "SQL tables"), "items");
        QVERIFY(items);
        QCOMPARE(items->data(TimelineView::DiffChangeColumn, Qt::UserRole).toList(),
                 (QVariantList {0, 2, 0}));
    }

    void forksFromTheSelectedTurn()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        runIncrements(*engine, "c", 10);
        Inspector inspector(engine.get());
        TimelineView view(&inspector);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setObject("Counter", ObjectId::fromName("Counter", "c"), "c");
        QTRY_COMPARE(view.model()->rowCount(), 10);
        const qint64 seq4 = view.model()->entry(10 - 4).seq;
        QSignalSpy forked(&view, &TimelineView::forked);
        QVERIFY(forked.isValid());
        view.forkFrom(seq4, "c-at-4");
        QTRY_COMPARE(forked.count(), 1);
        const ObjectId forkId = ObjectId::fromName("Counter", "c-at-4");
        QCOMPARE(forked.at(0).at(0).value<ObjectId>(), forkId);
        QVERIFY(view.forkStatusLabel()->text().contains(forkId.toString()));
        const auto count = call(*engine, "Counter", "c-at-4", "get");
        QVERIFY(count.ok());
        QCOMPARE(count.value().toInt(), 4);

        // The same name again: refused, and said so beside the button.
        view.forkFrom(seq4, "c-at-4");
        QTRY_VERIFY(view.forkStatusLabel()->text().startsWith("Could not fork"));
        QVERIFY(view.forkStatusLabel()->text().contains("exists"));
        QCOMPARE(forked.count(), 1);
    }

    void failedTurnsAppearInPlaceWithTheirError()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        runIncrements(*engine, "c", 2);
        QVERIFY(!call(*engine, "Counter", "c", "incrementThenFail").ok()); // after turn 2
        runIncrements(*engine, "c", 1);
        QVERIFY(!call(*engine, "Counter", "c", "incrementThenFail").ok()); // after turn 3
        QVERIFY(!call(*engine, "Counter", "c", "throwStd").ok());          // after turn 3
        Inspector inspector(engine.get());
        inspector.setFeedInterval(50);
        TimelineView view(&inspector);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        JournalModel *model = view.model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model->setRefreshDelay(20);
        view.setObject("Counter", ObjectId::fromName("Counter", "c"), "c");
        QTRY_COMPARE(model->rowCount(), 6);
        QTRY_VERIFY(!model->isLoading());

        // Newest first, each failure just above the turn it followed.
        const QList<bool> failed {true, true, false, true, false, false};
        for (int row = 0; row < failed.size(); ++row)
            QCOMPARE(model->isFailure(row), failed.at(row));
        QCOMPARE(model->entry(2).output.toInt(), 3);
        QCOMPARE(model->failure(0).method, QStringLiteral("throwStd"));
        QCOMPARE(model->failure(1).method, QStringLiteral("incrementThenFail"));
        QCOMPARE(model->failure(3).afterSeq, model->entry(4).seq);
        const QModelIndex result = model->index(1, JournalModel::ResultColumn);
        QVERIFY2(result.data().toString().startsWith("Failed: "),
                 qPrintable(result.data().toString()));
        QVERIFY(result.data().toString().contains("failing on purpose"));
        QCOMPARE(result.data(JournalModel::FailedRole).toBool(), true);
        QVERIFY(result.data(JournalModel::ErrorRole).toString().contains("failing on purpose"));
        QCOMPARE(model->index(1, JournalModel::SeqColumn).data().toString(),
                 QStringLiteral("failed"));
        QCOMPARE(model->index(1, JournalModel::TriggerColumn).data().toString(),
                 QStringLiteral("request"));
        QVERIFY(!model->index(1, JournalModel::DurationColumn).data().toString().isEmpty());
        QCOMPARE(model->index(2, 0).data(JournalModel::FailedRole).toBool(), false);
        QCOMPARE(model->rowOfSeq(model->entry(2).seq), 2);
        QCOMPARE(model->rowOfFailure(model->failure(3).id), 3);

        // A failure arriving later lands at the top with the turns, without a reset.
        QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        runIncrements(*engine, "c", 1);
        QVERIFY(!call(*engine, "Counter", "c", "incrementThenFail").ok());
        QTRY_COMPARE(model->rowCount(), 8);
        QTRY_VERIFY(model->isFailure(0));
        QCOMPARE(model->failure(0).afterSeq, model->entry(1).seq);
        QCOMPARE(model->entry(1).output.toInt(), 4);
        QCOMPARE(reset.count(), 0);
        // The turn and the failure are read apart: whichever is in first goes on top, the
        // other above or below it.
        for (const QList<QVariant> &args : std::as_const(inserted))
            QVERIFY(args.at(1).toInt() <= 1);

        // Selecting a failure shows its error and the state it left unchanged; it cannot be forked.
        QSignalSpy shown(&view, &TimelineView::selectionShown);
        view.journalView()->selectRow(0);
        QTRY_COMPARE(shown.count(), 1);
        QVERIFY(view.selectedSeqs().isEmpty());
        QVERIFY(!view.forkButton()->isEnabled());
        QVERIFY(view.diffLabel()->text().contains("rolled back"));
        QTreeWidgetItem *error = topByKey(view.diffTree(), "Error");
        QVERIFY(error);
        QVERIFY(error->text(TimelineView::DiffChangeColumn).contains("failing on purpose"));
        QTreeWidgetItem *count = topByKey(view.stateTree(), "count");
        QVERIFY(count);
        QCOMPARE(count->text(1), "4"); // the failed increment was rolled back
    }

    void aFailureAfterTheFirstTurnIsShown()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        // (A failed first call creates no object at all: tst_engine's
        // failedFirstCallLeavesNothing.)
        QVERIFY(call(*engine, "Counter", "f", "increment").ok());
        QVERIFY(!call(*engine, "Counter", "f", "throwStd").ok());
        Inspector inspector(engine.get());
        JournalModel model(&inspector);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setObject("Counter", ObjectId::fromName("Counter", "f"));
        QTRY_COMPARE(model.rowCount(), 2);
        QVERIFY(model.isFailure(0));
        QCOMPARE(model.failure(0).afterSeq, 1);
        QVERIFY(
            model.index(0, JournalModel::ResultColumn).data().toString().contains("std failure"));
    }

    void inspectorHasATimelineTabThatLoadsWhenShown()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        runIncrements(*engine, "c", 3);
        Inspector inspector(engine.get());
        ObjectInspector objectInspector(&inspector, engine->clock());
        objectInspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&objectInspector));
        QCOMPARE(objectInspector.tabs()->tabText(ObjectInspector::TimelineTab), "Timeline");
        QCOMPARE(objectInspector.tabs()->widget(ObjectInspector::TimelineTab),
                 objectInspector.timeline());
        ObjectSummary summary;
        summary.id = ObjectId::fromName("Counter", "c");
        summary.className = "Counter";
        summary.name = "c";
        objectInspector.setObject(summary);
        QTest::qWait(200); // not shown yet: nothing is read (it would wake a hibernated object)
        QCOMPARE(objectInspector.timeline()->model()->rowCount(), 0);
        objectInspector.tabs()->setCurrentIndex(ObjectInspector::TimelineTab);
        QTRY_COMPARE(objectInspector.timeline()->model()->rowCount(), 3);
    }

    void objectListUpdatesStepAfterATurn()
    {
        QTemporaryDir dir;
        auto engine = makeStepperEngine(dir.path());
        QVERIFY(call(*engine, "Stepper", "s", "setStep", "draft").ok());
        QVERIFY(call(*engine, "Stepper", "t", "setStep", "draft").ok());
        Inspector inspector(engine.get());
        inspector.setFeedInterval(50);
        ObjectListModel model(&inspector, engine->clock());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QTRY_VERIFY(model.isComplete());
        const int row = model.rowOf(ObjectId::fromName("Stepper", "s"));
        const int other = model.rowOf(ObjectId::fromName("Stepper", "t"));
        QVERIFY(row >= 0 && other >= 0);
        QCOMPARE(model.index(row, ObjectListModel::StepColumn).data().toString(), "draft");

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(changed.isValid());
        QVERIFY(call(*engine, "Stepper", "s", "setStep", "review").ok());
        QTRY_COMPARE(model.index(row, ObjectListModel::StepColumn).data().toString(), "review");
        QCOMPARE(model.index(row, 0).data(ObjectListModel::StepRole).toString(), "review");
        QCOMPARE(model.index(other, ObjectListModel::StepColumn).data().toString(), "draft");
        bool narrow = false;
        for (const QList<QVariant> &args : std::as_const(changed)) {
            const auto from = args.at(0).value<QModelIndex>(), to = args.at(1).value<QModelIndex>();
            if (from.row() == row && to.row() == row &&
                from.column() == ObjectListModel::StepColumn &&
                to.column() == ObjectListModel::StepColumn)
                narrow = true;
        }
        QVERIFY2(narrow, "the step cell of that one row changed");
    }
};

QTEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
