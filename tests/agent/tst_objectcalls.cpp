// SPDX-License-Identifier: MIT
// Durable calls between objects: Agent::callObject / sendTo, replies as continuations,
// idempotent redelivery after a restart, and the refusal to wait inside a turn.

#include "agenttestobjects.h"
#include "testutil.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <durable/core/agentdirectory.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <thread>

using namespace Durable;
using namespace DurableAgentTest;
using namespace DurableTest;

namespace {

std::unique_ptr<Engine> startEngine(const QString &dir, int workers = 2)
{
    EngineOptions options;
    options.dataDir = dir;
    options.workerThreads = workers;
    options.clock = std::make_shared<VirtualClock>(
        QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC));
    auto engine = std::make_unique<Engine>(options);
    registerAgentClasses(*engine);
    if (auto ok = engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    return engine;
}

QJsonObject coordinator(Engine &engine, const QString &name)
{
    return call(engine, QStringLiteral("Coordinator"), name, QStringLiteral("status"))
        .value()
        .toObject();
}

// The worker an object is pinned to (EngineCore::workerFor): a test that holds a callee inside
// its turn holds that worker, so it reads the caller only if the caller lives elsewhere.
int workerOf(const QString &className, const QString &name, int workers)
{
    const QByteArray bytes = ObjectId::fromName(className, name).bytes();
    quint32 h = 0;
    for (int i = 0; i < 4; ++i)
        h = (h << 8) | quint8(bytes.at(i));
    return int(h % quint32(workers));
}

int applied(Engine &engine, const QString &name)
{
    return call(engine, QStringLiteral("Researcher"), name, QStringLiteral("applied"))
        .value()
        .toInt();
}

// The first of prefix0, prefix1, ... that lives on worker (of workers).
QString nameOn(const QString &className, const QString &prefix, int worker, int workers,
               const QString &suffix = {})
{
    for (int i = 0;; ++i) {
        const QString name = prefix + QString::number(i);
        if (workerOf(className, name + suffix, workers) == worker)
            return name;
    }
}

// A topic whose two researchers both live on worker.
QString topicOn(int worker, int workers)
{
    for (int i = 0;; ++i) {
        const QString topic = QStringLiteral("topic%1").arg(i);
        if (workerOf("Researcher", topic + "-history", workers) == worker &&
            workerOf("Researcher", topic + "-market", workers) == worker)
            return topic;
    }
}

} // namespace

class TestObjectCalls : public QObject
{
    Q_OBJECT

private slots:
    void cleanup()
    {
        Researcher::hold.storeRelease(0);
        Researcher::holdTopic.clear();
        Researcher::entered.acquire(Researcher::entered.available());
        Researcher::leave.acquire(Researcher::leave.available());
        Probe::blocked.acquire(Probe::blocked.available());
        Probe::unblock.acquire(Probe::unblock.available());
    }

    void fanOutAndContinueWhenBothReplied()
    {
        QTemporaryDir dir;
        auto engine = startEngine(dir.path());
        const auto ids = call(*engine, "Coordinator", "c", "start", "durable objects");
        QVERIFY2(ids.ok(), qPrintable(ids.error().message()));
        QCOMPARE(ids.value().toArray().size(), 2);
        QTRY_VERIFY(coordinator(*engine, "c").value("done").toBool());
        const QJsonObject state = coordinator(*engine, "c");
        QCOMPARE(state.value("continued").toInt(), 2);
        QCOMPARE(state.value("parts").toObject().value("history").toString(),
                 QStringLiteral("findings on durable objects (history)"));
        QCOMPARE(state.value("parts").toObject().value("market").toString(),
                 QStringLiteral("findings on durable objects (market)"));
        QCOMPARE(applied(*engine, "durable objects-history"), 1);
        QCOMPARE(applied(*engine, "durable objects-market"), 1);
        QVERIFY(call(*engine, "Coordinator", "c", "pending").value().toArray().isEmpty());

        // The journal shows the calls in the turn that made them and each reply as its own turn.
        Inspector inspector(engine.get());
        JournalQuery query;
        const QList<JournalEntry> entries =
            awaitValue(
                inspector.journal("Coordinator", ObjectId::fromName("Coordinator", "c"), query))
                .value();
        QStringList triggers;
        for (const JournalEntry &entry : entries)
            triggers.append(entry.trigger);
        QCOMPARE(triggers.count("call-reply"), 2);
        const auto start = std::find_if(
            entries.cbegin(), entries.cend(),
            [](const JournalEntry &e) { return e.method == QStringLiteral("start"); });
        QVERIFY(start != entries.cend());
        QCOMPARE(start->messages.toArray().size(), 2);
        // The unanswered calls are part of the agent's history: two after "start", none at the end.
        const auto callsAt = [&](qint64 seq) {
            const QList<KeyValue> state =
                awaitValue(
                    inspector.stateAt("Coordinator", ObjectId::fromName("Coordinator", "c"), seq))
                    .value();
            for (const KeyValue &kv : state) {
                if (kv.key == QStringLiteral("_durable_agent_calls"))
                    return kv.value.toArray().size();
            }
            return qsizetype(0);
        };
        QCOMPARE(callsAt(start->seq), 2);
        qint64 latest = 0;
        for (const JournalEntry &entry : entries)
            latest = std::max(latest, entry.seq);
        QCOMPARE(callsAt(latest), 0);
    }

    void pendingCallsAreListedUntilAnswered()
    {
        QTemporaryDir dir;
        constexpr int Workers = 4;
        auto engine = startEngine(dir.path(), Workers);
        QString name;
        for (int i = 0; name.isEmpty(); ++i) {
            const QString candidate = QStringLiteral("p%1").arg(i);
            const int worker = workerOf("Coordinator", candidate, Workers);
            if (worker != workerOf("Researcher", "held-history", Workers) &&
                worker != workerOf("Researcher", "held-market", Workers))
                name = candidate;
        }
        const ObjectId id = ObjectId::fromName("Coordinator", name);
        Researcher::hold.storeRelease(1);
        QVERIFY(call(*engine, "Coordinator", name, "start", "held").ok());
        QVERIFY(Researcher::entered.tryAcquire(2, 10000));
        QFuture<QList<OutgoingCallInfo>> listing =
            AgentDirectory(engine.get()).pendingCalls("Coordinator", id);
        QTRY_VERIFY(listing.isFinished()); // fails, rather than hangs, if it shared a worker
        const QList<OutgoingCallInfo> pending = awaitValue(listing).value();
        QCOMPARE(pending.size(), 2);
        QCOMPARE(pending.at(0).className, QStringLiteral("Researcher"));
        QCOMPARE(pending.at(0).method, QStringLiteral("research"));
        QCOMPARE(pending.at(0).continuation, QStringLiteral("onPart"));
        QVERIFY(pending.at(0).id != pending.at(1).id);
        Researcher::leave.release(2);
        QTRY_VERIFY(coordinator(*engine, name).value("done").toBool());
        QVERIFY(awaitValue(AgentDirectory(engine.get()).pendingCalls("Coordinator", id))
                    .value()
                    .isEmpty());
    }

    void calleeErrorsComeBackAsReplies()
    {
        QTemporaryDir dir;
        auto engine = startEngine(dir.path());
        QVERIFY(call(*engine, "Coordinator", "u", "callUnknown").ok());
        QTRY_VERIFY(coordinator(*engine, "u").value("done").toBool());
        const QString part =
            coordinator(*engine, "u").value("parts").toObject().value("nobody").toString();
        QVERIFY2(part.startsWith("error: Unknown class \"Nobody\""), qPrintable(part));
    }

    void sendToDeliversOnce()
    {
        QTemporaryDir dir;
        auto engine = startEngine(dir.path());
        QVERIFY(call(*engine, "Coordinator", "n", "notify", "listener").ok());
        QTRY_COMPARE(applied(*engine, "listener"), 1);
        QTRY_VERIFY(call(*engine, "Coordinator", "n", "pending").value().toArray().isEmpty());
        QCOMPARE(applied(*engine, "listener"), 1);
    }

    void waitingForAReplyInsideATurnFailsAtOnce()
    {
        QTemporaryDir dir;
        auto engine = startEngine(dir.path());
        const auto waited = call(*engine, "Coordinator", "w", "waitInTurn");
        QVERIFY(!waited.ok());
        QVERIFY2(waited.error().message().contains(
                     "would wait for the reply inside its turn, which blocks its worker"),
                 qPrintable(waited.error().message()));
        QVERIFY2(
            waited.error().message().contains("callObject(\"Researcher\", \"x\", \"research\""),
            qPrintable(waited.error().message()));
        // Nothing was sent, and the engine goes on.
        QCOMPARE(applied(*engine, "x"), 0);
        QVERIFY(call(*engine, "Coordinator", "w", "status").ok());
    }

    void redeliveryAfterARestartIsAppliedOnce()
    {
        QTemporaryDir dir;
        {
            auto engine = startEngine(dir.path());
            Researcher::hold.storeRelease(1);
            QVERIFY(call(*engine, "Coordinator", "r", "start", "restart").ok());
            QVERIFY(Researcher::entered.tryAcquire(2, 10000));
            // Stop the engine while both researchers are inside their turns: they commit (and
            // record the calls as applied), but their replies find the engine stopping, so the
            // coordinator's calls stay unanswered on disk.
            std::thread stopper([&engine] { engine->shutdown(); });
            QTRY_VERIFY(!engine->isRunning());
            Researcher::leave.release(2);
            stopper.join();
        }
        Researcher::hold.storeRelease(0);
        auto engine = startEngine(dir.path());
        // The start delivers them again; the researchers answer from their ledger.
        QTRY_VERIFY(coordinator(*engine, "r").value("done").toBool());
        QCOMPARE(coordinator(*engine, "r").value("continued").toInt(), 2);
        QCOMPARE(applied(*engine, "restart-history"), 1);
        QCOMPARE(applied(*engine, "restart-market"), 1);
        QCOMPARE(coordinator(*engine, "r").value("parts").toObject().value("market").toString(),
                 QStringLiteral("findings on restart (market)"));
    }

    void aCallMadeByAContinuationSurvivesARestart()
    {
        QTemporaryDir dir;
        {
            auto engine = startEngine(dir.path());
            Researcher::holdTopic = QStringLiteral("link2");
            Researcher::hold.storeRelease(1);
            QVERIFY(call(*engine, "Coordinator", "k", "chain").ok());
            // Link 2 is inside its turn: the reply to link 1 (which made the call) committed.
            QVERIFY(Researcher::entered.tryAcquire(1, 10000));
            std::thread stopper([&engine] { engine->shutdown(); });
            QTRY_VERIFY(!engine->isRunning());
            Researcher::leave.release(1);
            stopper.join();
        }
        Researcher::hold.storeRelease(0);
        auto engine = startEngine(dir.path());
        QTRY_COMPARE(coordinator(*engine, "k").value("links").toInt(), 2);
        QCOMPARE(applied(*engine, "chain-2"), 1);
        QVERIFY(call(*engine, "Coordinator", "k", "pending").value().toArray().isEmpty());
    }

    // The last reply empties the outbox and a call made by the next turn fills it again, both
    // in one commit: the outbox's catalog mark must survive, or a crash before that call is
    // answered loses it (the restart delivers only what is marked).
    void aCallMadeRightAfterTheLastReplyIsAnsweredAfterARestart()
    {
        QTemporaryDir dir;
        constexpr int Workers = 2;
        const QString name = nameOn("Coordinator", "m", 0, Workers);
        const QString blocker = nameOn("Probe", "blocker", 0, Workers);
        const QString topic = topicOn(1, Workers);
        {
            auto engine = startEngine(dir.path(), Workers);
            Researcher::hold.storeRelease(1);
            QVERIFY(call(*engine, "Coordinator", name, "start", topic).ok());
            QVERIFY(Researcher::entered.tryAcquire(1, 10000));
            // Hold the coordinator's worker, so both replies and the next call queue up there
            // and run as one batch.
            QFuture<QJsonValue> blocked = engine->stub("Probe", blocker).value().call("block");
            QVERIFY(Probe::blocked.tryAcquire(1, 10000));
            Researcher::leave.release(2);
            // Once a researcher's state says applied, its reply is queued on the coordinator.
            const auto researcherApplied = [&engine](const QString &researcher) {
                return awaitValue(
                           AgentDirectory(engine.get())
                               .state("Researcher", ObjectId::fromName("Researcher", researcher)))
                    .value()
                    .value("applied")
                    .toInt();
            };
            QTRY_COMPARE(researcherApplied(topic + "-history"), 1);
            QTRY_COMPARE(researcherApplied(topic + "-market"), 1);
            QFuture<QJsonValue> notified =
                engine->stub("Coordinator", name).value().call("notify", "late");
            // Stop while they wait: the batch commits and the new call is applied, but its reply
            // finds the engine stopped, so the call stays unanswered on disk (as after a crash).
            std::thread stopper([&engine] { engine->shutdown(); });
            QTRY_VERIFY(!engine->isRunning());
            Probe::unblock.release();
            stopper.join();
            QVERIFY(await(notified).ok());
            QVERIFY(await(blocked).ok());
        }
        Researcher::hold.storeRelease(0);
        auto engine = startEngine(dir.path(), Workers);
        QVERIFY(coordinator(*engine, name).value("done").toBool());
        QTRY_COMPARE(applied(*engine, "late"), 1);
        QTRY_VERIFY(call(*engine, "Coordinator", name, "pending").value().toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestObjectCalls)
#include "tst_objectcalls.moc"
