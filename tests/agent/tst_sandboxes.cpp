// SPDX-License-Identifier: MIT
// Sandboxes: an agent copied at one of its turns into a data directory of its own, run there on
// its own virtual clock with its calls to other objects held; the origin's files are left as
// they were, byte for byte.
#include "agenttestobjects.h"
#include "testutil.h"

#include <durable/core/agentdirectory.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/sandboxes.h>
#include <durable/core/virtualclock.h>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>

using namespace Durable;
using namespace DurableAgentTest;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

const QString CoordinatorClass = QStringLiteral("Coordinator");

std::unique_ptr<Engine> startEngine(EngineOptions options)
{
    options.workerThreads = 2;
    auto engine = std::make_unique<Engine>(options);
    registerAgentClasses(*engine);
    if (auto ok = engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    return engine;
}

// Every object file of a data directory (not the catalog, not the sandboxes) by its hash.
QHash<QString, QByteArray> objectFiles(const QString &dataDir)
{
    QHash<QString, QByteArray> files;
    QDirIterator it(dataDir + QStringLiteral("/objects"), {QStringLiteral("*.sqlite")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            files.insert(it.filePath(),
                         QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256));
    }
    return files;
}

template<typename T>
T valueOf(QFuture<T> future)
{
    const Result<T> result = awaitValue(std::move(future));
    if (!result)
        qFatal("%s", qPrintable(result.error().message()));
    return result.value();
}

} // namespace

class TestSandboxes : public QObject
{
    Q_OBJECT
private slots:
    void aSandboxRunsACopyInIsolation()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.dataDir = dir.path();
        auto clock = std::make_shared<VirtualClock>(
            QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC));
        options.clock = clock;
        auto origin = startEngine(options);
        const ObjectId c = ObjectId::fromName(CoordinatorClass, QStringLiteral("c"));
        QVERIFY(call(*origin, CoordinatorClass, "c", "start", QStringLiteral("ai")).ok());
        QTRY_VERIFY(call(*origin, CoordinatorClass, "c", "status")
                        .value()
                        .toObject()
                        .value("done")
                        .toBool());
        const qint64 turnOneMs = clock->nowMs();
        clock->advance(1h);
        // The origin's objects closed, so their files are complete without a WAL.
        for (const QString &name : {QStringLiteral("c")})
            QVERIFY(await(origin->evict(ObjectId::fromName(CoordinatorClass, name))).ok());
        for (const QString &name : {QStringLiteral("ai-history"), QStringLiteral("ai-market")})
            QVERIFY(await(origin->evict(ObjectId::fromName("Researcher", name))).ok());
        const QHash<QString, QByteArray> before = objectFiles(dir.path());
        QCOMPARE(before.size(), 3);

        // Forked at turn 1 ("start"): waiting for two replies that, in the sandbox, never come.
        const SandboxInfo info = valueOf(
            Sandboxes::create(origin.get(), CoordinatorClass, c, 1, QStringLiteral("what-if")));
        QCOMPARE(info.name, QStringLiteral("what-if"));
        QCOMPARE(info.objectName, QStringLiteral("c"));
        QCOMPARE(info.forkSeq, 1);
        QCOMPARE(info.startMs, turnOneMs);
        QCOMPARE(info.dataDir, QDir(dir.path()).absoluteFilePath("sandboxes/what-if"));
        QVERIFY(Sandboxes::isSandbox(info.dataDir));
        QVERIFY(!Sandboxes::isSandbox(dir.path()));
        const auto listed = Sandboxes::list(dir.path());
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), 1);
        QCOMPARE(listed->constFirst().label(), QStringLiteral("what-if: Coordinator/c at turn 1"));
        QCOMPARE(objectFiles(dir.path()), before); // the origin's files, byte for byte

        // Open it as any program would: its own clock at the turn's time, calls held.
        EngineOptions sandboxOptions;
        sandboxOptions.dataDir = info.dataDir;
        const auto prepared = Sandboxes::prepare(sandboxOptions);
        QVERIFY(prepared.ok() && prepared->has_value());
        QVERIFY(sandboxOptions.holdObjectCalls);
        QVERIFY(sandboxOptions.clock && sandboxOptions.clock->isVirtual());
        QCOMPARE(sandboxOptions.clock->nowMs(), turnOneMs);
        auto sandbox = startEngine(sandboxOptions);
        QJsonObject status = call(*sandbox, CoordinatorClass, "c", "status").value().toObject();
        QCOMPARE(status.value("topic").toString(), QStringLiteral("ai"));
        QCOMPARE(status.value("waiting").toInt(), 2);
        QVERIFY(!status.value("done").toBool());

        // A call made in the sandbox is held: pending, shown, never delivered.
        QVERIFY(call(*sandbox, CoordinatorClass, "c", "start", QStringLiteral("ml")).ok());
        QTest::qWait(200);
        const QList<OutgoingCallInfo> held = valueOf(
            AgentDirectory(sandbox.get()).pendingCalls(CoordinatorClass, c));
        QStringList targets;
        for (const OutgoingCallInfo &pending : held)
            targets.append(pending.name);
        QVERIFY2(targets.contains("ml-history") && targets.contains("ml-market"),
                 qPrintable(targets.join(", ")));
        Inspector sandboxInspector(sandbox.get());
        QCOMPARE(valueOf(sandboxInspector.objects({})).size(), 1); // no researcher started there
        Inspector originInspector(origin.get());
        QCOMPARE(valueOf(originInspector.objects({})).size(), 3);
        QCOMPARE(objectFiles(dir.path()), before);

        // Its clock is its own, and it is remembered.
        auto *sandboxClock = qobject_cast<VirtualClock *>(sandbox->clock());
        QVERIFY(sandboxClock);
        sandboxClock->advance(30min);
        QCOMPARE(clock->nowMs(), turnOneMs + 3'600'000);
        QVERIFY(Sandboxes::saveClock(info.dataDir, sandboxClock->nowMs()).ok());
        QCOMPARE(Sandboxes::read(info.dataDir)->clockMs, turnOneMs + 1'800'000);

        // Deleting: refused while open, then gone.
        const Result<void> busy = Sandboxes::remove(dir.path(), "what-if");
        QVERIFY(!busy.ok());
        QCOMPARE(busy.error().code(), ErrorCode::Conflict);
        sandbox->shutdown();
        QVERIFY(Sandboxes::remove(dir.path(), "what-if").ok());
        QVERIFY(!QFileInfo::exists(info.dataDir));
        QCOMPARE(Sandboxes::list(dir.path())->size(), 0);
        QCOMPARE(objectFiles(dir.path()), before);
    }

    void badRequestsLeaveNothingBehind()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.dataDir = dir.path();
        options.clock = std::make_shared<VirtualClock>();
        auto origin = startEngine(options);
        const ObjectId c = ObjectId::fromName(CoordinatorClass, QStringLiteral("c"));
        QVERIFY(call(*origin, CoordinatorClass, "c", "status").ok());

        auto refusal = [&](qint64 seq, const QString &name) {
            const auto made = awaitValue(
                Sandboxes::create(origin.get(), CoordinatorClass, c, seq, name));
            return made.ok() ? QStringLiteral("made") : made.error().message();
        };
        QVERIFY2(refusal(1, "../escape").contains("Invalid sandbox name"),
                 qPrintable(refusal(1, "../escape")));
        QVERIFY2(refusal(7, "late").contains("has no turn 7"), qPrintable(refusal(7, "late")));
        QVERIFY(!QFileInfo::exists(Sandboxes::directory(dir.path()) + "/late"));
        const auto unknown = awaitValue(
            Sandboxes::create(origin.get(), CoordinatorClass,
                              ObjectId::fromName(CoordinatorClass, "nobody"), 1, "x"));
        QVERIFY(!unknown.ok());
        QCOMPARE(refusal(1, "once"), QStringLiteral("made"));
        QVERIFY2(refusal(1, "once").contains("exists already"), qPrintable(refusal(1, "once")));
        const auto missing = Sandboxes::remove(dir.path(), "never-made");
        QCOMPARE(missing.error().code(), ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestSandboxes)
#include "tst_sandboxes.moc"
