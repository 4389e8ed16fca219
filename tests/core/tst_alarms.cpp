// SPDX-License-Identifier: MIT
// Alarms and the clock: persisted at-least-once alarms, retries with backoff, virtual time.
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/inspector.h>
#include <durable/core/systemclock.h>
#include <durable/core/virtualclock.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Durable;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

const QDateTime s_start(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC);

struct Fixture
{
    std::shared_ptr<Clock> clock;
    std::unique_ptr<Engine> engine;
    VirtualClock *virtualClock() const { return static_cast<VirtualClock *>(clock.get()); }
};

Fixture start(const QString &dir, std::shared_ptr<Clock> clock = {})
{
    Fixture f;
    f.clock = clock ? clock : std::make_shared<VirtualClock>(s_start);
    EngineOptions options;
    options.dataDir = dir;
    options.clock = f.clock;
    f.engine = std::make_unique<Engine>(options);
    registerTestClasses(*f.engine);
    (void)f.engine->registerClass<AlarmProbe>(QStringLiteral("Hanging"));
    if (auto ok = f.engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    return f;
}

Result<QJsonValue> setAlarm(Engine &engine, const QString &name, qint64 at, QJsonObject extra = {})
{
    extra.insert(QStringLiteral("at"), double(at));
    return call(engine, QStringLiteral("AlarmProbe"), name, QStringLiteral("set"), extra);
}

QList<AlarmProbe::Firing> firings()
{
    QMutexLocker lock(&AlarmProbe::firingsMutex);
    return AlarmProbe::firings;
}

} // namespace

class TestAlarms : public QObject
{
    Q_OBJECT
private slots:
    void init() { AlarmProbe::resetFirings(); }

    void dayLongWaitCrossedInOneAdvance()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const qint64 due = s_start.toMSecsSinceEpoch() + 24 * 3600 * 1000;
        QVERIFY(setAlarm(*f.engine, "follow-up", due).ok());
        QCOMPARE(call(*f.engine, "AlarmProbe", "follow-up", "alarm").value().toDouble(),
                 double(due));
        QCOMPARE(f.virtualClock()->advance(23h + 59min), 0);
        QCOMPARE(AlarmProbe::fired.load(), 0);
        QCOMPARE(f.virtualClock()->advance(1min), 1);
        QCOMPARE(AlarmProbe::fired.load(), 1);
        const auto log = call(*f.engine, "AlarmProbe", "follow-up", "log").value().toArray();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0)["now"].toDouble(), double(due)); // fired at its due time, not later
        QCOMPARE(log.at(0)["alarmInside"].toBool(), false); // deleted while the handler runs
        QVERIFY(call(*f.engine, "AlarmProbe", "follow-up", "alarm").value().isNull()); // and after
        QCOMPARE(f.virtualClock()->advance(48h), 0);
        QCOMPARE(AlarmProbe::fired.load(), 1); // exactly once
    }

    void dueOrderAcrossTenThousandObjects()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        constexpr int objects = 10000;
        const qint64 t0 = s_start.toMSecsSinceEpoch();
        QSemaphore done;
        QHash<QString, qint64> dueByName;
        auto *random = QRandomGenerator::global();
        for (int i = 0; i < objects; ++i) {
            const QString name = QStringLiteral("o%1").arg(i);
            const qint64 due = t0 + 1000 + qint64(random->bounded(86400)) * 1000;
            dueByName.insert(name, due);
            f.engine->stub("AlarmProbe", name)
                .value()
                .call("set", QJsonObject {{"at", double(due)}},
                      [&done](const Result<QJsonValue> &r) {
                          if (!r.ok())
                              qFatal("set failed: %s", qPrintable(r.error().message()));
                          done.release();
                      });
        }
        QVERIFY(done.tryAcquire(objects, 120000));
        QCOMPARE(f.virtualClock()->advance(25h), objects);
        const auto fired = firings();
        QCOMPARE(fired.size(), objects);
        QSet<QString> seen;
        for (int i = 0; i < fired.size(); ++i) {
            QVERIFY(!seen.contains(fired[i].name)); // each exactly once
            seen.insert(fired[i].name);
            QCOMPARE(fired[i].nowMs, dueByName.value(fired[i].name)); // at its due time
            if (i > 0)
                QVERIFY2(fired[i - 1].scheduledMs <= fired[i].scheduledMs,
                         "alarms fired out of due order");
        }
    }

    void failedAlarmRetriesWithBackoffThenSucceeds()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        QSignalSpy errors(f.engine.get(), &Engine::errorOccurred);
        const qint64 due = s_start.toMSecsSinceEpoch() + 60000;
        QVERIFY(setAlarm(*f.engine, "r", due).ok());
        AlarmProbe::failNext = 3;
        f.virtualClock()->advance(10min);
        const auto fired = firings();
        QCOMPARE(fired.size(), 4);
        // Backoff starts at 2 s and doubles: attempts at +0, +2 s, +6 s, +14 s.
        const qint64 expected[] = {due, due + 2000, due + 6000, due + 14000};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(fired[i].nowMs, expected[i]);
            QCOMPARE(fired[i].retry, i);
        }
        QVERIFY(call(*f.engine, "AlarmProbe", "r", "alarm").value().isNull());
        QCOMPARE(errors.count(), 0);
    }

    void alarmGivenUpAfterSixRetries()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        QSignalSpy errors(f.engine.get(), &Engine::errorOccurred);
        QVERIFY(setAlarm(*f.engine, "doomed", s_start.toMSecsSinceEpoch() + 1000).ok());
        AlarmProbe::failNext = 1000;
        f.virtualClock()->advance(1h);
        AlarmProbe::failNext = 0;
        QCOMPARE(firings().size(), 7); // the first attempt and 6 retries
        QCOMPARE(firings().last().retry, 6);
        QVERIFY(call(*f.engine, "AlarmProbe", "doomed", "alarm").value().isNull());
        QTRY_VERIFY(errors.count() >= 1);
        const Error error = errors.last().at(0).value<Error>();
        QVERIFY2(error.message().contains("given up after 6 retries"), qPrintable(error.message()));
        QVERIFY(error.message().contains("alarm handler fails on purpose"));
        auto summary = inspector.object("AlarmProbe", ObjectId::fromName("AlarmProbe", "doomed"));
        summary.waitForFinished();
        QCOMPARE(summary.result().status, ObjectStatus::Failed); // kept in the catalog for the UI
    }

    void alarmsSetByAlarmsInsideTheWindowFire()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        QVERIFY(setAlarm(*f.engine, "chain", s_start.toMSecsSinceEpoch() + 1000,
                         QJsonObject {{"chainEveryMs", 10 * 60 * 1000}})
                    .ok());
        QCOMPARE(f.virtualClock()->advance(1h), 6); // +1 s, then every 10 minutes
        QCOMPARE(firings().size(), 6);
    }

    void rolledBackTurnLeavesThePreviousAlarm()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const qint64 first = s_start.toMSecsSinceEpoch() + 3600000;
        QVERIFY(setAlarm(*f.engine, "rb", first).ok());
        auto failed = setAlarm(*f.engine, "rb", first + 5000, QJsonObject {{"rollback", true}});
        QVERIFY(!failed.ok());
        QCOMPARE(call(*f.engine, "AlarmProbe", "rb", "alarm").value().toDouble(), double(first));
        QCOMPARE(f.virtualClock()->advance(2h), 1);
        QCOMPARE(firings().first().nowMs, first);
    }

    void evictedObjectsAlarmsFire()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        QVERIFY(setAlarm(*f.engine, "sleeper", s_start.toMSecsSinceEpoch() + 5000).ok());
        QVERIFY(await(f.engine->evict(ObjectId::fromName("AlarmProbe", "sleeper"))).ok());
        QCOMPARE(f.virtualClock()->runToNextAlarm(), 1);
        QCOMPARE(f.virtualClock()->nowMs(), s_start.toMSecsSinceEpoch() + 5000);
    }

    void missedAlarmsFireOnStartOnce()
    {
        QTemporaryDir dir;
        const qint64 due = s_start.toMSecsSinceEpoch() + 3600000;
        {
            auto f = start(dir.path());
            QVERIFY(setAlarm(*f.engine, "missed", due).ok());
        }
        // The engine was down while the alarm came due; a paused clock does not move, yet
        // an overdue alarm fires promptly at start.
        auto later = std::make_shared<VirtualClock>(s_start.addSecs(5 * 3600));
        auto f = start(dir.path(), later);
        QTRY_COMPARE(AlarmProbe::fired.load(), 1);
        QCOMPARE(firings().first().scheduledMs, due);
        QCOMPARE(later->advance(24h), 0);
        QCOMPARE(AlarmProbe::fired.load(), 1);
    }

    void pastAlarmFiresPromptlyOnTheSystemClock()
    {
        QTemporaryDir dir;
        auto f = start(dir.path(), std::make_shared<SystemClock>());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(setAlarm(*f.engine, "past", now - 60000).ok());
        QVERIFY(setAlarm(*f.engine, "soon", now + 200).ok());
        QTRY_COMPARE(AlarmProbe::fired.load(), 2);
        for (const auto &firing : firings())
            QVERIFY(firing.nowMs >= firing.scheduledMs);
    }

    void badAlarmInputIsRefused()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        auto negative = setAlarm(*f.engine, "bad", -5);
        QCOMPARE(negative.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(negative.error().message().contains("Invalid alarm time"));
        auto noHandler = call(*f.engine, "StorageProbe", "x", "setAlarm",
                              QJsonObject {{"at", 1e12}});
        QCOMPARE(noHandler.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(noHandler.error().message().contains("does not override DurableObject::onAlarm"),
                 qPrintable(noHandler.error().message()));
    }

    void alarmsSurviveSigkillOfTheEngine()
    {
        QTemporaryDir dir;
        QProcess child;
        child.start(QStringLiteral(DURABLE_ALARM_CHILD),
                    {dir.path(), "set", QString::number(s_start.toMSecsSinceEpoch())});
        QVERIFY(child.waitForStarted());
        QList<qint64> acknowledged;
        while (acknowledged.size() < 50) {
            QVERIFY2(child.waitForReadyRead(20000), "child produced no output");
            while (child.canReadLine()) {
                const QList<QByteArray> parts = child.readLine().trimmed().split(' ');
                if (parts.value(0) == "ack")
                    acknowledged.append(parts.value(2).toLongLong());
            }
        }
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished());
        auto f = start(dir.path());
        QCOMPARE(f.virtualClock()->advance(2h), 50);
        QCOMPARE(firings().size(), 50);
        QCOMPARE(f.virtualClock()->advance(24h), 0);
    }

    void crashDuringAlarmTurnFiresAgain()
    {
        QTemporaryDir dir;
        QProcess child;
        child.start(QStringLiteral(DURABLE_ALARM_CHILD),
                    {dir.path(), "hang", QString::number(s_start.toMSecsSinceEpoch())});
        QVERIFY(child.waitForStarted());
        QByteArray output;
        while (!output.contains("in-alarm")) {
            QVERIFY2(child.waitForReadyRead(20000), "child never entered its alarm");
            output += child.readAll();
        }
        ::kill(pid_t(child.processId()), SIGKILL); // in the middle of the alarm turn
        QVERIFY(child.waitForFinished());
        auto f = start(dir.path());
        QCOMPARE(f.virtualClock()->advance(5min), 1); // at least once: it fires again
        QCOMPARE(firings().first().name, QStringLiteral("h"));
    }

    // Admin commands of the inspection API: each is a journaled turn on the object's strand.
    void fireNowRunsTheHandlerAsAnAdminTurn()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        const ObjectId id = ObjectId::fromName("AlarmProbe", "fire");
        const qint64 due = s_start.toMSecsSinceEpoch() + 3600000;
        QVERIFY(setAlarm(*f.engine, "fire", due).ok());

        const auto seq = awaitValue(inspector.fireAlarmNow("AlarmProbe", id));
        QVERIFY2(seq.ok(), qPrintable(seq.error().message()));
        QCOMPARE(firings().size(), 1);
        QCOMPARE(firings().first().nowMs, s_start.toMSecsSinceEpoch()); // now, not at its time
        QCOMPARE(firings().first().scheduledMs, due);
        const auto entries = awaitValue(inspector.journal("AlarmProbe", id)).value();
        QCOMPARE(entries.first().seq, seq.value());
        QCOMPARE(entries.first().trigger, QStringLiteral("admin-fire"));
        QCOMPARE(entries.first().alarm["cleared"].toBool(), true);
        // Consumed: gone from the object, the engine's index and the object's summary.
        QVERIFY(call(*f.engine, "AlarmProbe", "fire", "alarm").value().isNull());
        QVERIFY(awaitValue(inspector.alarms()).value().isEmpty());
        QCOMPARE(awaitValue(inspector.object("AlarmProbe", id)).value().nextAlarmMs, qint64(-1));
        QCOMPARE(f.virtualClock()->advance(2h), 0);
        QCOMPARE(AlarmProbe::fired.load(), 1);

        const auto none = awaitValue(inspector.fireAlarmNow("AlarmProbe", id));
        QCOMPARE(none.error().code(), ErrorCode::NotFound);
        QVERIFY2(none.error().message().contains("no alarm"), qPrintable(none.error().message()));
    }

    void failedFireNowLeavesTheAlarmForItsTime()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        const ObjectId id = ObjectId::fromName("AlarmProbe", "flaky");
        const qint64 due = s_start.toMSecsSinceEpoch() + 60000;
        QVERIFY(setAlarm(*f.engine, "flaky", due).ok());
        const qint64 seqBefore =
            awaitValue(inspector.journal("AlarmProbe", id)).value().first().seq;
        AlarmProbe::failNext = 1;
        const auto failed = awaitValue(inspector.fireAlarmNow("AlarmProbe", id));
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message().contains("fails on purpose"),
                 qPrintable(failed.error().message()));
        // Rolled back: the alarm is as it was (not a retry), no history, still indexed.
        const std::optional<AlarmSummary> alarm =
            awaitValue(inspector.alarm("AlarmProbe", id)).value();
        QVERIFY(alarm.has_value());
        QCOMPARE(alarm.value_or(AlarmSummary {}).dueMs, due);
        QCOMPARE(alarm.value_or(AlarmSummary {}).retryCount, 0);
        QCOMPARE(awaitValue(inspector.journal("AlarmProbe", id)).value().first().seq, seqBefore);
        QCOMPARE(awaitValue(inspector.alarms()).value().size(), 1);
        QCOMPARE(f.virtualClock()->advance(2min), 1);
        QCOMPARE(firings().last().nowMs, due);
    }

    void rescheduleAndCancelAreAdminTurns()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        const qint64 t0 = s_start.toMSecsSinceEpoch();
        const ObjectId moved = ObjectId::fromName("AlarmProbe", "moved");
        const ObjectId gone = ObjectId::fromName("AlarmProbe", "gone");
        QVERIFY(setAlarm(*f.engine, "moved", t0 + 3600000).ok());
        QVERIFY(setAlarm(*f.engine, "gone", t0 + 3600000).ok());

        QVERIFY(awaitValue(inspector.setAlarm("AlarmProbe", moved, t0 + 3 * 3600000)).ok());
        QVERIFY(awaitValue(inspector.cancelAlarm("AlarmProbe", gone)).ok());
        for (const ObjectId &id : {moved, gone}) {
            const auto entry = awaitValue(inspector.journal("AlarmProbe", id)).value().first();
            QCOMPARE(entry.trigger, QStringLiteral("admin-alarm"));
        }
        QCOMPARE(awaitValue(inspector.alarm("AlarmProbe", moved)).value()->dueMs, t0 + 3 * 3600000);
        QVERIFY(!awaitValue(inspector.alarm("AlarmProbe", gone)).value().has_value());
        const auto indexed = awaitValue(inspector.alarms()).value();
        QCOMPARE(indexed.size(), 1);
        QCOMPARE(indexed.first().id, moved);
        QCOMPARE(indexed.first().dueMs, t0 + 3 * 3600000);
        QCOMPARE(awaitValue(inspector.object("AlarmProbe", gone)).value().nextAlarmMs, qint64(-1));

        QCOMPARE(f.virtualClock()->advance(2h), 0);
        QCOMPARE(f.virtualClock()->advance(1h), 1);
        QCOMPARE(firings().first().name, QStringLiteral("moved"));
        QCOMPARE(firings().first().nowMs, t0 + 3 * 3600000);

        QCOMPARE(awaitValue(inspector.cancelAlarm("AlarmProbe", gone)).error().code(),
                 ErrorCode::NotFound);
    }

    void rescheduledAlarmStartsWithoutRetries()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        const ObjectId id = ObjectId::fromName("AlarmProbe", "retrying");
        const qint64 due = s_start.toMSecsSinceEpoch() + 60000;
        QVERIFY(setAlarm(*f.engine, "retrying", due).ok());
        AlarmProbe::failNext = 1;
        QCOMPARE(f.virtualClock()->advance(1min), 0); // failed: retried in 2 s
        QCOMPARE(awaitValue(inspector.alarm("AlarmProbe", id)).value()->retryCount, 1);
        QVERIFY(awaitValue(inspector.setAlarm("AlarmProbe", id, due + 3600000)).ok());
        const AlarmSummary alarm =
            awaitValue(inspector.alarm("AlarmProbe", id)).value().value_or(AlarmSummary {});
        QCOMPARE(alarm.dueMs, due + 3600000);
        QCOMPARE(alarm.retryCount, 0);
    }

    void adminAlarmCommandsSurviveARestart()
    {
        QTemporaryDir dir;
        const qint64 t0 = s_start.toMSecsSinceEpoch();
        {
            auto f = start(dir.path());
            Inspector inspector(f.engine.get());
            for (const char *name : {"kept", "moved", "gone"})
                QVERIFY(setAlarm(*f.engine, name, t0 + 3600000).ok());
            QVERIFY(awaitValue(inspector.setAlarm("AlarmProbe",
                                                  ObjectId::fromName("AlarmProbe", "moved"),
                                                  t0 + 5 * 3600000))
                        .ok());
            QVERIFY(awaitValue(inspector.cancelAlarm("AlarmProbe",
                                                     ObjectId::fromName("AlarmProbe", "gone")))
                        .ok());
        }
        // The catalog's hints bring the alarms back; the objects' own rows decide what fires.
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        QCOMPARE(f.virtualClock()->advance(2h), 1);
        QCOMPARE(firings().first().name, QStringLiteral("kept"));
        const auto indexed = awaitValue(inspector.alarms()).value();
        QCOMPARE(indexed.size(), 1);
        QCOMPARE(indexed.first().name, QStringLiteral("moved"));
        QCOMPARE(indexed.first().dueMs, t0 + 5 * 3600000);
        QCOMPARE(f.virtualClock()->advance(4h), 1);
        QCOMPARE(firings().last().name, QStringLiteral("moved"));
    }

    void adminAlarmCommandsRefuseBadInput()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        QVERIFY(call(*f.engine, "Counter", "c", "increment").ok());
        const auto noHandler = awaitValue(inspector.setAlarm(
            "Counter", ObjectId::fromName("Counter", "c"), s_start.toMSecsSinceEpoch()));
        QCOMPARE(noHandler.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(noHandler.error().message().contains("onAlarm"),
                 qPrintable(noHandler.error().message()));
        QVERIFY(setAlarm(*f.engine, "bad", s_start.toMSecsSinceEpoch() + 1000).ok());
        const auto negative = awaitValue(
            inspector.setAlarm("AlarmProbe", ObjectId::fromName("AlarmProbe", "bad"), -5));
        QCOMPARE(negative.error().code(), ErrorCode::InvalidArgument);
        // An unknown object is an error, and the command does not create it.
        const ObjectId ghost = ObjectId::fromName("AlarmProbe", "ghost");
        for (const auto &future :
             {inspector.fireAlarmNow("AlarmProbe", ghost),
              inspector.setAlarm("AlarmProbe", ghost, s_start.toMSecsSinceEpoch()),
              inspector.cancelAlarm("AlarmProbe", ghost)}) {
            const auto result = awaitValue(future);
            QCOMPARE(result.error().code(), ErrorCode::NotFound);
        }
        QCOMPARE(awaitValue(inspector.object("AlarmProbe", ghost)).error().code(),
                 ErrorCode::NotFound);
        QCOMPARE(awaitValue(inspector.fireAlarmNow("Nope", ghost)).error().code(),
                 ErrorCode::UnknownClass);
    }
};

QTEST_GUILESS_MAIN(TestAlarms)
#include "tst_alarms.moc"
