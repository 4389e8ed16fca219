// SPDX-License-Identifier: MIT
// File > Reload Agent Packages and the watcher in the studio: a rebuilt package's code takes
// over between turns with every object's state kept; a broken build keeps the old code and the
// window says why; the action follows the session to the window of another data directory.
#include "packagereloader.h"
#include "studiosession.h"

#include <mainwindow.h>
#include <objectbrowser.h>
#include <objectinspector.h>

#include <durable/core/agentpackageloader.h>
#include <durable/core/engine.h>

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace Durable;
using namespace Durable::Studio;

namespace {

// A new file renamed over the old, as a linker leaves it.
bool installAs(const QString &source, const QString &target)
{
    const QString staging = target + QStringLiteral(".new");
    QFile::remove(staging);
    return QFile::copy(source, staging) &&
           std::rename(qPrintable(staging), qPrintable(target)) == 0;
}

QString greet(Engine *engine, const QString &name)
{
    auto stub = engine->stub(QStringLiteral("Greeter"), name);
    if (!stub)
        return stub.error().message();
    QFuture<QJsonValue> reply = stub->call(QStringLiteral("greet"));
    try {
        return reply.result().toString();
    } catch (const Error &error) {
        return error.message();
    }
}

QList<AgentPackageReport> reportsOf(const QSignalSpy &spy)
{
    return spy.constLast().constFirst().value<QList<AgentPackageReport>>();
}

} // namespace

class TestPackageReloader : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("recentDataDirectories"));
    }

    void reloadsFromTheMenuAndKeepsOldCodeOnABrokenBuild()
    {
        QTemporaryDir build;
        QTemporaryDir first;
        QTemporaryDir second;
        const QString library = build.filePath(QStringLiteral("libgreeter.so"));
        QVERIFY(installAs(QStringLiteral(DURABLE_TEST_GREETER_V1), library));
        AgentPackageLoader loader;
        QVERIFY(loader.loadFile(library).ok());
        StudioSession session(true, [&loader](Engine &engine) { loader.registerClasses(engine); });
        QVERIFY(session.open(first.path()).ok());
        PackageReloader reloader(loader, &session);
        reloader.setQuiet(true);
        QSignalSpy finished(&reloader, &PackageReloader::finished);

        QAction *reload = session.window()->reloadAgentPackagesAction();
        QVERIFY(reload->isEnabled());
        QVERIFY2(reload->toolTip().contains(QStringLiteral("libgreeter.so")),
                 qPrintable(reload->toolTip()));
        QCOMPARE(greet(session.engine(), QStringLiteral("ann")), QStringLiteral("hello v1 #1"));
        // The Overview names the file the class's code comes from.
        // (once the browser lists the object)
        QTRY_VERIFY(session.window()->browser()->selectObject(
            ObjectId::fromName(QStringLiteral("Greeter"), QStringLiteral("ann"))));
        const QLabel *classLabel = session.window()->objectInspector()->findChild<QLabel *>(
            QStringLiteral("classLabel"));
        QVERIFY(classLabel);
        QTRY_VERIFY2(classLabel->text().contains(QStringLiteral("code: libgreeter.so")),
                     qPrintable(classLabel->text()));
        QCOMPARE(classLabel->toolTip(), library);

        QVERIFY(installAs(QStringLiteral(DURABLE_TEST_GREETER_V2), library));
        reload->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20'000);
        QVERIFY2(reportsOf(finished).constFirst().ok(),
                 qPrintable(reportsOf(finished).constFirst().summary()));
        QVERIFY2(session.window()->statusBar()->currentMessage().startsWith(
                     QStringLiteral("Reloaded greeter (libgreeter.so): Greeter, reloaded 1")),
                 qPrintable(session.window()->statusBar()->currentMessage()));
        QCOMPARE(greet(session.engine(), QStringLiteral("ann")), QStringLiteral("hello v2 #2"));

        // A broken build: the old code runs on and the status bar says why.
        QVERIFY(installAs(QStringLiteral(DURABLE_TEST_BROKEN_PACKAGE), library));
        reload->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20'000);
        QVERIFY(!reportsOf(finished).constFirst().ok());
        QVERIFY2(session.window()->statusBar()->currentMessage().contains(
                     QStringLiteral("Kept the running code of package greeter")),
                 qPrintable(session.window()->statusBar()->currentMessage()));
        QCOMPARE(greet(session.engine(), QStringLiteral("ann")), QStringLiteral("hello v2 #3"));

        // Another data directory gets a new window: the action works there too, once.
        session.openDataDirectory(second.path());
        QCOMPARE(session.dataDir(), second.path());
        QVERIFY(installAs(QStringLiteral(DURABLE_TEST_GREETER_V1), library));
        session.window()->reloadAgentPackagesAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 20'000);
        QVERIFY(reportsOf(finished).constFirst().ok());
        QTest::qWait(100); // a second connection to the new window would answer twice
        QCOMPARE(finished.size(), 3);
        QCOMPARE(greet(session.engine(), QStringLiteral("ann")), QStringLiteral("hello v1 #1"));
    }

    void theWatcherReloadsARebuiltPackage()
    {
        QTemporaryDir build;
        QTemporaryDir data;
        const QString library = build.filePath(QStringLiteral("libgreeter.so"));
        QVERIFY(installAs(QStringLiteral(DURABLE_TEST_GREETER_V1), library));
        AgentPackageLoader loader;
        QVERIFY(loader.loadFile(library).ok());
        StudioSession session(true, [&loader](Engine &engine) { loader.registerClasses(engine); });
        QVERIFY(session.open(data.path()).ok());
        PackageReloader reloader(loader, &session);
        reloader.setQuiet(true);
        reloader.watcher().setSettleTime(100);
        reloader.watch();
        QCOMPARE(greet(session.engine(), QStringLiteral("bo")), QStringLiteral("hello v1 #1"));
        QSignalSpy reloaded(&reloader.watcher(), &AgentPackageWatcher::reloaded);
        QVERIFY(installAs(QStringLiteral(DURABLE_TEST_GREETER_V2), library));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 20'000);
        QTRY_VERIFY(session.window()->statusBar()->currentMessage().startsWith(
            QStringLiteral("Reloaded greeter")));
        QCOMPARE(greet(session.engine(), QStringLiteral("bo")), QStringLiteral("hello v2 #2"));
    }
};

QTEST_MAIN(TestPackageReloader)
#include "tst_packagereloader.moc"
