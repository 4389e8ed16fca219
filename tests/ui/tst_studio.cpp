// SPDX-License-Identifier: MIT
// End to end through the main window: send a request with the dialog, see the object appear,
// evict it, jump the virtual clock a day and watch its alarm fire and the board empty.
#include "uitestutil.h"

#include <alarmboard.h>
#include <alarmboardmodel.h>
#include <clockcontrols.h>
#include <keyvaluemodel.h>
#include <mainwindow.h>
#include <metricspanel.h>
#include <objectbrowser.h>
#include <objectinspector.h>
#include <objectlistmodel.h>
#include <sendrequestdialog.h>
#include <sqlresultmodel.h>

#include <durable/core/inspector.h>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;
using namespace DurableUiTest;

class TestStudio : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName("DurableTest");
        QCoreApplication::setApplicationName("tst_studio");
    }

    void argumentsAreValidatedAsYouType_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("empty") << "" << true;
        QTest::newRow("object") << R"({"by": 2})" << true;
        QTest::newRow("scalar") << "42" << true;
        QTest::newRow("string") << R"("hi")" << true;
        QTest::newRow("broken") << R"({"by": )" << false;
        QTest::newRow("two values") << "1 2" << false;
    }

    void argumentsAreValidatedAsYouType()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QJsonValue value;
        QString error;
        QCOMPARE(SendRequestDialog::parseArguments(text, &value, &error), valid);
        QCOMPARE(error.isEmpty(), valid);
    }

    void sendEvictJumpAndAlarmFires()
    {
        QTemporaryDir dir;
        auto clock = std::make_shared<VirtualClock>();
        auto engine = makeEngine(dir.path(), clock);
        Inspector inspector(engine.get());
        MainWindow window(engine.get(), &inspector);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.engineStateLabel()->text().contains("running"), true);
        QVERIFY(window.clockLabel()->text().contains("2030-01-01"));
        QVERIFY(window.clockControls()->isVirtual());

        // 1. Send a request through the dialog.
        window.sendAction()->trigger();
        SendRequestDialog *dialog = window.sendRequestDialog();
        QVERIFY(dialog->isVisible());
        dialog->classCombo()->setCurrentIndex(dialog->classCombo()->findText("AlarmProbe"));
        QTest::keyClicks(dialog->targetEdit(), "e2e");
        QTest::keyClicks(dialog->methodEdit(), "set");
        const qint64 due = clock->nowMs() + 3 * 3600'000;
        dialog->argsEdit()->setPlainText(QStringLiteral("{\"at\": %1").arg(due));
        QVERIFY(!dialog->sendButton()->isEnabled()); // invalid JSON: cannot send
        dialog->argsEdit()->setPlainText(QStringLiteral("{\"at\": %1}").arg(due));
        QVERIFY(dialog->sendButton()->isEnabled());
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QTRY_COMPARE(dialog->replyView()->toPlainText(), QString("true"));

        // 2. The object appears in the browser and gets selected; the inspector shows it.
        const ObjectId id = ObjectId::fromName("AlarmProbe", "e2e");
        ObjectListModel *objects = window.browser()->objectModel();
        QTRY_VERIFY(objects->rowOf(id) >= 0);
        QTRY_COMPARE(window.browser()->currentObject().id, id);
        QTRY_COMPARE(window.objectInspector()->object().id, id);
        QTRY_COMPARE(objects->summary(objects->rowOf(id)).nextAlarmMs, due);
        QTRY_VERIFY(
            window.objectInspector()->alarmCountdownLabel()->text().startsWith("in 2 h 59 min") ||
            window.objectInspector()->alarmCountdownLabel()->text().startsWith("in 3 h"));
        AlarmBoardModel *board = window.alarmBoard()->model();
        QTRY_COMPARE(board->rowCount(), 1);
        QCOMPARE(board->alarm(0).id, id);

        // The status bar shows one message at a time and the feed may replace a message a moment
        // later: check what it showed, not only what it shows now.
        QStringList shown;
        connect(window.statusBar(), &QStatusBar::messageChanged, &window,
                [&shown](const QString &message) { shown.append(message); });
        const auto showed = [&shown, &window](auto predicate) {
            if (predicate(window.statusBar()->currentMessage()))
                return true;
            return std::any_of(shown.cbegin(), shown.cend(), predicate);
        };

        // A failing request shows its error inline.
        dialog->methodEdit()->setText("nope");
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QTRY_VERIFY(dialog->statusLabel()->text().contains("UnknownMethod") ||
                    dialog->statusLabel()->text().contains("nope"));

        // The failure reaches the status bar (from the dialog's reply or the change feed,
        // whichever comes last).
        QTRY_VERIFY(
            showed([](const QString &m) { return m.contains("nope") && m.contains("failed"); }));

        // 3. Evict it: the status follows the feed, the status bar reports it.
        window.evictAction()->trigger();
        QTRY_VERIFY(showed([](const QString &m) { return m.startsWith("Evicted"); }));
        QTRY_COMPARE(objects->summary(objects->rowOf(id)).status, ObjectStatus::Hibernated);

        // 4. Jump a day: the alarm fires (waking the object), the board empties.
        const int firedBefore = AlarmProbe::fired.load();
        window.clockControls()->advanceDayAction()->trigger();
        QVERIFY(window.clockControls()->isBusy() || AlarmProbe::fired.load() > firedBefore);
        QTRY_VERIFY(!window.clockControls()->isBusy());
        QCOMPARE(AlarmProbe::fired.load(), firedBefore + 1);
        QTRY_VERIFY(showed([](const QString &m) { return m.contains("1 alarm"); }));
        QTRY_COMPARE(board->rowCount(), 0);
        QTRY_COMPARE(objects->summary(objects->rowOf(id)).nextAlarmMs, qint64(-1));
        QTRY_VERIFY(window.clockLabel()->text().contains("2030-01-02"));
        QTRY_COMPARE(window.objectInspector()->alarmCountdownLabel()->text(),
                     QString("No alarm set"));

        // The state tab shows what the alarm wrote.
        QTRY_VERIFY(window.objectInspector()->keyValueModel()->rowCount() >= 1);
        QTRY_VERIFY(
            !window.objectInspector()->stateTree()->findItems("log", Qt::MatchExactly).isEmpty());

        // 5. Crash it: reported, and it still answers afterwards.
        window.crashAction()->trigger();
        QTRY_VERIFY(showed([](const QString &m) { return m.startsWith("Crashed"); }));
        QVERIFY(await(engine->stub("AlarmProbe", id)->call("alarm")).ok());
    }

    void storageConsoleRunsReadOnlyQueries()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        const Stub stub = engine->stub("StorageProbe", "db").value();
        QVERIFY(await(stub.call(
                          "sql",
                          QJsonObject {
                              {"query", "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)"}}))
                    .ok());
        QVERIFY(
            await(stub.call("sql",
                            QJsonObject {
                                {"query", "INSERT INTO notes(body) VALUES ('a'), ('b'), ('c')"}}))
                .ok());
        ObjectInspector view(&inspector, engine->clock());
        view.show();
        ObjectSummary summary;
        summary.id = stub.id();
        summary.className = "StorageProbe";
        summary.name = "db";
        view.setObject(summary);
        QTRY_VERIFY(!view.schemaTree()->findItems("notes", Qt::MatchExactly).isEmpty());
        view.tabs()->setCurrentIndex(ObjectInspector::StorageTab);
        view.sqlEditor()->setPlainText("SELECT body FROM notes ORDER BY id");
        view.runQuery();
        QTRY_COMPARE(view.sqlResultModel()->rowCount(), 3);
        QCOMPARE(view.sqlResultModel()->index(2, 0).data().toString(), QString("c"));
        view.sqlEditor()->setPlainText("DELETE FROM notes");
        view.runQuery();
        QTRY_VERIFY(!view.sqlStatusLabel()->text().isEmpty() &&
                    view.sqlStatusLabel()->text() != "Running…");
        QCOMPARE(view.sqlResultModel()->rowCount(), 0);
        QVERIFY(await(stub.call("sql", QJsonObject {{"query", "SELECT count(*) FROM notes"}}))
                    .value()
                    .toObject()
                    .value("rows")
                    .toArray()
                    .at(0)
                    .toArray()
                    .at(0)
                    .toInt() == 3);
    }

    void metricsPanelCollectsSamples()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        MainWindow window(engine.get(), &inspector);
        window.show();
        QCOMPARE(createObjects(*engine, "Counter", "m", 50, "increment"), 0);
        QTRY_VERIFY_WITH_TIMEOUT(window.metricsPanel()->sampleCount() >= 2, 10000);
        QTRY_VERIFY(window.metricsPanel()->latest().totalTurns >= 50);
        QVERIFY(window.metricsLabel()->text().contains("turns/s"));
        QVERIFY(!window.metricsPanel()->grab().isNull());
    }

    void layoutIsSavedAndRestored()
    {
        QTemporaryDir dir;
        auto engine = makeEngine(dir.path());
        Inspector inspector(engine.get());
        {
            MainWindow window(engine.get(), &inspector);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.findChild<QDockWidget *>("MetricsDock")->hide();
            window.close();
        }
        MainWindow again(engine.get(), &inspector);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(!again.findChild<QDockWidget *>("MetricsDock")->isVisible());
        QVERIFY(again.findChild<QDockWidget *>("AlarmsDock")->isVisible());
        again.findChild<QDockWidget *>("MetricsDock")->show();
        again.close();
    }
};

QTEST_MAIN(TestStudio)
#include "tst_studio.moc"
