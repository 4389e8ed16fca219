// SPDX-License-Identifier: MIT
// File > Open Data Directory: the studio switches to another directory (a new engine and window
// with the same classes, the old engine shut down off the GUI thread), lists it in Open Recent,
// drops recent directories that are gone, and keeps the current directory when the new one cannot
// be opened (held by another engine, not writable).
#include "studiosession.h"

#include <mainwindow.h>
#include <modelmenu.h>
#include <objectbrowser.h>
#include <objectlistmodel.h>

#include <durable/core/clock.h>
#include <durable/core/engine.h>

#include <QAction>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <examples/examples.h>

using namespace Durable;
using namespace Durable::Studio;
using namespace Durable::Ui;

namespace {

QStringList recentMenuEntries(Ui::MainWindow *window)
{
    QStringList entries;
    for (QAction *action : window->recentMenu()->actions())
        entries.append(action->text());
    return entries;
}

bool listsObject(Ui::MainWindow *window, const QString &name)
{
    ObjectListModel *model = window->browser()->objectModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->summary(row).name == name)
            return true;
    }
    return false;
}

} // namespace

class TestOpenDataDir : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("recentDataDirectories"));
        QSettings().remove(QStringLiteral("modelChoice"));
    }

    // File > Model for Agents: the directory opens again with the chosen model, its objects
    // kept; the choice is remembered for the next start, and a refused one changes nothing.
    void switchesTheModelForAgents()
    {
        QTemporaryDir dir;
        StudioSession session(true,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        QVERIFY(session.open(dir.path()).ok());
        auto stub = session.engine()->stub(QStringLiteral("Counter"), QStringLiteral("kept"));
        stub->call(QStringLiteral("increment"), 4).waitForFinished();
        QVERIFY(session.engine()->options().modelFromEnvironment);
        ModelMenu *menu = session.window()->modelMenu();
        QVERIFY(menu->action(QString())->isChecked());

        QSignalSpy opened(&session, &StudioSession::opened);
        menu->action(QStringLiteral("scripted"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 20000);
        QCOMPARE(session.dataDir(), QDir(dir.path()).absolutePath());
        QVERIFY(!session.engine()->options().modelFromEnvironment);
        QVERIFY(session.window()->modelMenu()->action(QStringLiteral("scripted"))->isChecked());
        QCOMPARE(StudioSession::savedModel().kind(), ModelChoice::Kind::Scripted);
        QTRY_VERIFY_WITH_TIMEOUT(listsObject(session.window(), QStringLiteral("kept")), 10000);

        // A cassette that cannot be read is refused before anything closes.
        Ui::MainWindow *window = session.window();
        emit window->modelMenu()->chosen(QStringLiteral("cassette:/nonexistent/replies.json"));
        QCOMPARE(session.window(), window);
        QVERIFY(session.engine()->isRunning());
        QVERIFY(window->modelMenu()->action(QStringLiteral("scripted"))->isChecked());
        QVERIFY2(window->statusBar()->currentMessage().contains("nonexistent"),
                 qPrintable(window->statusBar()->currentMessage()));
        QCOMPARE(StudioSession::savedModel().kind(), ModelChoice::Kind::Scripted);
    }

    void switchesToAnotherDirectory()
    {
        QTemporaryDir first;
        QTemporaryDir second;
        // The second directory already holds an object: the new window must list it.
        {
            Engine engine(EngineOptions {.dataDir = second.path()});
            DurableExamples::registerDemoClasses(engine);
            QVERIFY(engine.start().ok());
            auto stub = engine.stub(QStringLiteral("Counter"), QStringLiteral("in-second"));
            QVERIFY(stub.ok());
            stub->call(QStringLiteral("increment"), 1).waitForFinished();
        }

        StudioSession session(true,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        // Each directory's engine suggests repair commands with that directory's packages.
        session.setRepairArguments([&second](const QString &dir) {
            return dir == second.path() ? QStringList {QStringLiteral("--demo")} : QStringList {};
        });
        // The model chosen with --model holds for every directory the session opens.
        session.setModel(ModelChoice::parse(QStringLiteral("scripted")).value());
        QVERIFY(session.open(first.path()).ok());
        QVERIFY(session.engine()->options().repairArguments.isEmpty());
        QVERIFY(!session.engine()->options().modelFromEnvironment);
        Ui::MainWindow *firstWindow = session.window();
        QVERIFY(QTest::qWaitForWindowExposed(firstWindow));
        QVERIFY(!session.engine()
                     ->clock()
                     ->isPaused()); // the same virtual clock mode for every directory
        QCOMPARE(StudioSession::recentDirectories(), QStringList {first.path()});
        QVERIFY(recentMenuEntries(firstWindow).isEmpty()); // the open directory is not offered

        QSignalSpy closed(&session, &StudioSession::previousClosed);
        QVERIFY(closed.isValid());
        QPointer<Ui::MainWindow> old(firstWindow);
        emit firstWindow->openDataDirectoryRequested(second.path()); // what the menu does
        QCOMPARE(session.dataDir(), second.path());
        QCOMPARE(session.engine()->options().repairArguments,
                 QStringList {QStringLiteral("--demo")});
        QVERIFY(!session.engine()->options().modelFromEnvironment);
        QVERIFY(session.window() != firstWindow);
        QVERIFY(session.engine()->isRunning());
        QVERIFY(session.engine()->clock()->isVirtual());
        QVERIFY(closed.wait(20000));
        QCOMPARE(closed.constFirst().at(0).toString(), first.path());
        QCOMPARE(session.closingCount(), 0);
        QTRY_VERIFY(old.isNull());

        QTRY_VERIFY_WITH_TIMEOUT(listsObject(session.window(), QStringLiteral("in-second")), 10000);
        QCOMPARE(StudioSession::recentDirectories(), (QStringList {second.path(), first.path()}));
        QCOMPARE(recentMenuEntries(session.window()),
                 QStringList {QDir::toNativeSeparators(first.path())});

        // And back through the recent list.
        session.window()->recentMenu()->actions().constFirst()->trigger();
        QCOMPARE(session.dataDir(), first.path());
        QCOMPARE(StudioSession::recentDirectories(), (QStringList {first.path(), second.path()}));
    }

    void keepsTheCurrentDirectoryWhenTheNewOneIsInUse()
    {
        QTemporaryDir first;
        QTemporaryDir busy;
        Engine other(EngineOptions {.dataDir = busy.path()}); // holds the directory's lock
        QVERIFY(other.start().ok());

        StudioSession session(false,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        QVERIFY(session.open(first.path()).ok());
        Ui::MainWindow *window = session.window();
        QSignalSpy failed(&session, &StudioSession::openFailed);
        QVERIFY(failed.isValid());
        session.openDataDirectory(busy.path());
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.constFirst().at(1).toString().contains(busy.path()),
                 qPrintable(failed.constFirst().at(1).toString()));
        QCOMPARE(session.window(), window);
        QCOMPARE(session.dataDir(), first.path());
        QVERIFY(session.engine()->isRunning());
        QCOMPARE(StudioSession::recentDirectories(), QStringList {first.path()});
    }

    void refusesADirectoryThatCannotBeCreated()
    {
        // A path below a regular file can be created by nobody, root included (file permissions
        // would not stop the root user these tests run as in CI).
        QTemporaryDir first;
        QTemporaryDir scratch;
        QFile blocker(scratch.filePath(QStringLiteral("a-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString impossible = blocker.fileName() + QStringLiteral("/data");
        StudioSession session(false,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        QVERIFY(session.open(first.path()).ok());
        Ui::MainWindow *window = session.window();
        const Result<void> opened = session.open(impossible);
        QVERIFY(!opened.ok());
        QVERIFY2(opened.error().message().contains(impossible),
                 qPrintable(opened.error().message()));
        QCOMPARE(session.window(), window);
        QCOMPARE(session.dataDir(), first.path());
        QVERIFY(session.engine()->isRunning());
    }

    void dropsRecentDirectoriesThatAreGone()
    {
        QTemporaryDir first;
        const QString gone = first.path() + QStringLiteral("-gone");
        QSettings().setValue(QStringLiteral("recentDataDirectories"), QStringList {gone});
        StudioSession session(false,
                              [](Engine &engine) { DurableExamples::registerDemoClasses(engine); });
        QVERIFY(session.open(first.path()).ok());
        QCOMPARE(StudioSession::recentDirectories(), QStringList {first.path()});
        QVERIFY(recentMenuEntries(session.window()).isEmpty());
        QVERIFY(!session.window()->recentMenu()->isEnabled());
        QVERIFY2(session.window()->statusBar()->currentMessage().contains(
                     QStringLiteral("no longer there")),
                 qPrintable(session.window()->statusBar()->currentMessage()));
    }
};

QTEST_MAIN(TestOpenDataDir)
#include "tst_opendatadir.moc"
