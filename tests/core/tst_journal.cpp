// SPDX-License-Identifier: MIT
// The journal: exact history of every committed turn, time travel, retention, fork, admin edits.
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace DurableTest;

namespace {

QMap<QString, QJsonValue> toMap(const QList<KeyValue> &list)
{
    QMap<QString, QJsonValue> map;
    for (const KeyValue &kv : list)
        map.insert(kv.key, kv.value);
    return map;
}

} // namespace

class TestJournal : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        EngineOptions options;
        options.dataDir = m_dir->path();
        options.clock = std::make_shared<VirtualClock>();
        m_engine = std::make_unique<Engine>(options);
        registerTestClasses(*m_engine);
        QVERIFY(m_engine->start().ok());
        m_inspector = std::make_unique<Inspector>(m_engine.get());
    }
    void cleanup()
    {
        m_inspector.reset();
        m_engine.reset();
    }

    // A random workload of puts, removes, clears and failing turns; the journal must be exactly
    // the history of the state, and time travel must agree with a reference model at every turn.
    void journalIsExactlyTheHistoryOfTheState()
    {
        const Stub probe = m_engine->stub("StorageProbe", "random").value();
        const ObjectId id = probe.id();
        auto *random = QRandomGenerator::global();
        QMap<QString, QJsonValue> model;
        QList<QMap<QString, QJsonValue>> history {model}; // history[seq]
        int failures = 0;
        bool exists = false; // a failing first turn leaves no object, and so no failure record
        for (int turn = 0; turn < 1500; ++turn) {
            const int op = random->bounded(100);
            const QString key = QStringLiteral("k%1").arg(random->bounded(40));
            if (op < 60) {
                const QJsonValue value = random->bounded(2) ? QJsonValue(random->bounded(1000))
                                                            : QJsonValue(QJsonObject {{"n", turn}});
                QVERIFY(
                    await(probe.call("put", QJsonObject {{"key", key}, {"value", value}})).ok());
                model.insert(key, value);
            } else if (op < 85) {
                QVERIFY(await(probe.call("remove", QJsonObject {{"key", key}})).ok());
                model.remove(key);
            } else if (op < 88) {
                QVERIFY(await(probe.call("deleteAll", QJsonObject {})).ok());
                model.clear();
            } else {
                // Writes then throws: rolled back, no journal entry, a failure record.
                QVERIFY(!await(probe.call("putMany", QJsonObject {{"n", 3}, {"fail", true}})).ok());
                failures += exists ? 1 : 0;
                continue;
            }
            exists = true;
            history.append(model);
        }
        const qint64 lastSeq = history.size() - 1;
        QCOMPARE(toMap(awaitValue(m_inspector->keyValues("StorageProbe", id)).value()), model);

        JournalQuery all;
        all.limit = -1;
        QList<JournalEntry> entries =
            awaitValue(m_inspector->journal("StorageProbe", id, all)).value();
        QCOMPARE(entries.size(), lastSeq); // newest first, one per committed turn
        QCOMPARE(entries.first().seq, lastSeq);
        std::reverse(entries.begin(), entries.end());
        QMap<QString, QJsonValue> replayed;
        for (int i = 0; i < entries.size(); ++i) {
            QCOMPARE(entries[i].seq, qint64(i + 1));
            QCOMPARE(entries[i].trigger, QStringLiteral("request"));
            replayJournalEntry(replayed, entries[i]);
            QCOMPARE(replayed, history[i + 1]);
        }
        QCOMPARE(awaitValue(m_inspector->failures("StorageProbe", id, 10000)).value().size(),
                 failures);

        for (int check = 0; check < 60; ++check) {
            const qint64 seq = random->bounded(lastSeq + 1);
            QCOMPARE(toMap(awaitValue(m_inspector->stateAt("StorageProbe", id, seq)).value()),
                     history[seq]);
            const qint64 other = random->bounded(lastSeq + 1);
            const StateDiff diff =
                awaitValue(m_inspector->diff("StorageProbe", id, seq, other)).value();
            QMap<QString, QJsonValue> patched = history[seq];
            for (const KeyChange &change : diff.keys) {
                QCOMPARE(change.before.isUndefined() ? QJsonValue(QJsonValue::Undefined)
                                                     : patched.value(change.key),
                         change.before);
                if (change.after.isUndefined())
                    patched.remove(change.key);
                else
                    patched.insert(change.key, change.after);
            }
            QCOMPARE(patched, history[other]);
        }
        QCOMPARE(awaitValue(m_inspector->stateAt("StorageProbe", id, lastSeq + 5)).error().code(),
                 ErrorCode::NotFound);
    }

    void entriesRecordTriggersSqlAlarmsAndMessages()
    {
        auto probe = m_engine->stub("StorageProbe", "sql").value();
        QVERIFY(await(probe.call("sql", QJsonObject {{"query", "CREATE TABLE t(x)"}})).ok());
        QVERIFY(
            await(probe.call("sql", QJsonObject {{"query", "INSERT INTO t VALUES (1), (2), (3)"}}))
                .ok());
        QVERIFY(
            await(probe.call("sql", QJsonObject {{"query", "UPDATE t SET x = x + 1 WHERE x > 1"}}))
                .ok());
        auto entries = awaitValue(m_inspector->journal("StorageProbe", probe.id())).value();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries.at(1).changes["sql"]["t"]["inserted"].toInt(), 3);
        QCOMPARE(entries.at(0).changes["sql"]["t"]["updated"].toInt(), 2);
        QCOMPARE(entries.at(0).method, QStringLiteral("sql"));
        QCOMPARE(entries.at(0).input["query"].toString(),
                 QStringLiteral("UPDATE t SET x = x + 1 WHERE x > 1"));
        const StateDiff diff =
            awaitValue(m_inspector->diff("StorageProbe", probe.id(), 1, 3)).value();
        QCOMPARE(diff.tables.size(), 1);
        QCOMPARE(diff.tables.first().inserted, 3);
        QCOMPARE(diff.tables.first().updated, 2);

        QVERIFY(call(*m_engine, "Sender", "s", "send", QJsonObject {{"target", "inbox"}}).ok());
        auto sent =
            awaitValue(m_inspector->journal("Sender", ObjectId::fromName("Sender", "s"))).value();
        QCOMPARE(sent.first().messages.toArray().first()["class"].toString(),
                 QStringLiteral("Counter"));
        QCOMPARE(sent.first().messages.toArray().first()["method"].toString(),
                 QStringLiteral("increment"));

        auto *clock = static_cast<VirtualClock *>(m_engine->clock());
        QVERIFY(call(*m_engine, "AlarmProbe", "a", "set",
                     QJsonObject {{"at", double(clock->nowMs() + 1000)}})
                    .ok());
        QCOMPARE(clock->advance(std::chrono::seconds(2)), 1);
        auto alarmEntries = awaitValue(m_inspector->journal("AlarmProbe",
                                                            ObjectId::fromName("AlarmProbe", "a")))
                                .value();
        QCOMPARE(alarmEntries.size(), 2);
        QCOMPARE(alarmEntries.at(0).trigger, QStringLiteral("alarm"));
        QCOMPARE(alarmEntries.at(0).alarm["cleared"].toBool(), true);
        QCOMPARE(alarmEntries.at(1).alarm["dueMs"].toDouble(), double(clock->nowMs() - 1000));
        JournalQuery alarmsOnly;
        alarmsOnly.trigger = "alarm";
        QCOMPARE(awaitValue(m_inspector->journal("AlarmProbe",
                                                 ObjectId::fromName("AlarmProbe", "a"), alarmsOnly))
                     .value()
                     .size(),
                 1);
    }

    void adminEditsAreTurns()
    {
        auto probe = m_engine->stub("StorageProbe", "admin").value();
        QVERIFY(await(probe.call("put", QJsonObject {{"key", "a"}, {"value", 1}})).ok());
        const qint64 seq = awaitValue(m_inspector->editState("StorageProbe", probe.id(),
                                                             QJsonObject {{"b", 2}}, {"a"}))
                               .value();
        QCOMPARE(seq, 2);
        QCOMPARE(toMap(awaitValue(m_inspector->keyValues("StorageProbe", probe.id())).value()),
                 (QMap<QString, QJsonValue> {{"b", 2}}));
        auto entries = awaitValue(m_inspector->journal("StorageProbe", probe.id())).value();
        QCOMPARE(entries.first().trigger, QStringLiteral("admin-edit"));
        QCOMPARE(entries.first().changes["removed"].toArray(), QJsonArray({"a"}));
        QCOMPARE(awaitValue(m_inspector->reset("StorageProbe", probe.id())).value(), 3);
        QVERIFY(awaitValue(m_inspector->keyValues("StorageProbe", probe.id())).value().isEmpty());
    }

    void forkIsIndependentOfItsOrigin()
    {
        auto origin = m_engine->stub("Counter", "origin").value();
        for (int i = 0; i < 10; ++i)
            QVERIFY(await(origin.call("increment")).ok());
        const ObjectId forkId =
            awaitValue(m_inspector->fork("Counter", origin.id(), 4, "what-if")).value();
        QCOMPARE(forkId, ObjectId::fromName("Counter", "what-if"));
        QCOMPARE(call(*m_engine, "Counter", "what-if", "get").value().toInt(), 4);
        QCOMPARE(call(*m_engine, "Counter", "what-if", "increment").value().toInt(), 5);
        QCOMPARE(await(origin.call("get")).value().toInt(), 10); // untouched
        QCOMPARE(await(origin.call("increment")).value().toInt(), 11);
        QCOMPARE(call(*m_engine, "Counter", "what-if", "get").value().toInt(), 5);
        const ObjectSummary summary = awaitValue(m_inspector->object("Counter", forkId)).value();
        QCOMPARE(summary.forkOf, origin.id().toString());
        QCOMPARE(summary.forkSeq, 4);
        auto again = awaitValue(m_inspector->fork("Counter", origin.id(), 2, "what-if"));
        QCOMPARE(again.error().code(), ErrorCode::Conflict);
    }

    void retentionKeepsWhatItKeepsReconstructible()
    {
        auto counter = m_engine->stub("Counter", "long").value();
        for (int i = 0; i < 1000; ++i)
            QVERIFY(await(counter.call("increment")).ok());
        RetentionPolicy keep;
        keep.kind = RetentionPolicy::Kind::KeepLastTurns;
        keep.count = 100;
        QCOMPARE(awaitValue(m_inspector->compact("Counter", counter.id(), keep)).value(), 900);
        const StorageSize size =
            awaitValue(m_inspector->storageSize("Counter", counter.id())).value();
        QCOMPARE(size.journalEntries, 100);
        QCOMPARE(size.oldestSeq, 901);
        QVERIFY(size.fileBytes > 0);
        QCOMPARE(awaitValue(m_inspector->stateAt("Counter", counter.id(), 900))
                     .value()
                     .first()
                     .value.toInt(),
                 900);
        QCOMPARE(awaitValue(m_inspector->stateAt("Counter", counter.id(), 950))
                     .value()
                     .first()
                     .value.toInt(),
                 950);
        auto gone = awaitValue(m_inspector->stateAt("Counter", counter.id(), 500));
        QVERIFY(!gone.ok());
        QVERIFY2(gone.error().message().contains("compacted"), qPrintable(gone.error().message()));
        QCOMPARE(awaitValue(m_inspector->diff("Counter", counter.id(), 900, 1000))
                     .value()
                     .keys.first()
                     .after.toInt(),
                 1000);
    }

    void classRetentionCompactsAsItGoes()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.dataDir = dir.path();
        options.clock = std::make_shared<VirtualClock>();
        Engine engine(options);
        ClassOptions keepFew;
        keepFew.retention = {RetentionPolicy::Kind::KeepLastTurns, 300};
        QVERIFY(engine.registerClass<Counter>("ShortMemory", keepFew).ok());
        QVERIFY(engine.start().ok());
        Inspector inspector(&engine);
        const Stub counter = engine.stub("ShortMemory", "c").value();
        for (int i = 0; i < 2000; ++i)
            QVERIFY(await(counter.call("increment")).ok());
        const StorageSize size =
            awaitValue(inspector.storageSize("ShortMemory", counter.id())).value();
        QVERIFY2(size.journalEntries >= 300 && size.journalEntries < 300 + 256 + 1,
                 qPrintable(QString::number(size.journalEntries)));
        QCOMPARE(awaitValue(inspector.stateAt("ShortMemory", counter.id(), size.oldestSeq))
                     .value()
                     .first()
                     .value.toInt(),
                 size.oldestSeq);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Inspector> m_inspector;
};

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
