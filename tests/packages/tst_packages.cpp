// SPDX-License-Identifier: MIT
// AgentPackageLoader: loading in-tree test packages, the SDK version check, libraries that are not
// packages, load failures, missing directories and class names taken twice.
#include "httptestclient.h"
#include "servedprocess.h"
#include "testutil.h"

#include <durable/core/agentpackageloader.h>
#include <durable/core/agentpackagewatcher.h>
#include <durable/core/durableobject.h>
#include <durable/core/engine.h>
#include <durable/core/sdkversion.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace Durable;

namespace {

const QString s_testPackage = QStringLiteral(DURABLE_TEST_PACKAGE);
const QString s_duplicatePackage = QStringLiteral(DURABLE_TEST_DUPLICATE_PACKAGE);
const QString s_oldSdkPackage = QStringLiteral(DURABLE_TEST_OLDSDK_PACKAGE);
const QString s_brokenPackage = QStringLiteral(DURABLE_TEST_BROKEN_PACKAGE);
const QString s_otherPlugin = QStringLiteral(DURABLE_TEST_OTHER_PLUGIN);
const QString s_notAPackage = QStringLiteral(DURABLE_TEST_NOT_A_PACKAGE);
const QString s_greeter[] = {QStringLiteral(DURABLE_TEST_GREETER_V1),
                             QStringLiteral(DURABLE_TEST_GREETER_V2),
                             QStringLiteral(DURABLE_TEST_GREETER_V3)};

// A class of the program itself, to collide with a package's.
class BuiltinCounter : public DurableObject
{ };

bool copyInto(const QTemporaryDir &dir, const QString &file)
{
    return QFile::copy(file, dir.filePath(QFileInfo(file).fileName()));
}

// Puts source at target the way a linker does: a new file renamed over the old one.
bool installAs(const QString &source, const QString &target)
{
    const QString staging = target + QStringLiteral(".new");
    QFile::remove(staging);
    return QFile::copy(source, staging) &&
           std::rename(qPrintable(staging), qPrintable(target)) == 0;
}

// Waits for a reload, running the event loop its continuations need.
AgentPackageReport awaitReload(QFuture<AgentPackageReport> future)
{
    QDeadlineTimer deadline(30'000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!future.isFinished()) {
        AgentPackageReport timedOut;
        timedOut.error = Error(ErrorCode::Internal, QStringLiteral("the reload did not finish"));
        return timedOut;
    }
    return future.result();
}

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs `durable test --agents <agents> <scenario>` to completion.
CliRun runDurableTest(const QString &agents, const QString &scenario)
{
    QProcess process;
    process.start(QStringLiteral(DURABLE_CLI_PATH),
                  {QStringLiteral("test"), QStringLiteral("--agents"), agents, scenario});
    CliRun run;
    if (!process.waitForFinished(120'000) || process.exitStatus() != QProcess::NormalExit)
        return run;
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

// A scenario that counts with the test package's PackagedCounter.
QString writeCounterScenario(const QTemporaryDir &dir)
{
    const QJsonObject increment {{QStringLiteral("do"), QStringLiteral("call")},
                                 {QStringLiteral("method"), QStringLiteral("increment")},
                                 {QStringLiteral("args"), QJsonObject {{QStringLiteral("by"), 5}}},
                                 {QStringLiteral("expect"), 5}};
    const QJsonObject scenario {
        {QStringLiteral("name"), QStringLiteral("packaged-counter")},
        {QStringLiteral("defaults"),
         QJsonObject {{QStringLiteral("class"), QStringLiteral("PackagedCounter")},
                      {QStringLiteral("name"), QStringLiteral("a")}}},
        {QStringLiteral("steps"), QJsonArray {increment}}};
    const QString path = dir.filePath(QStringLiteral("counter.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QJsonDocument(scenario).toJson());
    return path;
}

} // namespace

class TestPackages : public QObject
{
    Q_OBJECT

private slots:
    void sdkVersionComesFromTheProject();
    void isCompatible_data();
    void isCompatible();
    void loadsAPackageAndRunsItsClass();
    void refusesAPackageBuiltAgainstAnotherSdk();
    void refusesALibraryThatIsNotAQtPlugin();
    void refusesAQtPluginThatIsNotAPackage();
    void reportsALibraryThatCannotBeLoaded();
    void reportsAMissingDirectory();
    void reportsAMissingFile();
    void loadsEveryLibraryOfADirectory();
    void refusesAClassNameAnotherPackageProvides();
    void refusesAClassNameTheProgramRegistered();
    void loadsTheSameFileOnce();
    void reloadReplacesTheCodeAndKeepsState();
    void reloadOfABrokenLibraryKeepsTheOldCode();
    void reloadRefusesToDropAContinuationThatWorkWaitsOn();
    void reloadOfAFileNeverLoadedFails();
    void watcherReloadsARebuiltPackage();
    void serveReloadsARebuiltPackage();
    void serveReloadsOnRequest();
    void cliRunsAScenarioWithAPackage();
    void cliRefusesAnIncompatiblePackage();
    void cliReportsAMissingDirectory();
};

void TestPackages::sdkVersionComesFromTheProject()
{
    QCOMPARE(AgentPackageLoader::sdkVersion(), QStringLiteral(DURABLE_SDK_VERSION_STR));
    QCOMPARE(QStringLiteral(DURABLE_AGENT_PACKAGE_IID),
             QStringLiteral(DURABLE_AGENT_PACKAGE_IID_PREFIX) + AgentPackageLoader::sdkVersion());
    QVERIFY(AgentPackageLoader::isCompatible(AgentPackageLoader::sdkVersion()));
}

void TestPackages::isCompatible_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("compatible");
    const int major = DURABLE_SDK_VERSION_MAJOR;
    const int minor = DURABLE_SDK_VERSION_MINOR;
    QTest::newRow("same") << QStringLiteral("%1.%2").arg(major).arg(minor) << true;
    QTest::newRow("newer minor") << QStringLiteral("%1.%2").arg(major).arg(minor + 1) << false;
    QTest::newRow("next major") << QStringLiteral("%1.%2").arg(major + 1).arg(minor) << false;
    // Before 1.0 an older minor is refused too; from 1.0 it is accepted.
    if (minor > 0)
        QTest::newRow("older minor")
            << QStringLiteral("%1.%2").arg(major).arg(minor - 1) << (major > 0);
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("one number") << QString::number(major) << false;
    QTest::newRow("three numbers") << QStringLiteral("%1.%2.0").arg(major).arg(minor) << false;
    QTest::newRow("not a number") << QStringLiteral("zero.one") << false;
    QTest::newRow("negative") << QStringLiteral("%1.-1").arg(major) << false;
}

void TestPackages::isCompatible()
{
    QFETCH(QString, version);
    QFETCH(bool, compatible);
    QCOMPARE(AgentPackageLoader::isCompatible(version), compatible);
}

void TestPackages::loadsAPackageAndRunsItsClass()
{
    AgentPackageLoader loader;
    const AgentPackageReport report = loader.loadFile(s_testPackage);
    QVERIFY2(report.ok(), qPrintable(report.summary()));
    QCOMPARE(report.name, QStringLiteral("test"));
    QCOMPARE(report.description, QStringLiteral("A counter, to test the package loader"));
    QCOMPARE(report.sdkVersion, AgentPackageLoader::sdkVersion());
    QCOMPARE(report.classes, QStringList {QStringLiteral("PackagedCounter")});
    QCOMPARE(report.file, QFileInfo(s_testPackage).absoluteFilePath());
    QCOMPARE(loader.packages().size(), 1);

    QTemporaryDir data;
    QVERIFY(data.isValid());
    EngineOptions options;
    options.dataDir = data.path();
    options.workerThreads = 1;
    Engine engine(options);
    const QList<AgentPackageReport> registered = loader.registerClasses(engine);
    QCOMPARE(registered.size(), 1);
    QVERIFY2(registered.first().ok(), qPrintable(registered.first().summary()));
    QCOMPARE(registered.first().classes, QStringList {QStringLiteral("PackagedCounter")});
    QVERIFY(engine.classNames().contains(QStringLiteral("PackagedCounter")));
    const Result<void> started = engine.start();
    QVERIFY2(started.ok(), qPrintable(started.error().message()));

    // The object runs code from the package on an engine worker.
    const QString counter = QStringLiteral("PackagedCounter");
    const auto first = DurableTest::call(engine, counter, QStringLiteral("a"),
                                         QStringLiteral("increment"),
                                         QJsonObject {{QStringLiteral("by"), 2}});
    QVERIFY2(first.ok(), qPrintable(first.error().message()));
    QCOMPARE(first.value().toInt(), 2);
    const auto second = DurableTest::call(engine, counter, QStringLiteral("a"),
                                          QStringLiteral("increment"));
    QVERIFY2(second.ok(), qPrintable(second.error().message()));
    QCOMPARE(second.value().toInt(), 3);
    const auto unknown = DurableTest::call(engine, counter, QStringLiteral("a"),
                                           QStringLiteral("nope"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code(), ErrorCode::UnknownMethod);
    engine.shutdown();
}

// The greeter's v1 as a user's build leaves it, in an engine that runs.
struct ReloadFixture
{
    QTemporaryDir build;
    QTemporaryDir data;
    QString library;
    AgentPackageLoader loader;
    std::unique_ptr<Engine> engine;

    bool start()
    {
        library = build.filePath(QStringLiteral("libgreeter.so"));
        if (!installAs(s_greeter[0], library) || !loader.loadFile(library).ok())
            return false;
        EngineOptions options;
        options.dataDir = data.path();
        options.workerThreads = 2;
        engine = std::make_unique<Engine>(options);
        return loader.registerClasses(*engine).constFirst().ok() && engine->start().ok();
    }
    QString greet(const QString &name)
    {
        const auto reply = DurableTest::call(*engine, QStringLiteral("Greeter"), name,
                                             QStringLiteral("greet"));
        return reply.ok() ? reply.value().toString() : reply.error().message();
    }
    // Asks the agent's model; the answer arrives in a later turn.
    QString ask(const QString &name, const QString &question)
    {
        const QString greeter = QStringLiteral("Greeter");
        if (!DurableTest::call(*engine, greeter, name, QStringLiteral("ask"), question).ok())
            return QStringLiteral("the question was refused");
        QDeadlineTimer deadline(20'000);
        while (!deadline.hasExpired()) {
            const QString answer = DurableTest::call(*engine, greeter, name,
                                                     QStringLiteral("answer"))
                                       .value()
                                       .toString();
            if (answer.endsWith(question))
                return answer;
            QThread::msleep(10);
        }
        return QStringLiteral("no answer");
    }
};

void TestPackages::reloadReplacesTheCodeAndKeepsState()
{
    QTemporaryDir tmp;
    const QByteArray oldTmp = qgetenv("TMPDIR");
    qputenv("TMPDIR", QFile::encodeName(tmp.path()));
    const auto restore = qScopeGuard([&oldTmp] {
        if (oldTmp.isNull())
            qunsetenv("TMPDIR");
        else
            qputenv("TMPDIR", oldTmp);
    });
    ReloadFixture fixture;
    QVERIFY(fixture.start());
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #1"));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #2"));
    QCOMPARE(fixture.greet("bob"), QStringLiteral("hello v1 #1"));
    QCOMPARE(fixture.ask("bob", "why"), QStringLiteral("v1 answers why"));

    // Rebuilt: the same path now holds version 2. No restart.
    QVERIFY(installAs(s_greeter[1], fixture.library));
    const AgentPackageReport report = awaitReload(fixture.loader.reload(fixture.library));
    QVERIFY2(report.ok(), qPrintable(report.summary()));
    QCOMPARE(report.reloads, 1);
    QCOMPARE(report.description, QStringLiteral("Greets, version 2"));
    QVERIFY2(report.summary().contains(QStringLiteral("reloaded 1")), qPrintable(report.summary()));
    // The new code runs on every object's stored state.
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v2 #3"));
    QCOMPARE(fixture.greet("bob"), QStringLiteral("hello v2 #2"));
    QCOMPARE(fixture.greet("cy"), QStringLiteral("hello v2 #1"));
    // The new version's scripted model answers, not a model cached for the old one.
    QCOMPARE(fixture.ask("bob", "now"), QStringLiteral("v2 answers now"));
    QCOMPARE(fixture.loader.packages().constFirst().description,
             QStringLiteral("Greets, version 2"));
    // No copy of the library is left behind: the copies of this loader (made in this test's
    // own TMPDIR, so another test reloading at the same moment cannot show up here).
    const QStringList left =
        QDir(QDir::tempPath()).entryList({QStringLiteral("durable-reload-*")}, QDir::Dirs);
    QCOMPARE(left.size(), 1);
    QVERIFY2(QDir(QDir::temp().filePath(left.constFirst())).isEmpty(QDir::Files),
             qPrintable(left.constFirst()));
    fixture.engine->shutdown();
}

void TestPackages::reloadOfABrokenLibraryKeepsTheOldCode()
{
    ReloadFixture fixture;
    QVERIFY(fixture.start());
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #1"));
    // A package whose metadata is fine but whose code cannot load (an undefined symbol).
    QVERIFY(installAs(s_brokenPackage, fixture.library));
    AgentPackageReport report = awaitReload(fixture.loader.reload(fixture.library));
    QVERIFY(!report.ok());
    QVERIFY2(report.summary().contains(QStringLiteral("Kept the running code of package greeter")),
             qPrintable(report.summary()));
    QVERIFY2(report.summary().contains(QStringLiteral("durable_test_missing_symbol")),
             qPrintable(report.summary()));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #2"));
    // Not a library at all.
    QVERIFY(installAs(s_notAPackage, fixture.library));
    report = awaitReload(fixture.loader.reload(fixture.library));
    QVERIFY(!report.ok());
    QVERIFY2(report.summary().contains(QStringLiteral("not a Qt plugin")),
             qPrintable(report.summary()));
    // Another package's file at this path: it does not provide Greeter.
    QVERIFY(installAs(s_testPackage, fixture.library));
    report = awaitReload(fixture.loader.reload(fixture.library));
    QVERIFY(!report.ok());
    QVERIFY2(report.summary().contains(QStringLiteral("no longer provides class Greeter")),
             qPrintable(report.summary()));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #3"));
    // Fixed: the next reload takes.
    QVERIFY(installAs(s_greeter[1], fixture.library));
    report = awaitReload(fixture.loader.reload(fixture.library));
    QVERIFY2(report.ok(), qPrintable(report.summary()));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v2 #4"));
    fixture.engine->shutdown();
}

void TestPackages::reloadRefusesToDropAContinuationThatWorkWaitsOn()
{
    ReloadFixture fixture;
    QVERIFY(fixture.start());
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #1"));
    QCOMPARE(fixture.greet("bob"), QStringLiteral("hello v1 #1"));
    const auto scheduled = DurableTest::call(*fixture.engine, QStringLiteral("Greeter"),
                                             QStringLiteral("ann"), QStringLiteral("remindLater"));
    QVERIFY2(scheduled.ok(), qPrintable(scheduled.error().message()));

    // Version 3 drops onReminder, which ann's schedule will run.
    QVERIFY(installAs(s_greeter[2], fixture.library));
    const AgentPackageReport report = awaitReload(fixture.loader.reload(fixture.library));
    QVERIFY(!report.ok());
    QCOMPARE(report.error->code(), ErrorCode::Conflict);
    QVERIFY2(report.summary().contains(QStringLiteral("onReminder (waited on by Greeter/ann)")),
             qPrintable(report.summary()));
    QVERIFY2(!report.summary().contains(QStringLiteral("Greeter/bob")),
             qPrintable(report.summary()));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #2"));
    QCOMPARE(fixture.loader.packages().constFirst().reloads, 0);
    fixture.engine->shutdown();
}

void TestPackages::reloadOfAFileNeverLoadedFails()
{
    AgentPackageLoader loader;
    const AgentPackageReport report = awaitReload(loader.reload(s_testPackage));
    QVERIFY(!report.ok());
    QCOMPARE(report.error->code(), ErrorCode::NotFound);
    QVERIFY2(report.summary().contains(QStringLiteral("was not loaded")),
             qPrintable(report.summary()));
}

void TestPackages::watcherReloadsARebuiltPackage()
{
    ReloadFixture fixture;
    QVERIFY(fixture.start());
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #1"));
    AgentPackageWatcher watcher(fixture.loader);
    watcher.setSettleTime(100);
    watcher.start();
    QSignalSpy reloaded(&watcher, &AgentPackageWatcher::reloaded);

    // Deleted, then written anew (as `make clean all` would): one reload, once it is quiet.
    QFile::remove(fixture.library);
    QVERIFY(QFile::copy(s_greeter[1], fixture.library));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 20'000);
    auto report = reloaded.takeFirst().constFirst().value<AgentPackageReport>();
    QVERIFY2(report.ok(), qPrintable(report.summary()));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v2 #2"));

    // A broken build is reported; the old code runs on. Then a good one replaces it by rename.
    QVERIFY(installAs(s_brokenPackage, fixture.library));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 20'000);
    report = reloaded.takeFirst().constFirst().value<AgentPackageReport>();
    QVERIFY(!report.ok());
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v2 #3"));
    QVERIFY(installAs(s_greeter[0], fixture.library));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 20'000);
    report = reloaded.takeFirst().constFirst().value<AgentPackageReport>();
    QVERIFY2(report.ok(), qPrintable(report.summary()));
    QCOMPARE(fixture.greet("ann"), QStringLiteral("hello v1 #4"));
    fixture.engine->shutdown();
}

// `durable serve` on a fresh data directory with the package built at library.
struct ServedReload
{
    QTemporaryDir build;
    QTemporaryDir data;
    QString library = build.filePath(QStringLiteral("libgreeter.so"));
    std::unique_ptr<DurableCliTest::ServedProcess> served;
    std::unique_ptr<DurableCliTest::HttpTestClient> client;

    bool start(const QStringList &extra = {})
    {
        if (!installAs(s_greeter[0], library))
            return false;
        served = std::make_unique<DurableCliTest::ServedProcess>(
            QStringLiteral(DURABLE_CLI_PATH),
            QStringList {QStringLiteral("serve"), QStringLiteral("--agents"), build.path(),
                         QStringLiteral("--data"), data.path(), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0")} +
                extra);
        const quint16 port = served->start();
        client = std::make_unique<DurableCliTest::HttpTestClient>(port);
        return port != 0;
    }
    QString greet(const QByteArray &name)
    {
        const auto response = client->post("/objects/Greeter/" + name + "/greet", "{}");
        return response.status == 200 ? response.json().value(QStringLiteral("result")).toString()
                                      : QString::fromUtf8(response.body);
    }
    int reloads()
    {
        const QJsonArray packages = client->get("/agents").json().value("packages").toArray();
        return packages.isEmpty() ? -1 : packages.first().toObject().value("reloads").toInt();
    }
};

void TestPackages::serveReloadsARebuiltPackage()
{
    ServedReload serve;
    QVERIFY(serve.start());
    QCOMPARE(serve.greet("ann"), QStringLiteral("hello v1 #1"));
    QCOMPARE(serve.reloads(), 0);
    QVERIFY(installAs(s_greeter[1], serve.library));
    QTRY_COMPARE_WITH_TIMEOUT(serve.reloads(), 1, 20'000);
    QCOMPARE(serve.greet("ann"), QStringLiteral("hello v2 #2"));
    QCOMPARE(serve.served->terminate(), 0);
    QVERIFY2(serve.served->standardError().contains(
                 QStringLiteral("reloaded agent package greeter (libgreeter.so): Greeter")),
             qPrintable(serve.served->standardError()));
}

void TestPackages::serveReloadsOnRequest()
{
    ServedReload serve;
    QVERIFY(serve.start({QStringLiteral("--no-reload")}));
    QCOMPARE(serve.greet("ann"), QStringLiteral("hello v1 #1"));
    QVERIFY(installAs(s_greeter[1], serve.library));
    QTest::qWait(1500); // three times the watcher's settle time: nothing may happen
    QCOMPARE(serve.reloads(), 0);
    QCOMPARE(serve.greet("ann"), QStringLiteral("hello v1 #2"));

    auto response = serve.client->post("/agents/reload", "");
    QCOMPARE(response.status, 200);
    QJsonObject package = response.json().value("packages").toArray().first().toObject();
    QCOMPARE(package.value("reloads").toInt(), 1);
    QCOMPARE(package.value("classes").toArray().first().toString(), QStringLiteral("Greeter"));
    QCOMPARE(serve.greet("ann"), QStringLiteral("hello v2 #3"));

    QVERIFY(installAs(s_brokenPackage, serve.library));
    response = serve.client->post("/agents/reload", "");
    QCOMPARE(response.status, 409);
    QVERIFY2(response.errorMessage().contains(QStringLiteral("Kept the running code")),
             qPrintable(response.errorMessage()));
    package = response.json().value("packages").toArray().first().toObject();
    QVERIFY(package.contains("error"));
    QCOMPARE(serve.greet("ann"), QStringLiteral("hello v2 #4"));
    QCOMPARE(serve.served->terminate(), 0);
}

void TestPackages::refusesAPackageBuiltAgainstAnotherSdk()
{
    AgentPackageLoader loader;
    const AgentPackageReport report = loader.loadFile(s_oldSdkPackage);
    QVERIFY(!report.ok());
    QCOMPARE(report.sdkVersion, QStringLiteral("0.0"));
    QCOMPARE(report.error->code(), ErrorCode::InvalidArgument);
    const QString expected =
        QStringLiteral("%1 was built against Durable SDK 0.0 but this program provides SDK %2; "
                       "rebuild it against %2")
            .arg(QFileInfo(s_oldSdkPackage).absoluteFilePath(), AgentPackageLoader::sdkVersion());
    QCOMPARE(report.error->message(), expected);
    QCOMPARE(report.summary(), expected);
    QVERIFY(report.classes.isEmpty()); // its code never ran
    QVERIFY(loader.isEmpty());
}

void TestPackages::refusesALibraryThatIsNotAQtPlugin()
{
    AgentPackageLoader loader;
    const AgentPackageReport report = loader.loadFile(s_notAPackage);
    QVERIFY(!report.ok());
    QVERIFY2(report.error->message().startsWith(
                 QFileInfo(s_notAPackage).absoluteFilePath() +
                 QStringLiteral(" is not a Durable agent package: it is not a Qt plugin")),
             qPrintable(report.error->message()));
    QVERIFY(loader.isEmpty());
}

void TestPackages::refusesAQtPluginThatIsNotAPackage()
{
    AgentPackageLoader loader;
    const AgentPackageReport report = loader.loadFile(s_otherPlugin);
    QVERIFY(!report.ok());
    QCOMPARE(
        report.error->message(),
        QStringLiteral(
            "%1 is a Qt plugin but not a Durable agent package: its IID is "
            "\"org.example.SomethingElse/1.0\", not \"org.durablestudio.AgentPackage/<version>\"")
            .arg(QFileInfo(s_otherPlugin).absoluteFilePath()));
    QVERIFY(loader.isEmpty());
}

void TestPackages::reportsALibraryThatCannotBeLoaded()
{
    AgentPackageLoader loader;
    const AgentPackageReport report = loader.loadFile(s_brokenPackage);
    QVERIFY(!report.ok());
    QCOMPARE(report.error->code(), ErrorCode::Io);
    const QString message = report.error->message();
    QVERIFY2(message.startsWith(QStringLiteral("Could not load agent package %1: ")
                                    .arg(QFileInfo(s_brokenPackage).absoluteFilePath())),
             qPrintable(message));
    // The loader's own reason (from dlopen) names what is missing.
    QVERIFY2(message.contains(QStringLiteral("durable_test_missing_symbol")), qPrintable(message));
    QVERIFY(loader.isEmpty());
}

void TestPackages::reportsAMissingDirectory()
{
    QTemporaryDir parent;
    QVERIFY(parent.isValid());
    const QString missing = parent.filePath(QStringLiteral("no-such-dir"));
    AgentPackageLoader loader;
    const QList<AgentPackageReport> reports = loader.load(missing);
    QCOMPARE(reports.size(), 1);
    QVERIFY(!reports.first().ok());
    QCOMPARE(reports.first().error->code(), ErrorCode::NotFound);
    QCOMPARE(reports.first().error->message(),
             QStringLiteral("Agent package directory %1 does not exist").arg(missing));
    QCOMPARE(reports.first().file, missing);
}

void TestPackages::reportsAMissingFile()
{
    QTemporaryDir parent;
    QVERIFY(parent.isValid());
    const QString missing = parent.filePath(QStringLiteral("libgone.so"));
    AgentPackageLoader loader;
    const AgentPackageReport report = loader.loadFile(missing);
    QVERIFY(!report.ok());
    QCOMPARE(report.error->code(), ErrorCode::NotFound);
    QCOMPARE(report.error->message(),
             QStringLiteral("Agent package %1 does not exist").arg(missing));
}

void TestPackages::loadsEveryLibraryOfADirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(copyInto(dir, s_testPackage));
    QVERIFY(copyInto(dir, s_notAPackage));
    QVERIFY(copyInto(dir, s_oldSdkPackage));
    QFile readme(dir.filePath(QStringLiteral("README.txt")));
    QVERIFY(readme.open(QIODevice::WriteOnly));
    readme.write("Not a library: skipped.\n");
    readme.close();

    AgentPackageLoader loader;
    const QList<AgentPackageReport> reports = loader.load(dir.path());
    QCOMPARE(reports.size(), 3); // one per library, by file name; the README is not one
    QStringList files;
    int loaded = 0;
    for (const AgentPackageReport &report : reports) {
        files.append(QFileInfo(report.file).fileName());
        if (report.ok()) {
            ++loaded;
            QCOMPARE(report.name, QStringLiteral("test"));
            QCOMPARE(QFileInfo(report.file).absolutePath(),
                     QFileInfo(dir.path()).absoluteFilePath());
        } else {
            QVERIFY(report.error->message().startsWith(report.file));
        }
    }
    QCOMPARE(loaded, 1);
    QStringList expected {QFileInfo(s_testPackage).fileName(), QFileInfo(s_notAPackage).fileName(),
                          QFileInfo(s_oldSdkPackage).fileName()};
    expected.sort();
    QCOMPARE(files, expected);
    QCOMPARE(loader.packages().size(), 1);
}

void TestPackages::refusesAClassNameAnotherPackageProvides()
{
    AgentPackageLoader loader;
    QVERIFY(loader.loadFile(s_testPackage).ok());
    const AgentPackageReport report = loader.loadFile(s_duplicatePackage);
    QVERIFY(!report.ok());
    QCOMPARE(report.error->code(), ErrorCode::Conflict);
    QCOMPARE(
        report.error->message(),
        QStringLiteral(
            "Class PackagedCounter of package duplicate (%1) is already provided by package test "
            "(%2); rename one of them")
            .arg(QFileInfo(s_duplicatePackage).absoluteFilePath(),
                 QFileInfo(s_testPackage).absoluteFilePath()));
    QCOMPARE(loader.packages().size(), 1);

    // Refused as a whole: its other class is not registered either.
    QTemporaryDir data;
    QVERIFY(data.isValid());
    EngineOptions options;
    options.dataDir = data.path();
    Engine engine(options);
    const QList<AgentPackageReport> registered = loader.registerClasses(engine);
    QCOMPARE(registered.size(), 1);
    QVERIFY(registered.first().ok());
    QVERIFY(engine.classNames().contains(QStringLiteral("PackagedCounter")));
    QVERIFY(!engine.classNames().contains(QStringLiteral("PackagedEcho")));
}

void TestPackages::refusesAClassNameTheProgramRegistered()
{
    AgentPackageLoader loader;
    QVERIFY(loader.loadFile(s_testPackage).ok());
    QTemporaryDir data;
    QVERIFY(data.isValid());
    EngineOptions options;
    options.dataDir = data.path();
    Engine engine(options);
    QVERIFY(engine.registerClass<BuiltinCounter>(QStringLiteral("PackagedCounter")).ok());
    const QList<AgentPackageReport> registered = loader.registerClasses(engine);
    QCOMPARE(registered.size(), 1);
    QVERIFY(!registered.first().ok());
    QCOMPARE(registered.first().error->code(), ErrorCode::Conflict);
    QVERIFY2(registered.first().error->message().startsWith(
                 QStringLiteral("Class PackagedCounter of package test (%1) is already registered")
                     .arg(QFileInfo(s_testPackage).absoluteFilePath())),
             qPrintable(registered.first().error->message()));
    QVERIFY(registered.first().classes.isEmpty());
}

void TestPackages::loadsTheSameFileOnce()
{
    AgentPackageLoader loader;
    QVERIFY(loader.loadFile(s_testPackage).ok());
    // Given twice (e.g. --agents DIR twice): the same package, not a clash with itself.
    const QList<AgentPackageReport> again = loader.load(s_testPackage);
    QCOMPARE(again.size(), 1);
    QVERIFY2(again.first().ok(), qPrintable(again.first().summary()));
    QCOMPARE(loader.packages().size(), 1);
}

void TestPackages::cliRunsAScenarioWithAPackage()
{
    QTemporaryDir agents;
    QTemporaryDir scenarios;
    QVERIFY(agents.isValid() && scenarios.isValid());
    QVERIFY(copyInto(agents, s_testPackage));
    const QString scenario = writeCounterScenario(scenarios);
    QVERIFY(!scenario.isEmpty());
    const CliRun run = runDurableTest(agents.path(), scenario);
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    QVERIFY2(run.err.contains(QStringLiteral("loaded agent package test (")), qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("1 of 1 scenarios passed")), qPrintable(run.out));
}

void TestPackages::cliRefusesAnIncompatiblePackage()
{
    QTemporaryDir agents;
    QTemporaryDir scenarios;
    QVERIFY(agents.isValid() && scenarios.isValid());
    QVERIFY(copyInto(agents, s_testPackage));
    QVERIFY(copyInto(agents, s_oldSdkPackage));
    const QString scenario = writeCounterScenario(scenarios);
    const CliRun run = runDurableTest(agents.path(), scenario);
    QCOMPARE(run.exitCode, 3); // an engine or data error: no scenario ran
    QVERIFY2(
        run.err.contains(
            QStringLiteral("was built against Durable SDK 0.0 but this program provides SDK %1")
                .arg(AgentPackageLoader::sdkVersion())),
        qPrintable(run.err));
    QVERIFY2(!run.out.contains(QStringLiteral("scenarios passed")), qPrintable(run.out));
}

void TestPackages::cliReportsAMissingDirectory()
{
    QTemporaryDir scenarios;
    QVERIFY(scenarios.isValid());
    const QString missing = scenarios.filePath(QStringLiteral("no-agents-here"));
    const CliRun run = runDurableTest(missing, writeCounterScenario(scenarios));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(
        run.err.contains(QStringLiteral("Agent package directory %1 does not exist").arg(missing)),
        qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestPackages)
#include "tst_packages.moc"
