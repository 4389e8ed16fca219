// SPDX-License-Identifier: MIT
// Agents in the journal: their state, step, schedules, pending human requests and model calls
// are journaled as reserved _durable_agent_* keys, so replaying the journal, stateAt (snapshots
// included) and compaction give what the agent tables hold; user keys there are refused.
#include "agentfixture.h"
#include "agenttestobjects.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

constexpr qint64 Hour = 3600 * 1000;

const ObjectId s_id = ObjectId::fromName(QStringLiteral("Probe"), QStringLiteral("p"));

Result<QJsonValue> probe(Engine &engine, const QString &method, const QJsonValue &args = {})
{
    return call(engine, QStringLiteral("Probe"), QStringLiteral("p"), method, args);
}

// What the agent tables hold now, read through the public API, as the journal's facets.
QMap<QString, QJsonValue> storedFacets(Engine &engine)
{
    AgentDirectory agents(&engine);
    QMap<QString, QJsonValue> facets;
    const QJsonObject state = wait(agents.state("Probe", s_id)).value();
    if (!state.isEmpty())
        facets.insert("_durable_agent_state", state);
    const QString step = wait(agents.steps("Probe")).value().value(s_id);
    if (!step.isEmpty())
        facets.insert("_durable_agent_step", step);
    QJsonArray schedules;
    const QList<ScheduleInfo> listed = wait(agents.schedules("Probe", s_id)).value();
    for (const ScheduleInfo &info : listed)
        schedules.append(info.toJson());
    if (!schedules.isEmpty())
        facets.insert("_durable_agent_schedules", schedules);
    QJsonArray requests;
    const QList<HumanRequestInfo> pending = wait(agents.humanRequests("Probe", s_id, true)).value();
    for (const HumanRequestInfo &info : pending) {
        QJsonObject json = info.toJson();
        for (const char *identity : {"objectId", "className", "objectName"})
            json.remove(QLatin1String(identity));
        requests.append(json);
    }
    if (!requests.isEmpty())
        facets.insert("_durable_agent_requests", requests);
    return facets;
}

QMap<QString, QJsonValue> agentKeys(const QMap<QString, QJsonValue> &state)
{
    QMap<QString, QJsonValue> facets;
    for (auto it = state.cbegin(); it != state.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("_durable_agent_")))
            facets.insert(it.key(), it.value());
    }
    return facets;
}

QMap<QString, QJsonValue> replayed(Engine &engine)
{
    Inspector inspector(&engine);
    QList<JournalEntry> entries = wait(inspector.journal("Probe", s_id)).value();
    std::reverse(entries.begin(), entries.end());
    QMap<QString, QJsonValue> state;
    for (const JournalEntry &entry : entries)
        replayJournalEntry(state, entry);
    return agentKeys(state);
}

QMap<QString, QJsonValue> stateAt(Engine &engine, qint64 seq)
{
    QMap<QString, QJsonValue> state;
    const QList<KeyValue> kvs = wait(Inspector(&engine).stateAt("Probe", s_id, seq)).value();
    for (const KeyValue &kv : kvs)
        state.insert(kv.key, kv.value);
    return agentKeys(state);
}

QString describe(const QMap<QString, QJsonValue> &facets)
{
    QJsonObject json;
    for (auto it = facets.cbegin(); it != facets.cend(); ++it)
        json.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

qint64 lastSeq(Engine &engine)
{
    return wait(Inspector(&engine).journal("Probe", s_id)).value().first().seq;
}

} // namespace

class TestAgentJournal : public QObject
{
    Q_OBJECT
private slots:
    void journalReplayEqualsStoredState()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        HumanInbox inbox(&engine);
        const auto matches = [&](const char *after) {
            const QMap<QString, QJsonValue> stored = storedFacets(engine);
            const QMap<QString, QJsonValue> journaled = replayed(engine);
            if (journaled == stored && stateAt(engine, lastSeq(engine)) == stored)
                return true;
            qWarning("after %s: stored %s\njournaled %s", after, qPrintable(describe(stored)),
                     qPrintable(describe(journaled)));
            return false;
        };

        QVERIFY(probe(engine, "setState", QJsonObject {{"count", 1}}).ok());
        QVERIFY(matches("setState"));
        QVERIFY(replayed(engine).contains("_durable_agent_state"));
        QVERIFY(probe(engine, "setStep", "draft").ok());
        QVERIFY(matches("setStep"));
        QCOMPARE(replayed(engine).value("_durable_agent_step").toString(), QStringLiteral("draft"));
        const QString later =
            probe(engine, "schedule", QJsonObject {{"ms", double(2 * Hour)}}).value().toString();
        QVERIFY(probe(engine, "schedule", QJsonObject {{"ms", double(Hour)}}).ok());
        QVERIFY(matches("schedule"));
        QCOMPARE(replayed(engine).value("_durable_agent_schedules").toArray().size(), 2);
        const QString asked = probe(engine, "ask",
                                    QJsonObject {{"title", "Ship it?"},
                                                 {"context", QJsonObject {{"v", 2}}},
                                                 {"deadlineMs", double(s_t0 + 3 * Hour)},
                                                 {"deadlineContinuation", "onDeadline"}})
                                  .value()
                                  .toString();
        QVERIFY(matches("ask"));
        QCOMPARE(replayed(engine).value("_durable_agent_requests").toArray().size(), 1);
        QCOMPARE(replayed(engine).value("_durable_agent_schedules").toArray().size(), 3);
        QVERIFY(probe(engine, "cancel", later).value().toBool());
        QVERIFY(matches("cancel"));
        QCOMPARE(f.clock->advance(1h), 1); // the one-hour schedule runs and is gone
        QVERIFY(matches("schedule ran"));
        QVERIFY(wait(AgentDirectory(&engine).setState("Probe", s_id, {{"count", 7}})).ok());
        QVERIFY(matches("admin edit"));
        QCOMPARE(replayed(engine).value("_durable_agent_state").toObject().value("count").toInt(),
                 7);
        HumanResponse approve;
        approve.action = HumanAction::Approve;
        QVERIFY(wait(inbox.answer(asked, approve)).ok());
        QVERIFY(matches("answer"));
        // Answered: no pending request and no deadline left, so both keys are gone.
        QVERIFY(!replayed(engine).contains("_durable_agent_requests"));
        QVERIFY(!replayed(engine).contains("_durable_agent_schedules"));
        QVERIFY(wait(Inspector(&engine).reset("Probe", s_id)).ok());
        QVERIFY(matches("reset"));
        QVERIFY(replayed(engine).isEmpty());
    }

    void snapshotsAndCompactionKeepAgentKeys()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        QVERIFY(probe(engine, "setState", QJsonObject {{"count", 3}}).ok());
        QVERIFY(probe(engine, "setStep", "review").ok());
        QVERIFY(probe(engine, "schedule", QJsonObject {{"ms", double(Hour)}}).ok());
        const QMap<QString, QJsonValue> stored = storedFacets(engine);
        QCOMPARE(stored.size(), 3);
        // Past a snapshot (every 256 turns) with turns that change nothing of the agent.
        for (int i = 0; i < 300; ++i)
            QVERIFY(probe(engine, "echo", i).ok());
        const qint64 last = lastSeq(engine);
        QVERIFY(last > 300);
        QCOMPARE(stateAt(engine, last), stored);
        RetentionPolicy keep;
        keep.kind = RetentionPolicy::Kind::KeepLastTurns;
        keep.count = 10;
        QVERIFY(wait(Inspector(&engine).compact("Probe", s_id, keep)).value() > 0);
        QCOMPARE(stateAt(engine, last), stored);
        QCOMPARE(stateAt(engine, last - 5), stored);
    }

    void durableKeysAreRefused()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        QVERIFY(probe(engine, "setState", QJsonObject {{"count", 1}}).ok());
        Inspector inspector(&engine);
        const auto put = wait(inspector.editState("Probe", s_id, {{"_durable_x", 1}}));
        QVERIFY(!put.ok());
        QCOMPARE(put.error().code(), ErrorCode::InvalidArgument);
        QCOMPARE(
            put.error().message(),
            QStringLiteral("Key \"_durable_x\" is reserved: keys starting with _durable_ belong to "
                           "the engine"));
        const auto remove = wait(
            inspector.editState("Probe", s_id, {}, {QStringLiteral("_durable_agent_state")}));
        QCOMPARE(remove.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(wait(inspector.editState("Probe", s_id, {{"durable_x", 1}})).ok());
        QCOMPARE(stateAt(engine, lastSeq(engine)).value("_durable_agent_state").toObject(),
                 QJsonObject({{"count", 1}}));
    }
};

QTEST_GUILESS_MAIN(TestAgentJournal)
#include "tst_agentjournal.moc"
