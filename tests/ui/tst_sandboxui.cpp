// SPDX-License-Identifier: MIT
// Sandboxes in the studio: "Sandbox from here…" in an object's Timeline tab copies it, the studio
// offers to open the copy, the sandbox's window says plainly what it is (title and banner), File >
// Sandboxes lists, opens and deletes them, and the banner's button goes back to the original,
// which the sandbox never touched. In a sandbox each model call waits in the Conversation tab
// for its reply source: recorded, live or edited.
#include "studiosession.h"

#include <branchcomparisonmodel.h>
#include <comparedialog.h>
#include <conversationview.h>
#include <mainwindow.h>
#include <modelcallmodel.h>
#include <modelsourcepicker.h>
#include <objectbrowser.h>
#include <objectinspector.h>
#include <objectlistmodel.h>
#include <sandboxbar.h>
#include <timelineview.h>

#include <durable/core/agentdirectory.h>
#include <durable/core/clock.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/sandboxes.h>

#include <QAbstractButton>
#include <QAction>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <examples/examples.h>

using namespace Durable;
using namespace Durable::Studio;

namespace {

int count(Engine *engine)
{
    auto stub = engine->stub(QStringLiteral("Counter"), QStringLiteral("a"));
    QFuture<QJsonValue> reply = stub->call(QStringLiteral("get"));
    reply.waitForFinished();
    return reply.result().toInt();
}

QStringList menuTexts(QMenu *menu)
{
    emit menu->aboutToShow();
    QStringList texts;
    for (QAction *action : menu->actions())
        texts.append(action->text());
    return texts;
}

// Answers the one pending human request of the engine.
bool answer(Engine *engine, HumanAction action)
{
    HumanInbox inbox(engine);
    QFuture<QList<HumanRequestInfo>> pending = inbox.pending();
    pending.waitForFinished();
    if (pending.result().size() != 1)
        return false;
    HumanResponse response;
    response.action = action;
    response.answeredBy = QStringLiteral("rita");
    QFuture<QJsonValue> answered = inbox.answer(pending.result().constFirst(), response);
    answered.waitForFinished();
    return true;
}

// The menu as it fills itself when opened.
QAction *menuAction(QMenu *menu, const QString &prefix)
{
    emit menu->aboutToShow();
    for (QAction *action : menu->actions()) {
        if (action->text().startsWith(prefix))
            return action;
    }
    return nullptr;
}

} // namespace

class TestSandboxUi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("recentDataDirectories"));
    }

    void aSandboxIsMadeOpenedMarkedAndDeleted()
    {
        QTemporaryDir origin;
        StudioSession session(true,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        QVERIFY(session.open(origin.path()).ok());
        auto stub = session.engine()->stub(QStringLiteral("Counter"), QStringLiteral("a"));
        for (int by : {5, 2})
            stub->call(QStringLiteral("increment"), by).waitForFinished();
        Ui::MainWindow *window = session.window();
        QVERIFY(!window->sandbox());
        QVERIFY(!window->sandboxBanner()->isVisibleTo(window));
        QTRY_VERIFY(menuTexts(window->sandboxMenu()).constFirst().startsWith("No sandboxes yet"));

        Ui::TimelineView *timeline = window->objectInspector()->timeline();
        timeline->setObject(QStringLiteral("Counter"), stub->id(), QStringLiteral("a"));
        QSignalSpy created(timeline, &Ui::TimelineView::sandboxCreated);
        timeline->sandboxFrom(1, QStringLiteral("try"));
        QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, 20'000);
        QVERIFY2(timeline->forkStatusLabel()->text().contains("Sandbox “try”"),
                 qPrintable(timeline->forkStatusLabel()->text()));
        // Made a second time: refused, said beside the button.
        timeline->sandboxFrom(1, QStringLiteral("try"));
        QTRY_VERIFY(timeline->forkStatusLabel()->text().contains("exists already"));

        // The studio offers to open it; Open switches to the sandbox's window.
        QMessageBox *offer = nullptr;
        QTRY_VERIFY((offer = window->findChild<QMessageBox *>()) != nullptr);
        const QString sandboxDir = Sandboxes::directory(origin.path()) + QStringLiteral("/try");
        offer->button(QMessageBox::Open)->click();
        QTRY_COMPARE(session.dataDir(), sandboxDir);
        window = session.window();
        QVERIFY(window->sandbox());
        QCOMPARE(window->sandbox()->name, QStringLiteral("try"));
        QVERIFY(window->windowTitle().contains(QStringLiteral("Sandbox “try”")));
        QVERIFY(window->sandboxBanner()->isVisibleTo(window));
        QVERIFY(session.engine()->clock()->isVirtual());
        QCOMPARE(count(session.engine()), 5); // the copy as of turn 1

        const QStringList texts = menuTexts(window->sandboxMenu());
        QVERIFY2(texts.constFirst().startsWith("Back to the Original"),
                 qPrintable(texts.join("|")));
        QTRY_VERIFY(window->sandboxBanner()->isListed());
        QAction *open = menuAction(window->sandboxMenu(), QStringLiteral("Open try: Counter/a"));
        QVERIFY(open && open->isChecked() && !open->isEnabled());
        window->deleteSandbox(QStringLiteral("try")); // refused: it is open
        QVERIFY(QFileInfo::exists(sandboxDir));

        // The sandbox lists its one object, a fork of the original's.
        QTRY_COMPARE(window->browser()->objectModel()->rowCount(), 1);
        if (const QString shots = qEnvironmentVariable("DURABLE_SCREENSHOT_DIR");
            !shots.isEmpty()) {
            window->showObject(QStringLiteral("Counter"), stub->id());
            QTest::qWait(500); // the inspector's reads, for the picture only
            QVERIFY(window->grab().save(QDir(shots).filePath(QStringLiteral("sandbox.png"))));
        }

        // Back to the original, which the sandbox never touched.
        auto *back = window->sandboxBanner()->findChild<QPushButton *>(
            QStringLiteral("sandboxBack"));
        QVERIFY(back);
        QSignalSpy failed(&session, &StudioSession::openFailed);
        back->click();
        QTRY_VERIFY2(session.dataDir() == QDir(origin.path()).absolutePath() || !failed.isEmpty(),
                     "neither opened nor failed");
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
        QCOMPARE(count(session.engine()), 7);
        window = session.window();
        QVERIFY(!window->sandbox());
        QTRY_VERIFY(
            menuAction(window->sandboxMenu(), QStringLiteral("Open try: Counter/a at turn 1")));
        QTRY_COMPARE(session.closingCount(), 0); // the sandbox's engine let go of its directory
        window->deleteSandbox(QStringLiteral("try"));
        QTRY_VERIFY(!QFileInfo::exists(sandboxDir));
        QTRY_VERIFY(menuTexts(window->sandboxMenu()).constFirst().startsWith("No sandboxes yet"));
    }

    void aSandboxAsksWhereEachModelReplyComesFrom()
    {
        QTemporaryDir origin;
        StudioSession session(true,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        QVERIFY(session.open(origin.path()).ok());
        const QString recruitment = QStringLiteral("Recruitment");
        const ObjectId ada = ObjectId::fromName(recruitment, QStringLiteral("ada"));
        auto stub = session.engine()->stub(recruitment, QStringLiteral("ada"));
        const QJsonObject resume {
            {"candidate", "Ada"}, {"role", "Engineer"}, {"resume", "Writes C++."}};
        stub->call(QStringLiteral("submitResume"), resume).waitForFinished();
        AgentDirectory originAgents(session.engine());
        QTRY_VERIFY(originAgents.steps(recruitment).result().value(ada) ==
                    QLatin1String("awaiting-recruiter"));
        // The original approves and books the interview.
        QVERIFY(answer(session.engine(), HumanAction::Approve));
        QTRY_VERIFY(originAgents.steps(recruitment).result().value(ada) ==
                    QLatin1String("follow-up-scheduled"));
        // Forked at the resume: the screening call was out.
        QFuture<SandboxInfo> made = Sandboxes::create(session.engine(), recruitment, ada, 1,
                                                      QStringLiteral("screen"));
        made.waitForFinished();
        QVERIFY(session.open(made.result().dataDir).ok());
        Ui::MainWindow *window = session.window();
        QVERIFY(window->sandbox());
        window->showObject(recruitment, ada);
        window->objectInspector()->tabs()->setCurrentIndex(Ui::ObjectInspector::ConversationTab);
        Ui::ConversationView *conversation = window->objectInspector()->conversation();
        Ui::ModelSourcePicker *picker = conversation->sourcePicker();
        QTRY_COMPARE(conversation->shownCallId(), QStringLiteral("mc-1"));
        QTRY_VERIFY(picker->isVisibleTo(window));
        QTRY_VERIFY2(picker->statusLabel()->text().contains("Waiting for you"),
                     qPrintable(picker->statusLabel()->text()));
        // Recorded by default, with the original's reply ready to edit.
        QVERIFY(picker->button(ModelSource::Recorded)->isChecked());
        QVERIFY(picker->editor()->toPlainText().contains("\"score\": 8"));
        picker->button(ModelSource::Edited)->setChecked(true);
        picker->editor()->setPlainText(
            R"({"score": 2, "strengths": [], "concerns": ["no compilers"], )"
            R"("recommendation": "reject"})");
        if (const QString shots = qEnvironmentVariable("DURABLE_SCREENSHOT_DIR");
            !shots.isEmpty()) {
            window->resize(1280, 800);
            QTest::qWait(300); // the inspector's reads, for the picture only
            QVERIFY(window->grab().save(
                QDir(shots).filePath(QStringLiteral("model-source-picker.png"))));
        }

        QSignalSpy answered(picker, &Ui::ModelSourcePicker::answered);
        picker->answerButton()->click();
        QTRY_COMPARE(answered.size(), 1);
        AgentDirectory agents(session.engine());
        QTRY_VERIFY(agents.steps(recruitment).result().value(ada) ==
                    QLatin1String("awaiting-recruiter"));
        QFuture<QJsonObject> state = agents.state(recruitment, ada);
        QCOMPARE(state.result().value("assessment").toObject().value("score").toInt(), 2);
        // The answered call is labelled as edited, and no longer offers a choice.
        QTRY_COMPARE(conversation->model()->index(0, Ui::ModelCallModel::SourceColumn).data(),
                     QVariant(QStringLiteral("Edited reply")));
        QTRY_VERIFY(!picker->isVisibleTo(window));
        // The recruiter rejects in the sandbox.
        QVERIFY(answer(session.engine(), HumanAction::Reject));
        QTRY_VERIFY(agents.steps(recruitment).result().value(ada) == QLatin1String("rejected"));

        // Compared with the original, opened beside the sandbox to be read: they part at the
        // screening reply (turn 2), and the original's screening scored 8.
        auto *compare = window->sandboxBanner()->findChild<QPushButton *>(
            QStringLiteral("sandboxCompare"));
        QVERIFY(compare);
        compare->click();
        Ui::CompareDialog *dialog = window->sandboxBanner()->compareDialog();
        QVERIFY(dialog);
        QSignalSpy compared(dialog, &Ui::CompareDialog::compared);
        QTRY_VERIFY(!compared.isEmpty());
        QCOMPARE(dialog->model()->comparison().relation, QStringLiteral("fork"));
        QCOMPARE(dialog->model()->comparison().firstDifference, 2);
        QVERIFY2(dialog->summaryText().contains("First difference at turn #2"),
                 qPrintable(dialog->summaryText()));
        if (const QString shots = qEnvironmentVariable("DURABLE_SCREENSHOT_DIR");
            !shots.isEmpty()) {
            QVERIFY(
                dialog->grab().save(QDir(shots).filePath(QStringLiteral("sandbox-compare.png"))));
        }
        dialog->close();
        QTRY_VERIFY(!window->sandboxBanner()->compareDialog());
    }
};

QTEST_MAIN(TestSandboxUi)
#include "tst_sandboxui.moc"
