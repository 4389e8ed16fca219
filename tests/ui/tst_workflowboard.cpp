// SPDX-License-Identifier: MIT
// The Workflow dock (WorkflowBoardModel, WorkflowBoard): one column per declared step with the
// engine's exact counts after submissions and after the recruiter answered; long columns capped
// with "+N more" while the counts stay exact; a click on an object asks to inspect it; the main
// window's dock and its View toggle.
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <durable/core/agent.h>
#include <durable/core/agentdirectory.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <examples/examples.h>
#include <mainwindow.h>
#include <memory>
#include <objectinspector.h>
#include <workflowboard.h>
#include <workflowboardmodel.h>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;

namespace {

// An agent whose only turn moves its workflow step.
class Stepper : public Agent
{
public:
    Stepper() { handle("setStep", &Stepper::putStep); }
    void putStep(const QJsonValue &args) { setStep(args.toString()); }
};

const QStringList s_stepperSteps {QStringLiteral("draft"), QStringLiteral("review"),
                                  QStringLiteral("done")};

struct Fixture
{
    QTemporaryDir dir;
    std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>();
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Inspector> inspector;
};

std::unique_ptr<Fixture> startEngine()
{
    auto f = std::make_unique<Fixture>();
    EngineOptions options;
    options.dataDir = f->dir.path();
    options.clock = f->clock;
    f->engine = std::make_unique<Engine>(options);
    DurableExamples::registerExampleClasses(*f->engine);
    DurableTest::registerTestClasses(*f->engine);
    ClassOptions stepper;
    stepper.steps = s_stepperSteps;
    if (auto ok = f->engine->registerClass<Stepper>(QStringLiteral("Stepper"), stepper); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    if (auto ok = f->engine->start(); !ok)
        qFatal("engine did not start: %s", qPrintable(ok.error().message()));
    f->inspector = std::make_unique<Inspector>(f->engine.get());
    f->inspector->setFeedInterval(50);
    return f;
}

bool submit(Engine &engine, const QString &name)
{
    const QJsonObject resume {{QStringLiteral("candidate"), name},
                              {QStringLiteral("role"), QStringLiteral("Engineer")},
                              {QStringLiteral("resume"), QStringLiteral("Writes C++.")}};
    return call(engine, QStringLiteral("Recruitment"), name, QStringLiteral("submitResume"), resume)
        .ok();
}

QStringList declaredSteps(Inspector &inspector, const QString &className)
{
    const auto classes = awaitValue(inspector.classes());
    for (const ClassSummary &summary : classes.value())
        if (summary.name == className)
            return summary.steps;
    return {};
}

// The board's counts per step, only the steps with objects (as stepCounts reports them).
QHash<QString, qint64> boardCounts(const WorkflowBoardModel &model)
{
    QHash<QString, qint64> counts;
    for (int column = 0; column < model.columnCount(); ++column) {
        const qint64 count =
            model.headerData(column, Qt::Horizontal, WorkflowBoardModel::CountRole).toLongLong();
        if (count > 0)
            counts.insert(
                model.headerData(column, Qt::Horizontal, WorkflowBoardModel::StepRole).toString(),
                count);
    }
    return counts;
}

QHash<QString, qint64> engineCounts(Engine &engine, const QString &className)
{
    QHash<QString, qint64> counts =
        awaitValue(AgentDirectory(&engine).stepCounts(className)).value();
    for (auto it = counts.begin(); it != counts.end();) {
        if (it.value() == 0)
            it = counts.erase(it);
        else
            ++it;
    }
    return counts;
}

QStringList namesIn(const WorkflowBoardModel &model, const QString &step)
{
    QStringList names;
    for (const ObjectSummary &object : model.listed(step))
        names.append(object.name);
    names.sort();
    return names;
}

} // namespace

class TestWorkflowBoard : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DurableTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_workflowboard"));
    }

    void columnsAndCountsFollowSubmissionsAndAnswers()
    {
        auto f = startEngine();
        const QStringList steps = declaredSteps(*f->inspector, QStringLiteral("Recruitment"));
        QVERIFY(steps.contains(QStringLiteral("awaiting-recruiter")));
        WorkflowBoardModel model(f->engine.get(), f->inspector.get(), f->clock.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRefreshDelay(20);
        model.setClass(QStringLiteral("Recruitment"), steps);
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.columnCount(), int(steps.size()));
        QCOMPARE(model.rowCount(), 0);
        for (int column = 0; column < steps.size(); ++column) {
            QCOMPARE(
                model.headerData(column, Qt::Horizontal, WorkflowBoardModel::StepRole).toString(),
                steps.at(column)); // declared order
            QCOMPARE(model.headerData(column, Qt::Horizontal, Qt::DisplayRole).toString(),
                     QStringLiteral("%1\n0 object(s)").arg(steps.at(column)));
        }

        for (const QString &name :
             {QStringLiteral("ada"), QStringLiteral("bob"), QStringLiteral("cy")})
            QVERIFY(submit(*f->engine, name));
        // The scripted screening answers at once: all three wait for the recruiter.
        QTRY_COMPARE_WITH_TIMEOUT(model.count(QStringLiteral("awaiting-recruiter")), qint64(3),
                                  10000);
        QTRY_COMPARE(boardCounts(model), engineCounts(*f->engine, QStringLiteral("Recruitment")));
        QCOMPARE(
            namesIn(model, QStringLiteral("awaiting-recruiter")),
            (QStringList {QStringLiteral("ada"), QStringLiteral("bob"), QStringLiteral("cy")}));
        const int awaiting = int(steps.indexOf(QStringLiteral("awaiting-recruiter")));
        QCOMPARE(model.headerData(awaiting, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("awaiting-recruiter\n3 object(s)"));
        QCOMPARE(model.rowCount(), 3);
        const QModelIndex first = model.index(0, awaiting);
        QCOMPARE(first.data(WorkflowBoardModel::ClassNameRole).toString(),
                 QStringLiteral("Recruitment"));
        QVERIFY(first.flags() & Qt::ItemIsSelectable);
        QVERIFY(!(model.index(0, 0).flags() & Qt::ItemIsEnabled)); // an empty cell

        // The recruiter rejects bob: he moves to "rejected", the others stay.
        HumanInbox inbox(f->engine.get());
        const auto pending = awaitValue(inbox.pending(QStringLiteral("Recruitment")));
        QVERIFY(pending.ok());
        HumanRequestInfo bobRequest;
        for (const HumanRequestInfo &request : pending.value())
            if (request.objectName == QLatin1String("bob"))
                bobRequest = request;
        QVERIFY(!bobRequest.requestId.isEmpty());
        HumanResponse reject;
        reject.action = HumanAction::Reject;
        reject.answeredBy = QStringLiteral("tester");
        QVERIFY(await(inbox.answer(bobRequest, reject)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(model.count(QStringLiteral("rejected")), qint64(1), 10000);
        QTRY_COMPARE(model.count(QStringLiteral("awaiting-recruiter")), qint64(2));
        QCOMPARE(boardCounts(model), engineCounts(*f->engine, QStringLiteral("Recruitment")));
        QCOMPARE(namesIn(model, QStringLiteral("rejected")), QStringList {QStringLiteral("bob")});
        QCOMPARE(namesIn(model, QStringLiteral("awaiting-recruiter")),
                 (QStringList {QStringLiteral("ada"), QStringLiteral("cy")}));
        QCOMPARE(model.rowCount(), 2);
    }

    void longColumnsAreCappedWhileCountsStayExact()
    {
        auto f = startEngine();
        QCOMPARE(DurableUiTest::createObjects(*f->engine, QStringLiteral("Stepper"),
                                              QStringLiteral("s"), 250, QStringLiteral("setStep"),
                                              QStringLiteral("review")),
                 0);
        QVERIFY(call(*f->engine, QStringLiteral("Stepper"), QStringLiteral("one"),
                     QStringLiteral("setStep"), QStringLiteral("done"))
                    .ok());
        WorkflowBoardModel model(f->engine.get(), f->inspector.get(), f->clock.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.listLimit(), 200);
        model.setClass(QStringLiteral("Stepper"), s_stepperSteps);
        QTRY_COMPARE(model.count(QStringLiteral("review")), qint64(250));
        QCOMPARE(model.count(QStringLiteral("done")), qint64(1));
        QCOMPARE(model.listed(QStringLiteral("review")).size(), 200);
        QCOMPARE(model.rowCount(), 201); // 200 objects and "+50 more"
        const QModelIndex more = model.index(200, 1);
        QCOMPARE(more.data().toString(), QStringLiteral("+50 more"));
        QCOMPARE(more.data(WorkflowBoardModel::MoreRole).toLongLong(), qint64(50));
        QVERIFY(!more.data(WorkflowBoardModel::ObjectIdRole).isValid());
        QVERIFY(!(more.flags() & Qt::ItemIsSelectable));
        QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("one"));
        QVERIFY(!model.index(1, 2).data().isValid());
        QCOMPARE(model.headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("review\n250 object(s)"));
        QCOMPARE(boardCounts(model), engineCounts(*f->engine, QStringLiteral("Stepper")));

        // A smaller cap applies from the next read; counts do not change with it.
        model.setListLimit(10);
        model.refresh();
        QTRY_COMPARE(model.rowCount(), 11);
        QCOMPARE(model.index(10, 1).data().toString(), QStringLiteral("+240 more"));
        QCOMPARE(model.count(QStringLiteral("review")), qint64(250));
    }

    void boardFollowsTheFeedAndClickInspects()
    {
        auto f = startEngine();
        QVERIFY(call(*f->engine, QStringLiteral("Stepper"), QStringLiteral("a"),
                     QStringLiteral("setStep"), QStringLiteral("draft"))
                    .ok());
        WorkflowBoard board(f->engine.get(), f->inspector.get(), f->clock.get());
        board.model()->setRefreshDelay(20);
        board.resize(800, 400);
        board.show();
        QVERIFY(QTest::qWaitForWindowExposed(&board));
        QTRY_VERIFY(board.classCombo()->findText(QStringLiteral("Stepper")) >= 0);
        QVERIFY(board.classCombo()->findText(QStringLiteral("Recruitment")) >= 0);
        QCOMPARE(board.classCombo()->findText(QStringLiteral("Counter")), -1); // no steps declared
        QVERIFY(board.selectClass(QStringLiteral("Stepper")));
        QCOMPARE(board.model()->className(), QStringLiteral("Stepper"));
        QTRY_COMPARE(board.model()->count(QStringLiteral("draft")), qint64(1));

        // Live: a turn that moves the step moves the object.
        QVERIFY(call(*f->engine, QStringLiteral("Stepper"), QStringLiteral("a"),
                     QStringLiteral("setStep"), QStringLiteral("review"))
                    .ok());
        QTRY_COMPARE(board.model()->count(QStringLiteral("review")), qint64(1));
        QCOMPARE(board.model()->count(QStringLiteral("draft")), qint64(0));
        QVERIFY(board.summaryLabel()->text().contains(QStringLiteral("1 object")));

        QSignalSpy activated(&board, &WorkflowBoard::objectActivated);
        QVERIFY(activated.isValid());
        const QModelIndex cell = board.model()->index(0, 1);
        QCOMPARE(cell.data().toString(), QStringLiteral("a"));
        const QRect rect = board.boardView()->visualRect(cell);
        QTest::mouseClick(board.boardView()->viewport(), Qt::LeftButton, {}, rect.center());
        QTRY_COMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("Stepper"));
        QCOMPARE(activated.at(0).at(1).value<ObjectId>(),
                 ObjectId::fromName(QStringLiteral("Stepper"), QStringLiteral("a")));
        // An empty cell inspects nothing.
        QTest::mouseClick(board.boardView()->viewport(), Qt::LeftButton, {},
                          board.boardView()->visualRect(board.model()->index(0, 0)).center());
        QCOMPARE(activated.count(), 1);
    }

    void mainWindowHasAWorkflowDock()
    {
        auto f = startEngine();
        MainWindow window(f->engine.get(), f->inspector.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("WorkflowDock"));
        QVERIFY(dock);
        QCOMPARE(dock->widget(), window.workflowBoard());
        QCOMPARE(window.workflowAction()->shortcut(), QKeySequence(Qt::ALT | Qt::Key_5));
        window.workflowAction()->trigger(); // shown behind the inbox: hide it
        window.workflowAction()->trigger();
        QVERIFY(window.workflowAction()->isChecked());
        QTRY_VERIFY(window.workflowBoard()->isVisible()); // raised in front of the inbox
        QVERIFY(window.workflowBoard()->model()->isLive());
        QVERIFY(call(*f->engine, QStringLiteral("Stepper"), QStringLiteral("w"),
                     QStringLiteral("setStep"), QStringLiteral("done"))
                    .ok());
        window.workflowBoard()->selectClass(QStringLiteral("Stepper"));
        QTRY_COMPARE(window.workflowBoard()->model()->count(QStringLiteral("done")), qint64(1));
        // Clicking it selects it in the browser and the inspector.
        const QModelIndex cell = window.workflowBoard()->model()->index(0, 2);
        emit window.workflowBoard()->boardView()->clicked(cell);
        const ObjectId id = ObjectId::fromName(QStringLiteral("Stepper"), QStringLiteral("w"));
        QTRY_COMPARE(window.objectInspector()->object().id, id);
        window.close();
    }
};

QTEST_MAIN(TestWorkflowBoard)
#include "tst_workflowboard.moc"
