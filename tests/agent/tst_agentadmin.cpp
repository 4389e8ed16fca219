// SPDX-License-Identifier: MIT
// Admin commands on agents from the inspection API: fire the alarm or one schedule now,
// reschedule or cancel, replace the state through the class's validation hook. Each is a turn of
// the agent journaled as done by a user, on the virtual clock.
#include "agenttestobjects.h"
#include "testobjects.h"
#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <durable/core/agentdirectory.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

using namespace Durable;
using namespace DurableAgentTest;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

const QDateTime s_start(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC);
const qint64 s_t0 = s_start.toMSecsSinceEpoch();
constexpr qint64 Minute = 60 * 1000;
constexpr qint64 Hour = 60 * Minute;

struct Fixture
{
    std::shared_ptr<VirtualClock> clock;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Inspector> inspector;
    AgentDirectory agents() const { return inspector->agents(); }
};

Fixture start(const QString &dir)
{
    Fixture f;
    f.clock = std::make_shared<VirtualClock>(s_start);
    EngineOptions options;
    options.dataDir = dir;
    options.clock = f.clock;
    f.engine = std::make_unique<Engine>(options);
    registerAgentClasses(*f.engine);
    (void)f.engine->registerClass<Counter>(QStringLiteral("Counter"));
    if (auto ok = f.engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    f.inspector = std::make_unique<Inspector>(f.engine.get());
    f.inspector->setFeedInterval(10);
    return f;
}

Result<QJsonValue> probe(Engine &engine, const QString &name, const QString &method,
                         const QJsonValue &args = {})
{
    return call(engine, QStringLiteral("Probe"), name, method, args);
}

QString scheduleIn(Engine &engine, const QString &name, qint64 ms, const QString &payload)
{
    const auto id = probe(
        engine, name, QStringLiteral("schedule"),
        QJsonObject {{"kind", "delay"}, {"ms", double(ms)}, {"payload", payload}});
    return id.ok() ? id.value().toString() : QString();
}

QJsonArray logOf(Engine &engine, const QString &name)
{
    return probe(engine, name, QStringLiteral("log")).value().toArray();
}

QList<ScheduleInfo> schedulesOf(const Fixture &f, const QString &name)
{
    return awaitValue(f.agents().schedules("Probe", ObjectId::fromName("Probe", name))).value();
}

JournalEntry lastEntry(const Fixture &f, const QString &cls, const QString &name)
{
    return awaitValue(f.inspector->journal(cls, ObjectId::fromName(cls, name))).value().first();
}

qint64 alarmDue(const Fixture &f, const QString &name)
{
    const auto alarm = awaitValue(f.inspector->alarm("Probe", ObjectId::fromName("Probe", name)));
    return alarm.ok() && alarm.value() ? alarm.value()->dueMs : -1;
}

// The engine's index of alarms (what wakes hibernated objects), for one object.
qint64 indexedDue(const Fixture &f, const QString &name)
{
    const ObjectId id = ObjectId::fromName("Probe", name);
    const QList<AlarmSummary> alarms = awaitValue(f.inspector->alarms()).value();
    for (const AlarmSummary &alarm : alarms) {
        if (alarm.id == id)
            return alarm.dueMs;
    }
    return -1;
}

} // namespace

class TestAgentAdmin : public QObject
{
    Q_OBJECT
private slots:
    void resetForgetsEverythingTheAgentStored()
    {
        QTemporaryDir dir;
        Fixture f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "r");
        QVERIFY(probe(*f.engine, "r", "setState", QJsonObject {{"n", 1}}).ok());
        QVERIFY(probe(*f.engine, "r", "setStep", "review").ok());
        QVERIFY(!scheduleIn(*f.engine, "r", Hour, "later").isEmpty());
        QVERIFY(probe(*f.engine, "r", "ask", QJsonObject {{"title", "Decide"}}).ok());
        HumanInbox inbox(f.engine.get());
        QCOMPARE(awaitValue(inbox.pending("Probe")).value().size(), 1);
        QCOMPARE(awaitValue(f.agents().stepCounts("Probe")).value().value("review"), 1);

        QVERIFY(awaitValue(f.inspector->reset("Probe", id)).ok());

        QCOMPARE(awaitValue(f.agents().state("Probe", id)).value(), QJsonObject());
        QVERIFY(schedulesOf(f, "r").isEmpty());
        QVERIFY(awaitValue(f.agents().humanRequests("Probe", id)).value().isEmpty());
        QVERIFY(awaitValue(inbox.pending("Probe")).value().isEmpty());
        QVERIFY(!awaitValue(f.agents().stepCounts("Probe")).value().contains("review"));
        QVERIFY(!awaitValue(f.inspector->alarm("Probe", id)).value().has_value());
        QCOMPARE(lastEntry(f, "Probe", "r").trigger, QStringLiteral("admin-reset"));
        // The agent carries on from scratch.
        QVERIFY(probe(*f.engine, "r", "setStep", "done").ok());
        QCOMPARE(probe(*f.engine, "r", "step").value().toString(), QStringLiteral("done"));
    }

    void fireAlarmNowRunsTheEarliestSchedules()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "a");
        const QString first = scheduleIn(*f.engine, "a", Hour, "first");
        const QString tie = scheduleIn(*f.engine, "a", Hour, "tie");
        const QString second = scheduleIn(*f.engine, "a", 2 * Hour, "second");
        QVERIFY(!first.isEmpty() && !tie.isEmpty() && !second.isEmpty());
        QCOMPARE(alarmDue(f, "a"), s_t0 + Hour);

        const auto seq = awaitValue(f.inspector->fireAlarmNow("Probe", id));
        QVERIFY2(seq.ok(), qPrintable(seq.error().message()));
        const JournalEntry entry = lastEntry(f, "Probe", "a");
        QCOMPARE(entry.seq, seq.value());
        QCOMPARE(entry.trigger, QStringLiteral("admin-fire"));
        // What the alarm was set for ran now, in due order; the later schedule did not.
        const QJsonArray log = logOf(*f.engine, "a");
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0)["payload"].toString(), QStringLiteral("first"));
        QCOMPARE(log.at(0)["now"].toDouble(), double(s_t0));
        QCOMPARE(log.at(1)["payload"].toString(), QStringLiteral("tie"));
        QCOMPARE(schedulesOf(f, "a").size(), 1);
        QCOMPARE(schedulesOf(f, "a").first().id, second);
        QCOMPARE(alarmDue(f, "a"), s_t0 + 2 * Hour);
        QCOMPARE(indexedDue(f, "a"), s_t0 + 2 * Hour);

        QCOMPARE(f.clock->advance(90min), 0); // consumed: nothing runs at +1 h
        QCOMPARE(f.clock->advance(30min), 1);
        QCOMPARE(logOf(*f.engine, "a").size(), 3);
        QCOMPARE(indexedDue(f, "a"), qint64(-1));
    }

    void fireScheduleNowRemovesOneShotsAndKeepsCronTimetables()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "s");
        const auto cron = probe(
            *f.engine, "s", "schedule",
            QJsonObject {{"kind", "cron"}, {"cron", "0 10 * * *"}, {"payload", "daily"}});
        QVERIFY(cron.ok());
        const QString later = scheduleIn(*f.engine, "s", 3 * Hour, "later");

        QVERIFY(awaitValue(f.agents().fireScheduleNow("Probe", id, later)).ok());
        QCOMPARE(lastEntry(f, "Probe", "s").trigger, QStringLiteral("admin-fire"));
        QCOMPARE(logOf(*f.engine, "s").last()["payload"].toString(), QStringLiteral("later"));
        QCOMPARE(schedulesOf(f, "s").size(), 1); // the one-shot is gone

        QVERIFY(awaitValue(f.agents().fireScheduleNow("Probe", id, cron.value().toString())).ok());
        QCOMPARE(logOf(*f.engine, "s").size(), 2);
        QCOMPARE(logOf(*f.engine, "s").last()["payload"].toString(), QStringLiteral("daily"));
        // Re-armed for its next match after now: today's 10:00 still runs.
        QCOMPARE(schedulesOf(f, "s").first().dueMs, s_t0 + Hour);
        QCOMPARE(indexedDue(f, "s"), s_t0 + Hour);
        QCOMPARE(f.clock->advance(1h), 1);
        QCOMPARE(logOf(*f.engine, "s").size(), 3);
        QCOMPARE(schedulesOf(f, "s").first().dueMs, s_t0 + 25 * Hour);

        const auto unknown = awaitValue(f.agents().fireScheduleNow("Probe", id, "nope"));
        QCOMPARE(unknown.error().code(), ErrorCode::NotFound);
        QVERIFY2(unknown.error().message().contains(cron.value().toString()),
                 qPrintable(unknown.error().message())); // lists what exists
        QVERIFY(call(*f.engine, "Counter", "c", "increment").ok());
        const auto notAgent = awaitValue(
            f.agents().fireScheduleNow("Counter", ObjectId::fromName("Counter", "c"), "x"));
        QCOMPARE(notAgent.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(notAgent.error().message().contains("not an agent"),
                 qPrintable(notAgent.error().message()));
    }

    void rescheduleMovesOneScheduleAndTheAlarm()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "r");
        const QString early = scheduleIn(*f.engine, "r", Hour, "early");
        const QString late = scheduleIn(*f.engine, "r", 3 * Hour, "late");

        const QDateTime soon = s_start.addSecs(30 * 60);
        QVERIFY(awaitValue(f.agents().rescheduleSchedule("Probe", id, late, soon)).ok());
        QCOMPARE(lastEntry(f, "Probe", "r").trigger, QStringLiteral("admin-schedule"));
        QCOMPARE(schedulesOf(f, "r").first().id, late);
        QCOMPARE(schedulesOf(f, "r").first().dueMs, soon.toMSecsSinceEpoch());
        QCOMPARE(alarmDue(f, "r"), soon.toMSecsSinceEpoch());
        QCOMPARE(indexedDue(f, "r"), soon.toMSecsSinceEpoch());
        QCOMPARE(f.clock->advance(30min), 1);
        QCOMPARE(logOf(*f.engine, "r").last()["payload"].toString(), QStringLiteral("late"));
        QCOMPARE(alarmDue(f, "r"), s_t0 + Hour);

        // Later than planned: the alarm follows.
        QVERIFY(
            awaitValue(f.agents().rescheduleSchedule("Probe", id, early, s_start.addDays(1))).ok());
        QCOMPARE(alarmDue(f, "r"), s_t0 + 24 * Hour);
        QCOMPARE(f.clock->advance(2h), 0);

        QCOMPARE(awaitValue(f.agents().rescheduleSchedule("Probe", id, early, QDateTime()))
                     .error()
                     .code(),
                 ErrorCode::InvalidArgument);
        QCOMPARE(
            awaitValue(f.agents().rescheduleSchedule("Probe", id, "nope", soon)).error().code(),
            ErrorCode::NotFound);
        QCOMPARE(alarmDue(f, "r"), s_t0 + 24 * Hour); // refused commands change nothing
    }

    void deadlinesExpireOnFireButCannotBeMovedOrCancelled()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "d");
        const auto request = probe(*f.engine, "d", "ask",
                                   QJsonObject {{"title", "Quick!"},
                                                {"deadlineMs", double(s_t0 + Hour)},
                                                {"deadlineContinuation", "onDeadline"}});
        QVERIFY(request.ok());
        const QString deadline = schedulesOf(f, "d").first().id;

        const auto move = awaitValue(
            f.agents().rescheduleSchedule("Probe", id, deadline, s_start.addDays(1)));
        QCOMPARE(move.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(move.error().message().contains("deadline of human request"),
                 qPrintable(move.error().message()));
        const auto moveAlarm = awaitValue(f.inspector->setAlarm("Probe", id, s_t0 + 2 * Hour));
        QCOMPARE(moveAlarm.error().code(), ErrorCode::InvalidArgument);
        QCOMPARE(awaitValue(f.inspector->cancelAlarm("Probe", id)).error().code(),
                 ErrorCode::InvalidArgument);
        QCOMPARE(alarmDue(f, "d"), s_t0 + Hour);

        // Firing the alarm lets the request expire now.
        QVERIFY(awaitValue(f.inspector->fireAlarmNow("Probe", id)).ok());
        const QJsonArray log = logOf(*f.engine, "d");
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0)["deadline"]["status"].toString(), QStringLiteral("expired"));
        QCOMPARE(awaitValue(f.agents().humanRequests("Probe", id, true)).value().size(), 0);
        QCOMPARE(alarmDue(f, "d"), qint64(-1));
        QCOMPARE(indexedDue(f, "d"), qint64(-1));
    }

    void alarmCommandsOnAnAgentActOnItsEarliestSchedules()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "m");
        const QString first = scheduleIn(*f.engine, "m", Hour, "first");
        const QString second = scheduleIn(*f.engine, "m", 2 * Hour, "second");

        QVERIFY(awaitValue(f.inspector->setAlarm("Probe", id, s_t0 + 3 * Hour)).ok());
        QCOMPARE(lastEntry(f, "Probe", "m").trigger, QStringLiteral("admin-alarm"));
        // The first schedule moved; the alarm follows the earliest one left.
        QCOMPARE(schedulesOf(f, "m").at(0).id, second);
        QCOMPARE(schedulesOf(f, "m").at(1).id, first);
        QCOMPARE(schedulesOf(f, "m").at(1).dueMs, s_t0 + 3 * Hour);
        QCOMPARE(alarmDue(f, "m"), s_t0 + 2 * Hour);

        QVERIFY(awaitValue(f.inspector->cancelAlarm("Probe", id)).ok());
        QCOMPARE(schedulesOf(f, "m").size(), 1);
        QCOMPARE(schedulesOf(f, "m").first().id, first);
        QCOMPARE(alarmDue(f, "m"), s_t0 + 3 * Hour);
        QCOMPARE(indexedDue(f, "m"), s_t0 + 3 * Hour);
        QVERIFY(awaitValue(f.inspector->cancelAlarm("Probe", id)).ok());
        QVERIFY(schedulesOf(f, "m").isEmpty());
        QCOMPARE(alarmDue(f, "m"), qint64(-1));
        QCOMPARE(indexedDue(f, "m"), qint64(-1));
        QCOMPARE(f.clock->advance(24h), 0);
        QVERIFY(logOf(*f.engine, "m").isEmpty());
    }

    void setStateRunsTheValidationHook()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        QSignalSpy feed(f.inspector.get(), &Inspector::changesAvailable);
        QVERIFY(feed.isValid());
        const ObjectId id = ObjectId::fromName("Probe", "v");
        QVERIFY(probe(*f.engine, "v", "state").ok());
        const QJsonObject next {{"count", 5}, {"status", "edited"}};

        const auto seq = awaitValue(f.agents().setState("Probe", id, next));
        QVERIFY2(seq.ok(), qPrintable(seq.error().message()));
        const JournalEntry entry = lastEntry(f, "Probe", "v");
        QCOMPARE(entry.seq, seq.value());
        QCOMPARE(entry.trigger, QStringLiteral("admin-edit"));
        QCOMPARE(entry.input.toObject().value("state").toObject(), next);
        QCOMPARE(awaitValue(f.agents().state("Probe", id)).value(), next);
        QCOMPARE(probe(*f.engine, "v", "state").value().toObject(), next); // the agent sees it
        QTRY_VERIFY([&] {
            for (const QList<QVariant> &arguments : std::as_const(feed)) {
                for (const ChangeEvent &event : arguments.at(0).value<QList<ChangeEvent>>()) {
                    if (event.id == id && event.kind == ChangeEvent::Kind::StateChanged &&
                        event.detail.value("state").toObject() == next)
                        return true;
                }
            }
            return false;
        }());

        // Refused by validateState(): its message, and nothing changes.
        const qint64 before = lastEntry(f, "Probe", "v").seq;
        const auto refused = awaitValue(
            f.agents().setState("Probe", id, QJsonObject {{"count", -1}}));
        QCOMPARE(refused.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message().contains("count must not be negative"),
                 qPrintable(refused.error().message()));
        QCOMPARE(awaitValue(f.agents().state("Probe", id)).value(), next);
        QCOMPARE(lastEntry(f, "Probe", "v").seq, before);

        QVERIFY(call(*f.engine, "Counter", "c", "increment").ok());
        const auto notAgent = awaitValue(
            f.agents().setState("Counter", ObjectId::fromName("Counter", "c"), next));
        QVERIFY2(notAgent.error().message().contains("not an agent"),
                 qPrintable(notAgent.error().message()));
    }

    void commandsOnUnknownObjectsFailAndCreateNothing()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId ghost = ObjectId::fromName("Probe", "ghost");
        QCOMPARE(awaitValue(f.agents().fireScheduleNow("Probe", ghost, "x")).error().code(),
                 ErrorCode::NotFound);
        QCOMPARE(
            awaitValue(f.agents().rescheduleSchedule("Probe", ghost, "x", s_start)).error().code(),
            ErrorCode::NotFound);
        QCOMPARE(awaitValue(f.agents().setState("Probe", ghost, {})).error().code(),
                 ErrorCode::NotFound);
        QCOMPARE(awaitValue(f.agents().cancelSchedule("Probe", ghost, "x")).error().code(),
                 ErrorCode::NotFound);
        const QString hex = ghost.toString();
        QVERIFY(
            !QFile::exists(dir.path() + "/objects/Probe/" + hex.left(2) + "/" + hex + ".sqlite"));
    }
};

QTEST_GUILESS_MAIN(TestAgentAdmin)
#include "tst_agentadmin.moc"
