// SPDX-License-Identifier: MIT
// The studio's admin actions change the engine: fire now, reschedule and cancel from the
// "Alarm & Schedules" tab (the alarm and an agent's schedules) and from the alarm board, and
// state edits from the "State" tab (agent state through its validation hook, key/value entries),
// with refusals shown inline and nothing changed. Checked through Inspector and AgentDirectory.
#include "objectfiles.h"
#include "uitestutil.h"

#include <alarmboard.h>
#include <alarmboarddelegate.h>
#include <alarmboardmodel.h>
#include <alarmschedulesview.h>
#include <jsoneditpanel.h>
#include <keyvaluemodel.h>
#include <objectinspector.h>
#include <repairbanner.h>
#include <rescheduledialog.h>
#include <schedulemodel.h>
#include <stateview.h>

#include <durable/core/agent.h>
#include <durable/core/agentdirectory.h>
#include <durable/core/inspector.h>

#include <QAbstractItemModelTester>

#include <QAction>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <algorithm>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;
using namespace DurableUiTest;
using namespace std::chrono_literals;

namespace {

constexpr qint64 Hour = 3600'000;

// Plans three one-shot steps an hour apart; each run appends its payload to the state's "ran".
// A negative budget is refused by the validation hook.
class Planner : public Agent
{
public:
    Planner()
    {
        handle("plan", &Planner::plan);
        continuation("step", &Planner::step);
    }
    QJsonObject initialState() const override
    {
        return {{QStringLiteral("budget"), 10}, {QStringLiteral("ran"), QJsonArray()}};
    }
    Result<void> validateState(const QJsonObject &next) const override
    {
        if (next.value(QStringLiteral("budget")).toDouble() < 0)
            return Error(ErrorCode::InvalidArgument, QStringLiteral("budget must not be negative"));
        return {};
    }
    void plan()
    {
        (void)state();
        schedule(1h, QStringLiteral("step"), QStringLiteral("first"));
        schedule(2h, QStringLiteral("step"), QStringLiteral("second"));
        schedule(3h, QStringLiteral("step"), QStringLiteral("third"));
    }
    void step(const QJsonValue &payload)
    {
        QJsonObject s = state();
        QJsonArray ran = s.value(QStringLiteral("ran")).toArray();
        ran.append(payload);
        s.insert(QStringLiteral("ran"), ran);
        setState(s);
    }
};

struct Fixture
{
    QTemporaryDir dir;
    std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>();
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Inspector> inspector;
    AgentDirectory agents() const { return inspector->agents(); }
};

void startEngineIn(Fixture *f)
{
    EngineOptions options;
    options.dataDir = f->dir.path();
    options.clock = f->clock;
    f->engine = std::make_unique<Engine>(options);
    registerTestClasses(*f->engine);
    if (auto ok = f->engine->registerClass<Planner>(QStringLiteral("Planner")); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    if (auto ok = f->engine->start(); !ok)
        qFatal("engine did not start: %s", qPrintable(ok.error().message()));
    f->inspector = std::make_unique<Inspector>(f->engine.get());
    f->inspector->setFeedInterval(10);
}

std::unique_ptr<Fixture> startEngine()
{
    auto f = std::make_unique<Fixture>();
    startEngineIn(f.get());
    return f;
}

ObjectSummary summaryOf(const QString &className, const QString &name)
{
    ObjectSummary summary;
    summary.className = className;
    summary.name = name;
    summary.id = ObjectId::fromName(className, name);
    return summary;
}

qint64 alarmDue(const Fixture &f, const QString &className, const QString &name)
{
    const auto alarm = awaitValue(
        f.inspector->alarm(className, ObjectId::fromName(className, name)));
    return alarm.ok() && alarm.value() ? alarm.value()->dueMs : -1;
}

QList<ScheduleInfo> schedulesOf(const Fixture &f, const QString &name)
{
    return awaitValue(f.agents().schedules("Planner", ObjectId::fromName("Planner", name))).value();
}

QJsonObject agentState(const Fixture &f, const QString &name)
{
    return awaitValue(f.agents().state("Planner", ObjectId::fromName("Planner", name))).value();
}

QString lastTrigger(const Fixture &f, const QString &className, const QString &name)
{
    return awaitValue(f.inspector->journal(className, ObjectId::fromName(className, name)))
        .value()
        .first()
        .trigger;
}

void selectRow(QTableView *view, int row)
{
    view->selectionModel()->select(view->model()->index(row, 0),
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QTreeWidgetItem *childByKey(QTreeWidgetItem *parent, const QString &key)
{
    for (int i = 0; i < parent->childCount(); ++i) {
        if (parent->child(i)->text(0) == key)
            return parent->child(i);
    }
    return nullptr;
}

} // namespace

class TestAdminActions : public QObject
{
    Q_OBJECT
private slots:
    void init() { AlarmProbe::resetFirings(); }

    void scheduleModelListsByDueWithKinds()
    {
        auto clock = std::make_shared<VirtualClock>();
        ScheduleModel model(clock.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 now = clock->nowMs();
        ScheduleInfo later {QStringLiteral("b"),
                            ScheduleInfo::Kind::Cron,
                            QStringLiteral("daily"),
                            QJsonObject {{"x", 1}},
                            QStringLiteral("0 9 * * *"),
                            now + 2 * Hour,
                            now};
        ScheduleInfo sooner {QStringLiteral("a"),
                             ScheduleInfo::Kind::Delay,
                             QStringLiteral("remind"),
                             QStringLiteral("hi"),
                             QString(),
                             now - 1000,
                             now};
        model.setSchedules({later, sooner});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, ScheduleModel::IdColumn).data().toString(), "a");
        QCOMPARE(model.index(0, ScheduleModel::KindColumn).data().toString(), "one-shot");
        QCOMPARE(model.index(1, ScheduleModel::KindColumn).data().toString(), "cron 0 9 * * *");
        QCOMPARE(model.index(0, ScheduleModel::CountdownColumn).data().toString(), "overdue 1 s");
        QVERIFY(model.index(0, 0).data(ScheduleModel::OverdueRole).toBool());
        QVERIFY(
            model.index(1, ScheduleModel::CountdownColumn).data().toString().startsWith("in 2 h"));
        QCOMPARE(model.index(1, ScheduleModel::PayloadColumn).data().toString(), R"({"x":1})");
        QCOMPARE(model.index(1, ScheduleModel::CallbackColumn).data().toString(), "daily");
        QCOMPARE(model.rowOf("b"), 1);
        // The same schedules again: updated in place (no reset), so a selection survives.
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        later.dueMs = now + 3 * Hour;
        model.setSchedules({sooner, later});
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.schedule(1).dueMs, now + 3 * Hour);
        model.setSchedules({later});
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void alarmActionsFromTheTab()
    {
        auto f = startEngine();
        const qint64 now = f->clock->nowMs();
        QVERIFY(
            call(*f->engine, "AlarmProbe", "tab", "set", QJsonObject {{"at", double(now + Hour)}})
                .ok());
        ObjectInspector inspectorView(f->inspector.get(), f->clock.get());
        inspectorView.show();
        QCOMPARE(inspectorView.tabs()->tabText(ObjectInspector::AlarmTab),
                 QString("Alarm && Schedules"));
        AlarmSchedulesView *view = inspectorView.alarmView();
        inspectorView.setObject(summaryOf("AlarmProbe", "tab"));
        QTRY_VERIFY(view->countdownLabel()->text().startsWith("in "));
        QTRY_VERIFY(view->rescheduleAlarmButton()->isEnabled());

        // Reschedule… through the dialog.
        QTest::mouseClick(view->rescheduleAlarmButton(), Qt::LeftButton);
        RescheduleDialog *dialog = view->rescheduleDialog();
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->dueMs(), now + Hour);
        dialog->setDueMs(now + 5 * Hour);
        QTest::mouseClick(dialog->buttons()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTRY_COMPARE(alarmDue(*f, "AlarmProbe", "tab"), now + 5 * Hour);
        QCOMPARE(lastTrigger(*f, "AlarmProbe", "tab"), QString("admin-alarm"));
        QTRY_VERIFY(view->messageLabel()->text().startsWith("Rescheduled the alarm"));
        QTRY_VERIFY(view->countdownLabel()->text().startsWith("in 5 h") ||
                    view->countdownLabel()->text().startsWith("in 4 h 59"));

        // Fire Now: the handler ran, as a turn, and the alarm is gone.
        QTRY_VERIFY(view->fireAlarmButton()->isEnabled());
        QTest::mouseClick(view->fireAlarmButton(), Qt::LeftButton);
        QTRY_COMPARE(AlarmProbe::fired.load(), 1);
        QTRY_COMPARE(alarmDue(*f, "AlarmProbe", "tab"), qint64(-1));
        QCOMPARE(lastTrigger(*f, "AlarmProbe", "tab"), QString("admin-fire"));
        QTRY_COMPARE(view->countdownLabel()->text(), QString("No alarm set"));
        QVERIFY(!view->fireAlarmButton()->isEnabled());

        // An action that fails says why, inline.
        view->fireAlarm();
        QTRY_VERIFY(view->messageLabel()->text().contains("has no alarm"));
        QVERIFY(view->messageLabel()->isVisibleTo(view));
        QVERIFY(view->messageLabel()->styleSheet().contains("#b01e1e"));

        // Cancel.
        QVERIFY(
            call(*f->engine, "AlarmProbe", "tab", "set", QJsonObject {{"at", double(now + Hour)}})
                .ok());
        QTRY_VERIFY(view->cancelAlarmButton()->isEnabled()); // the feed refreshed the tab
        QTest::mouseClick(view->cancelAlarmButton(), Qt::LeftButton);
        QTRY_COMPARE(alarmDue(*f, "AlarmProbe", "tab"), qint64(-1));
        QTRY_COMPARE(view->countdownLabel()->text(), QString("No alarm set"));
        QCOMPARE(f->clock->advance(2h), 0);
        QCOMPARE(AlarmProbe::fired.load(), 1);
    }

    void scheduleActionsFromTheTab()
    {
        auto f = startEngine();
        const qint64 now = f->clock->nowMs();
        QVERIFY(call(*f->engine, "Planner", "p", "plan").ok());
        ObjectInspector inspectorView(f->inspector.get(), f->clock.get());
        AlarmSchedulesView *view = inspectorView.alarmView();
        QAbstractItemModelTester tester(view->scheduleModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        inspectorView.show();
        inspectorView.setObject(summaryOf("Planner", "p"));
        ScheduleModel *model = view->scheduleModel();
        QTRY_COMPARE(model->rowCount(), 3);
        QCOMPARE(model->index(0, ScheduleModel::PayloadColumn).data().toString(), "\"first\"");
        QCOMPARE(model->index(0, ScheduleModel::CallbackColumn).data().toString(), "step");
        QCOMPARE(model->index(0, ScheduleModel::KindColumn).data().toString(), "one-shot");

        // The agent's alarm stands for its earliest schedule: Fire Now runs "first".
        QTRY_VERIFY(view->fireAlarmButton()->isEnabled());
        QTest::mouseClick(view->fireAlarmButton(), Qt::LeftButton);
        QTRY_COMPARE(agentState(*f, "p").value("ran").toArray(), QJsonArray({"first"}));
        QTRY_COMPARE(model->rowCount(), 2);
        QCOMPARE(alarmDue(*f, "Planner", "p"), now + 2 * Hour);

        // Fire Now on the selected schedule ("third"): it ran; the one-shot is gone.
        QVERIFY(!view->fireScheduleButton()->isEnabled()); // nothing selected
        selectRow(view->scheduleView(), model->rowOf(schedulesOf(*f, "p").at(1).id));
        QVERIFY(view->fireScheduleButton()->isEnabled());
        QTest::mouseClick(view->fireScheduleButton(), Qt::LeftButton);
        QTRY_COMPARE(agentState(*f, "p").value("ran").toArray(), QJsonArray({"first", "third"}));
        QCOMPARE(lastTrigger(*f, "Planner", "p"), QString("admin-fire"));
        QTRY_COMPARE(model->rowCount(), 1);

        // Reschedule… the last one a day ahead through the dialog.
        const QString second = schedulesOf(*f, "p").first().id;
        selectRow(view->scheduleView(), 0);
        QTRY_VERIFY(view->rescheduleScheduleButton()->isEnabled());
        QTest::mouseClick(view->rescheduleScheduleButton(), Qt::LeftButton);
        QVERIFY(view->rescheduleDialog()->isVisible());
        view->rescheduleDialog()->setDueMs(now + 24 * Hour);
        view->rescheduleDialog()->accept();
        QTRY_COMPARE(schedulesOf(*f, "p").first().dueMs, now + 24 * Hour);
        QCOMPARE(lastTrigger(*f, "Planner", "p"), QString("admin-schedule"));
        QTRY_COMPARE(model->schedule(0).dueMs, now + 24 * Hour);
        QTRY_COMPARE(alarmDue(*f, "Planner", "p"), now + 24 * Hour);

        // Cancel it: no schedules, no alarm, nothing runs.
        selectRow(view->scheduleView(), 0);
        QTRY_VERIFY(view->cancelScheduleButton()->isEnabled());
        QTest::mouseClick(view->cancelScheduleButton(), Qt::LeftButton);
        QTRY_VERIFY(schedulesOf(*f, "p").isEmpty());
        QTRY_COMPARE(model->rowCount(), 0);
        QCOMPARE(alarmDue(*f, "Planner", "p"), qint64(-1));
        QTRY_VERIFY(view->messageLabel()->text().contains(second));
        QCOMPARE(f->clock->advance(48h), 0);
    }

    void agentStateEditAppliesOrShowsTheRefusalInline()
    {
        auto f = startEngine();
        QVERIFY(call(*f->engine, "Planner", "s", "plan").ok());
        ObjectInspector inspectorView(f->inspector.get(), f->clock.get());
        inspectorView.resize(900, 700);
        inspectorView.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspectorView));
        inspectorView.tabs()->setCurrentIndex(ObjectInspector::StateTab);
        inspectorView.setObject(summaryOf("Planner", "s"));
        StateView *view = inspectorView.stateView();
        QTreeWidget *tree = view->agentStateTree();
        QTRY_VERIFY(tree->topLevelItemCount() == 1 && childByKey(tree->topLevelItem(0), "budget"));
        QCOMPARE(childByKey(tree->topLevelItem(0), "budget")->text(1), QString("10"));

        // Double-click the value: the inline editor opens on it. (The signal, not synthesized
        // mouse events: the feed may rebuild the tree between a press and its double-click.)
        QTRY_VERIFY(tree->isVisible());
        emit tree->itemDoubleClicked(childByKey(tree->topLevelItem(0), "budget"), 1);
        JsonEditPanel *editor = view->editor();
        QTRY_VERIFY(editor->isVisible());
        QCOMPARE(editor->textEdit()->toPlainText(), QString("10"));

        // Validation as you type.
        editor->textEdit()->setPlainText("1 2");
        QVERIFY(!editor->applyButton()->isEnabled());
        QVERIFY(!editor->validationLabel()->text().isEmpty());
        editor->textEdit()->setPlainText("{\"a\": ");
        QVERIFY(editor->validationLabel()->text().startsWith("Invalid JSON"));
        QVERIFY(!editor->applyButton()->isEnabled());

        // Refused by the class's hook: shown inline, nothing changes.
        const qint64 seqBefore =
            awaitValue(f->inspector->journal("Planner", ObjectId::fromName("Planner", "s")))
                .value()
                .first()
                .seq;
        editor->textEdit()->setPlainText("-5");
        QVERIFY(editor->applyButton()->isEnabled());
        QTest::mouseClick(editor->applyButton(), Qt::LeftButton);
        QTRY_VERIFY(editor->validationLabel()->text().contains("budget must not be negative"));
        QVERIFY(view->messageLabel()->text().contains("budget must not be negative"));
        QVERIFY(view->messageLabel()->isVisibleTo(view));
        QVERIFY(editor->isVisible());
        QCOMPARE(agentState(*f, "s").value("budget").toInt(), 10);
        QCOMPARE(awaitValue(f->inspector->journal("Planner", ObjectId::fromName("Planner", "s")))
                     .value()
                     .first()
                     .seq,
                 seqBefore);

        // Accepted: an admin-edit turn; the tree follows.
        editor->textEdit()->setPlainText("25");
        QTest::mouseClick(editor->applyButton(), Qt::LeftButton);
        QTRY_COMPARE(agentState(*f, "s").value("budget").toInt(), 25);
        QCOMPARE(agentState(*f, "s").value("ran").toArray(), QJsonArray()); // the rest is kept
        QCOMPARE(lastTrigger(*f, "Planner", "s"), QString("admin-edit"));
        QTRY_VERIFY(!editor->isVisible());
        QTRY_VERIFY(view->messageLabel()->text().startsWith("Applied as turn"));
        QTRY_COMPARE(childByKey(tree->topLevelItem(0), "budget")->text(1), QString("25"));

        // The whole state: only an object will do.
        view->editAgentState({});
        QVERIFY(editor->isVisible());
        editor->textEdit()->setPlainText("[1]");
        QVERIFY(!editor->applyButton()->isEnabled());
        QCOMPARE(editor->validationLabel()->text(),
                 QString("The agent state must be a JSON object"));
    }

    void keyValueEditAppliesAsAnAdminEdit()
    {
        auto f = startEngine();
        QVERIFY(call(*f->engine, "StorageProbe", "kv", "put",
                     QJsonObject {{"key", "config"},
                                  {"value", QJsonObject {{"limit", 3}, {"name", "x"}}}})
                    .ok());
        ObjectInspector inspectorView(f->inspector.get(), f->clock.get());
        inspectorView.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspectorView));
        inspectorView.tabs()->setCurrentIndex(ObjectInspector::StateTab);
        inspectorView.setObject(summaryOf("StorageProbe", "kv"));
        StateView *view = inspectorView.stateView();
        QTRY_COMPARE(view->keyValueTree()->topLevelItemCount(), 1);
        QTreeWidgetItem *limit = childByKey(view->keyValueTree()->topLevelItem(0), "limit");
        QVERIFY(limit);
        QCOMPARE(limit->data(0, StateView::PathRole).toList(), QVariantList({"config", "limit"}));
        view->keyValueTree()->setCurrentItem(limit);
        QTest::mouseClick(view->editButton(), Qt::LeftButton);
        QVERIFY(view->editor()->isVisible());
        QCOMPARE(view->editor()->textEdit()->toPlainText(), QString("3"));
        view->editor()->textEdit()->setPlainText("7");
        QTest::mouseClick(view->editor()->applyButton(), Qt::LeftButton);
        QTRY_VERIFY2(!view->editor()->isVisible(), qPrintable(view->messageLabel()->text()));
        QCOMPARE(lastTrigger(*f, "StorageProbe", "kv"), QString("admin-edit"));
        const auto stored = awaitValue(
                                f->inspector->keyValues("StorageProbe",
                                                        ObjectId::fromName("StorageProbe", "kv")))
                                .value();
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.first().value, QJsonValue(QJsonObject {{"limit", 7}, {"name", "x"}}));
        QTRY_COMPARE(view->keyValueModel()->index(0, KeyValueModel::ValueColumn).data().toString(),
                     QString(R"({"limit":7,"name":"x"})"));
    }

    void quarantinedObjectIsRepairedFromTheBanner()
    {
        auto f = startEngine();
        QVERIFY(call(*f->engine, "Counter", "dmg", "increment").ok());
        QVERIFY(call(*f->engine, "Counter", "ok", "increment").ok());
        f->inspector.reset();
        f->engine.reset();
        removeDatabase(objectFilePath(f->dir.path(), "Counter", "dmg"));
        startEngineIn(f.get());

        ObjectInspector inspectorView(f->inspector.get(), f->clock.get());
        QSignalSpy errors(&inspectorView, &ObjectInspector::errorOccurred);
        QSignalSpy repaired(&inspectorView, &ObjectInspector::repaired);
        inspectorView.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspectorView));
        RepairBanner *banner = inspectorView.repairBanner();
        // A healthy object shows no banner.
        inspectorView.setObject(summaryOf("Counter", "ok"));
        QTest::qWait(50);
        QVERIFY(!banner->isVisible());
        // Looking at the damaged one finds it quarantined: the banner says why and how back.
        inspectorView.setObject(summaryOf("Counter", "dmg"));
        QTRY_VERIFY(banner->isVisible());
        QTRY_VERIFY2(banner->messageLabel()->text().contains("is missing"),
                     qPrintable(banner->messageLabel()->text()));
        QVERIFY(banner->resetButton()->isEnabled());
        QVERIFY(banner->acceptButton()->isEnabled());
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).value<Error>().message()));
        // Reset: it leaves quarantine and starts empty.
        banner->repair(RepairAction::Reset);
        QTRY_COMPARE(repaired.count(), 1);
        QVERIFY(repaired.first().first().toString().contains("was reset"));
        QVERIFY(!banner->isVisible());
        QCOMPARE(call(*f->engine, "Counter", "dmg", "increment").value().toInt(), 1);
        // Asked again of a healthy object, the repair is refused and said so.
        banner->setObject("Counter", ObjectId::fromName("Counter", "dmg"),
                          ObjectStatus::Quarantined);
        banner->repair(RepairAction::Reset);
        // (A view may also re-read the reset object and hear it has no data yet: NotFound.)
        const auto refusedAsHealthy = [&errors] {
            return std::any_of(errors.cbegin(), errors.cend(), [](const QList<QVariant> &e) {
                return e.first().value<Error>().code() == ErrorCode::Conflict;
            });
        };
        QTRY_VERIFY(refusedAsHealthy());
        QVERIFY(banner->resetButton()->isEnabled());
    }

    void alarmBoardFiresAndCancelsTheSelectedRow()
    {
        auto f = startEngine();
        const qint64 now = f->clock->nowMs();
        AlarmBoard board(f->inspector.get(), f->clock.get());
        QAbstractItemModelTester tester(board.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        board.show();
        QVERIFY(QTest::qWaitForWindowActive(&board));
        for (const auto &[name, at] :
             QList<QPair<QString, qint64>> {{"soon", now + Hour}, {"late", now + 2 * Hour}})
            QVERIFY(
                call(*f->engine, "AlarmProbe", name, "set", QJsonObject {{"at", double(at)}}).ok());
        board.refresh();
        QTRY_COMPARE(board.model()->rowCount(), 2);
        QVERIFY(!board.fireNowAction()->isEnabled());                     // nothing selected
        QVERIFY(board.view()->actions().contains(board.fireNowAction())); // context menu
        QVERIFY(board.view()->actions().contains(board.cancelAction()));

        // Fire Now (the button's action) on "soon".
        selectRow(board.view(), 0);
        QVERIFY(board.fireNowAction()->isEnabled());
        board.fireNowAction()->trigger();
        QTRY_COMPARE(AlarmProbe::fired.load(), 1);
        QCOMPARE(firings().first().name, QString("soon"));
        QCOMPARE(lastTrigger(*f, "AlarmProbe", "soon"), QString("admin-fire"));
        QTRY_COMPARE(board.model()->rowCount(), 1);
        QVERIFY(board.messageLabel()->text().contains("AlarmProbe/soon"));

        // Delete (the shortcut) cancels "late".
        selectRow(board.view(), 0);
        board.view()->setFocus();
        QTest::keyClick(board.view(), Qt::Key_Delete);
        QTRY_COMPARE(board.model()->rowCount(), 0);
        QCOMPARE(alarmDue(*f, "AlarmProbe", "late"), qint64(-1));
        QVERIFY(awaitValue(f->inspector->alarms()).value().isEmpty());
        QCOMPARE(lastTrigger(*f, "AlarmProbe", "late"), QString("admin-alarm"));
        QCOMPARE(f->clock->advance(3h), 0);
    }

    void alarmBoardFlagsOverdueAndRetryingRows()
    {
        auto f = startEngine();
        const qint64 now = f->clock->nowMs();
        // The board judges "overdue" on its own clock: one an hour ahead of the engine's sees
        // every alarm as overdue without the engine firing it.
        auto ahead = std::make_shared<VirtualClock>(
            QDateTime::fromMSecsSinceEpoch(now + Hour, Qt::UTC));
        AlarmBoard board(f->inspector.get(), ahead.get());
        board.resize(800, 300);
        board.show();
        QVERIFY(
            call(*f->engine, "AlarmProbe", "flaky", "set", QJsonObject {{"at", double(now + 1000)}})
                .ok());
        QVERIFY(call(*f->engine, "AlarmProbe", "fine", "set",
                     QJsonObject {{"at", double(now + 30 * 60'000)}})
                    .ok());
        AlarmProbe::failNext = 1;
        QCOMPARE(f->clock->advance(1s), 0); // failed: retried in 2 s
        board.refresh();
        QTRY_VERIFY(board.model()->rowCount() == 2 && board.model()->alarm(0).retryCount == 1);
        AlarmBoardModel *model = board.model();
        QVERIFY(model->index(0, AlarmBoardModel::ObjectColumn)
                    .data(AlarmBoardModel::RetryingRole)
                    .toBool());
        QVERIFY(!model->index(1, AlarmBoardModel::ObjectColumn)
                     .data(AlarmBoardModel::RetryingRole)
                     .toBool());
        QVERIFY(model->index(1, AlarmBoardModel::ObjectColumn)
                    .data(AlarmBoardModel::OverdueRole)
                    .toBool());

        // The whole row is tinted: amber for retrying, red for overdue.
        board.view()->clearSelection();
        const QImage image = board.view()->viewport()->grab().toImage();
        const auto tintAt = [&](int row) {
            const QRect cell = board.view()->visualRect(
                model->index(row, AlarmBoardModel::ClassColumn));
            return image.pixelColor(cell.left() + 2, cell.top() + 2);
        };
        QCOMPARE(tintAt(0), AlarmBoardDelegate::retryingTint());
        QCOMPARE(tintAt(1), AlarmBoardDelegate::overdueTint());
    }

private:
    static QList<AlarmProbe::Firing> firings()
    {
        QMutexLocker lock(&AlarmProbe::firingsMutex);
        return AlarmProbe::firings;
    }
};

QTEST_MAIN(TestAdminActions)
#include "tst_adminactions.moc"
