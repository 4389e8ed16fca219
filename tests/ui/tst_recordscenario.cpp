// SPDX-License-Identifier: MIT
// File > Record Scenario in the studio: the window's own actions (the send-request dialog, the
// inbox, the clock controls) are recorded; the saved file parses with the CLI's scenario parser
// and replays green on a fresh engine.
#include "demoagentsloader.h"
#include "scenariorunner.h"
#include <durable/core/scenario.h>

#include <clockcontrols.h>
#include <inboxmodel.h>
#include <inboxpanel.h>
#include <mainwindow.h>
#include <sendrequestdialog.h>

#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/scenariorecorder.h>
#include <durable/core/virtualclock.h>

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <examples/examples.h>

using namespace Durable;
using namespace Durable::Ui;

class TestRecordScenario : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // The window keeps its layout in QSettings: not in the user's.
        QStandardPaths::setTestModeEnabled(true);
    }

    void recordsTheStudiosActions()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        EngineOptions options;
        options.dataDir = dir.filePath(QStringLiteral("data"));
        auto clock = std::make_shared<VirtualClock>(
            QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC));
        clock->resume(); // as the studio runs it: recording pauses it
        options.clock = clock;
        Engine engine(options);
        DurableExamples::registerDemoClasses(engine);
        QVERIFY(engine.start().ok());
        Inspector inspector(&engine);
        MainWindow window(&engine, &inspector);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QVERIFY(window.recordAction()->isEnabled());
        QVERIFY(!window.stopRecordingAction()->isEnabled());
        QVERIFY(!window.recordingLabel()->isVisible());
        window.recordAction()->trigger();
        QVERIFY(ScenarioRecorder::active(&engine));
        QVERIFY(clock->isPaused());
        QVERIFY(window.recordingLabel()->isVisible());
        QVERIFY(window.stopRecordingAction()->isEnabled());
        QVERIFY(!window.recordAction()->isEnabled());
        QVERIFY(window.recordingLabel()->text().contains(QStringLiteral("Recording (0 steps)")));

        // Send a resume through the dialog.
        SendRequestDialog *dialog = window.sendRequestDialog();
        QSignalSpy replied(dialog, &SendRequestDialog::replied);
        QVERIFY(replied.isValid());
        dialog->setTarget(QStringLiteral("Recruitment"), QStringLiteral("grace"));
        dialog->methodEdit()->setText(QStringLiteral("submitResume"));
        dialog->argsEdit()->setPlainText(QStringLiteral(
            R"({"candidate": "Grace Hopper", "role": "Compiler engineer", "resume": "COBOL."})"));
        dialog->send();
        QVERIFY(replied.wait(10000));
        QTRY_VERIFY(window.recordingLabel()->text().contains(QStringLiteral("Recording (1 step)")));

        // Answer the recruiter's request in the inbox.
        InboxPanel *inbox = window.inbox();
        QTRY_COMPARE_WITH_TIMEOUT(inbox->model()->rowCount(), 1, 10000);
        QVERIFY(inbox->selectRequest(inbox->model()->request(0).requestId));
        QSignalSpy answered(inbox->model(), &InboxModel::answered);
        QVERIFY(answered.isValid());
        QTest::mouseClick(inbox->approveButton(), Qt::LeftButton);
        QVERIFY(answered.wait(10000));

        // Jump a day with the clock controls, once the interview is booked.
        const ObjectId grace = ObjectId::fromName(QStringLiteral("Recruitment"),
                                                  QStringLiteral("grace"));
        QTRY_COMPARE_WITH_TIMEOUT(inspectorStep(inspector, grace),
                                  QStringLiteral("follow-up-scheduled"), 10000);
        QSignalSpy jumped(window.clockControls(), &ClockControls::jumpFinished);
        QVERIFY(jumped.isValid());
        window.clockControls()->actions().at(3)->trigger(); // +1 day
        QVERIFY(jumped.wait(20000));
        QTRY_VERIFY(
            window.recordingLabel()->text().contains(QStringLiteral("Recording (3 steps)")));

        const QString file = dir.filePath(QStringLiteral("recorded.json"));
        QSignalSpy saved(&window, &MainWindow::recordingSaved);
        QVERIFY(saved.isValid());
        window.saveRecording(file);
        QVERIFY(!ScenarioRecorder::active(&engine));
        QVERIFY(!window.recordingLabel()->isVisible());
        QVERIFY(window.recordAction()->isEnabled());
        QVERIFY(saved.wait(20000));
        QCOMPARE(saved.constFirst().at(1).toInt(), 3);

        const auto scenario = Scenario::load(file);
        QVERIFY2(scenario.ok(), scenario.ok() ? "" : qPrintable(scenario.error().message()));
        QStringList kinds;
        for (const ScenarioStep &step : scenario->steps)
            kinds.append(step.kind);
        QCOMPARE(kinds.mid(0, 4),
                 (QStringList {QStringLiteral("call"), QStringLiteral("answer"),
                               QStringLiteral("settle"), QStringLiteral("advance")}));
        QVERIFY(kinds.contains(QStringLiteral("assertStep")));
        QCOMPARE(scenario->steps.at(1).params.value(QStringLiteral("request")).toString(),
                 QStringLiteral("Review Grace Hopper"));
        QCOMPARE(scenario->steps.at(3).params.value(QStringLiteral("by")).toString(),
                 QStringLiteral("1d"));

        const Cli::ScenarioResult result =
            Cli::ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
        QStringList failures {result.error};
        for (const Cli::StepResult &step : result.steps) {
            if (step.outcome == Cli::StepResult::Outcome::Failed)
                failures << QStringLiteral("%1: %2 (expected %3, actual %4)")
                                .arg(step.title, step.message, step.expected, step.actual);
        }
        QVERIFY2(result.passed(), qPrintable(failures.join(QLatin1Char('\n'))));
    }

private:
    static QString inspectorStep(const Inspector &inspector, const ObjectId &id)
    {
        try {
            return inspector.object(QStringLiteral("Recruitment"), id).result().step;
        } catch (const Durable::Error &) {
            return {};
        }
    }
};

QTEST_MAIN(TestRecordScenario)
#include "tst_recordscenario.moc"
