// SPDX-License-Identifier: MIT
// The reference agents end to end on a virtual clock with scripted models: the recruitment
// workflow (approve and reject), the assistant's tools, the tool-loop bound, what the journal
// keeps of a model call, cassette record/replay, and a SIGKILL restart with work in flight.
#include "examplestestutil.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <durable/core/agent.h>
#include <durable/core/agentdirectory.h>
#include <durable/core/branchcomparison.h>
#include <durable/core/cassettechatmodel.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/modelsources.h>
#include <durable/core/sandboxes.h>
#include <durable/core/virtualclock.h>

#include <directorysnapshot.h>

using namespace Durable;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

const qint64 s_t0 = QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();

// Calls a tool forever: the loop bound must stop it.
class Looper : public Agent
{
public:
    Looper()
    {
        handle("go", &Looper::go);
        handle("result", &Looper::result);
        continuation("done", &Looper::done);
        tool("spin", QStringLiteral("Spin once."),
             QJsonObject {{QStringLiteral("type"), QStringLiteral("object")}}, &Looper::spin);
    }
    QJsonObject scriptedRules() const override
    {
        return QJsonObject {
            {QStringLiteral("rules"),
             QJsonArray {QJsonObject {
                 {QStringLiteral("reply"),
                  QJsonObject {{QStringLiteral("toolCalls"),
                                QJsonArray {QJsonObject {
                                    {QStringLiteral("name"), QStringLiteral("spin")},
                                    {QStringLiteral("arguments"), QJsonObject {}}}}}}}}}}};
    }
    int maxToolRounds() const override { return 3; }
    QJsonValue go()
    {
        ChatRequest request;
        request.messages = {ChatMessage::user(QStringLiteral("spin"))};
        return callModel(request, QStringLiteral("done"));
    }
    QJsonValue spin(const QJsonObject &)
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("spins"), s.value(QStringLiteral("spins")).toInt() + 1);
        setState(s);
        return QStringLiteral("spun");
    }
    QJsonValue done(const QJsonValue &, const Result<ChatReply> &reply)
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("error"), reply.ok() ? QString() : reply.error().message());
        setState(s);
        return s;
    }
    QJsonValue result() const { return state(); }
};

struct Fixture
{
    std::shared_ptr<VirtualClock> clock;
    std::unique_ptr<Engine> engine;
};

Fixture start(const QString &dir, qint64 startMs = s_t0, ModelProvider provider = {})
{
    Fixture f;
    f.clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC));
    EngineOptions options;
    options.dataDir = dir;
    options.clock = f.clock;
    options.modelProvider = std::move(provider);
    f.engine = std::make_unique<Engine>(options);
    DurableExamples::registerExampleClasses(*f.engine);
    (void)f.engine->registerClass<Looper>(QStringLiteral("Looper"));
    if (auto ok = f.engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    return f;
}

template<typename T>
Result<T> wait(QFuture<T> future)
{
    try {
        future.waitForFinished();
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

QJsonObject status(Engine &engine, const QString &name)
{
    return call(engine, QStringLiteral("Recruitment"), name, QStringLiteral("status"))
        .value()
        .toObject();
}

QString stepOf(Engine &engine, const QString &name)
{
    return status(engine, name).value(QStringLiteral("step")).toString();
}

QJsonObject resume(const QString &candidate)
{
    return {{QStringLiteral("candidate"), candidate},
            {QStringLiteral("role"), QStringLiteral("Engineer")},
            {QStringLiteral("resume"), QStringLiteral("Writes C++.")}};
}

HumanRequestInfo pendingFor(Engine &engine, const QString &name)
{
    HumanInbox inbox(&engine);
    const QList<HumanRequestInfo> pending = wait(inbox.pending()).value();
    for (const HumanRequestInfo &request : pending) {
        if (request.objectName == name)
            return request;
    }
    return {};
}

Result<QJsonValue> decide(Engine &engine, const QString &name, HumanAction action,
                          const QString &text = {})
{
    HumanResponse response;
    response.action = action;
    response.text = text;
    response.answeredBy = QStringLiteral("rita");
    return wait(HumanInbox(&engine).answer(pendingFor(engine, name), response));
}

QList<JournalEntry> journalOf(Engine &engine, const QString &cls, const QString &name)
{
    Inspector inspector(&engine);
    QList<JournalEntry> entries =
        wait(inspector.journal(cls, ObjectId::fromName(cls, name))).value();
    std::reverse(entries.begin(), entries.end()); // oldest first
    return entries;
}

bool reaches(Engine &engine, const QString &name, const QString &step)
{
    return QTest::qWaitFor([&] { return stepOf(engine, name) == step; }, 10000);
}

// One object as the comparison reads it: its summary, every turn oldest first, its state now.
BranchComparison::Branch branchOf(Engine &engine, const QString &name)
{
    const ObjectId id = ObjectId::fromName(QStringLiteral("Recruitment"), name);
    Inspector inspector(&engine);
    BranchComparison::Branch branch;
    branch.summary = wait(inspector.object(QStringLiteral("Recruitment"), id)).value();
    JournalQuery all;
    all.limit = 1000;
    branch.turns = wait(inspector.journal(QStringLiteral("Recruitment"), id, all)).value();
    std::reverse(branch.turns.begin(), branch.turns.end());
    branch.state = wait(inspector.stateAt(QStringLiteral("Recruitment"), id,
                                          branch.turns.constLast().seq))
                       .value();
    return branch;
}

// Runs the approve path to the end; returns the final status.
QJsonObject runApprovePath(Fixture &f, const QString &name)
{
    Engine &engine = *f.engine;
    const auto submitted = call(engine, QStringLiteral("Recruitment"), name,
                                QStringLiteral("submitResume"), resume(QStringLiteral("Ada")));
    if (!submitted.ok())
        qWarning("%s", qPrintable(submitted.error().message()));
    if (!reaches(engine, name, QStringLiteral("awaiting-recruiter")))
        qWarning("%s never reached awaiting-recruiter", qPrintable(name));
    const auto decided = decide(engine, name, HumanAction::Respond,
                                QStringLiteral("ask about C++"));
    if (!decided.ok())
        qWarning("%s", qPrintable(decided.error().message()));
    if (!reaches(engine, name, QStringLiteral("follow-up-scheduled")))
        qWarning("%s never reached follow-up-scheduled", qPrintable(name));
    f.clock->advance(24h);
    if (!reaches(engine, name, QStringLiteral("closed")))
        qWarning("%s never reached closed", qPrintable(name));
    return status(engine, name);
}

// The step of an object from the catalog's index: unlike the agent's "status" handler, reading
// it is no turn of the object, so its journal holds only the workflow's turns.
QString indexedStep(Engine &engine, const ObjectId &id)
{
    return wait(AgentDirectory(&engine).steps(QStringLiteral("Recruitment"))).value().value(id);
}

QMap<QString, QJsonValue> stateAtTurn(Engine &engine, const ObjectId &id, qint64 seq)
{
    QMap<QString, QJsonValue> state;
    const QList<KeyValue> kvs = wait(Inspector(&engine).stateAt("Recruitment", id, seq)).value();
    for (const KeyValue &kv : kvs)
        state.insert(kv.key, kv.value);
    return state;
}

// A human request as the journal keeps it, without what differs between objects.
QJsonObject comparable(QJsonObject request)
{
    for (const char *key : {"requestId", "objectId", "className", "objectName"})
        request.remove(QLatin1String(key));
    return request;
}

// The agent as its tables hold it now, read through the public API, in the journal's terms.
QMap<QString, QJsonValue> agentNow(Engine &engine, const ObjectId &id)
{
    AgentDirectory agents(&engine);
    QMap<QString, QJsonValue> facets;
    facets.insert("_durable_agent_state", wait(agents.state("Recruitment", id)).value());
    facets.insert("_durable_agent_step", indexedStep(engine, id));
    QJsonArray schedules;
    const QList<ScheduleInfo> listed = wait(agents.schedules("Recruitment", id)).value();
    for (const ScheduleInfo &info : listed)
        schedules.append(info.toJson());
    facets.insert("_durable_agent_schedules", schedules);
    QJsonArray requests;
    const QList<HumanRequestInfo> pending =
        wait(agents.humanRequests("Recruitment", id, true)).value();
    for (const HumanRequestInfo &info : pending)
        requests.append(comparable(info.toJson()));
    facets.insert("_durable_agent_requests", requests);
    return facets;
}

// The same facets from stateAt (absent lists are empty), requests made comparable.
QMap<QString, QJsonValue> agentAt(Engine &engine, const ObjectId &id, qint64 seq)
{
    const QMap<QString, QJsonValue> state = stateAtTurn(engine, id, seq);
    QMap<QString, QJsonValue> facets;
    facets.insert("_durable_agent_state", state.value("_durable_agent_state").toObject());
    facets.insert("_durable_agent_step", state.value("_durable_agent_step").toString());
    facets.insert("_durable_agent_schedules", state.value("_durable_agent_schedules").toArray());
    QJsonArray requests;
    for (const QJsonValue &request : state.value("_durable_agent_requests").toArray())
        requests.append(comparable(request.toObject()));
    facets.insert("_durable_agent_requests", requests);
    return facets;
}

} // namespace

class TestExamples : public QObject
{
    Q_OBJECT
private slots:
    void recruitmentApprovePath()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        const auto submitted = call(engine, QStringLiteral("Recruitment"), QStringLiteral("ada"),
                                    QStringLiteral("submitResume"), resume(QStringLiteral("Ada")));
        QVERIFY2(submitted.ok(), qPrintable(submitted.error().message()));
        QCOMPARE(submitted.value().toObject().value("modelCall").toString(),
                 QStringLiteral("mc-1"));
        QTRY_COMPARE(stepOf(engine, "ada"), QStringLiteral("awaiting-recruiter"));
        const HumanRequestInfo request = pendingFor(engine, "ada");
        QCOMPARE(request.title, QStringLiteral("Review Ada"));
        QCOMPARE(request.context.toObject().value("assessment").toObject().value("score").toInt(),
                 8);

        const auto decided = decide(engine, "ada", HumanAction::Approve);
        QVERIFY2(decided.ok(), qPrintable(decided.error().message()));
        QCOMPARE(decided.value().toString(), QStringLiteral("interview"));
        QTRY_COMPARE(stepOf(engine, "ada"), QStringLiteral("follow-up-scheduled"));
        QJsonObject s = status(engine, "ada");
        QCOMPARE(s.value("slot").toObject().value("durationMinutes").toInt(), 45);
        QCOMPARE(s.value("slot").toObject().value("interviewer").toString(),
                 QStringLiteral("Sam Rivera"));
        QVERIFY(s.value("interview").toString().startsWith("Interview proposed: booked"));
        QCOMPARE(s.value("schedules").toInt(), 1);
        QCOMPARE(s.value("pendingModelCalls").toInt(), 0);

        QCOMPARE(f.clock->advance(23h), 0);
        QCOMPARE(stepOf(engine, "ada"), QStringLiteral("follow-up-scheduled"));
        QCOMPARE(f.clock->advance(1h), 1);
        QTRY_COMPARE(stepOf(engine, "ada"), QStringLiteral("closed"));
        s = status(engine, "ada");
        QVERIFY(s.value("followUpMessage").toString().startsWith("Hello! Thank you"));
        QCOMPARE(s.value("schedules").toInt(), 0);

        // Triggers in order: the request, the model reply, the human answer, the booking round
        // (reply with a tool call, the tool, the final reply), the schedule, its model reply.
        QStringList triggers;
        for (const JournalEntry &entry : journalOf(engine, "Recruitment", "ada")) {
            if (entry.method != QLatin1String("status"))
                triggers.append(entry.trigger + QLatin1Char(':') + entry.method);
        }
        QCOMPARE(triggers,
                 QStringList({"request:submitResume", "model-reply:onScreened",
                              "human-answer:answer", "model-reply:onInterviewBooked",
                              "tool:proposeInterviewSlot", "model-reply:onInterviewBooked",
                              "schedule:", "model-reply:onFollowUpDrafted"}));
    }

    // Issue 12: the journal covers an agent fully. At every turn of the approve path, stateAt
    // has the agent's state and step, a diff shows the step changing, and a fork at that turn
    // is the agent as it was then (state, step, schedules, open requests).
    void recruitmentJournalCoversEveryTurn()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        Inspector inspector(&engine);
        const ObjectId id = ObjectId::fromName("Recruitment", "eve");
        const auto lastSeq = [&] { return journalOf(engine, "Recruitment", "eve").last().seq; };
        // The tables now equal the journal's latest state: the journal is the truth's history.
        const auto checkpoint = [&] {
            return agentNow(engine, id) == agentAt(engine, id, lastSeq());
        };

        QVERIFY(call(engine, "Recruitment", "eve", "submitResume", resume("Eve")).ok());
        QTRY_COMPARE(indexedStep(engine, id), QStringLiteral("awaiting-recruiter"));
        QVERIFY(checkpoint());
        QVERIFY(decide(engine, "eve", HumanAction::Approve).ok());
        QTRY_COMPARE(indexedStep(engine, id), QStringLiteral("follow-up-scheduled"));
        QTRY_COMPARE(lastSeq(), qint64(6));
        QVERIFY(checkpoint());
        const qint64 beforeFollowUp = lastSeq();

        // Turn by turn: trigger, step, state keys, schedules, open requests, pending model calls.
        struct Expected
        {
            QString turn;
            QString step;
            QStringList stateKeys;
            int schedules;
            int requests;
            int modelCalls;
        };
        const QStringList submitted {"candidate", "resume", "role"};
        const QList<Expected> expected {
            {"request:submitResume", "screening", submitted, 0, 0, 1},
            {"model-reply:onScreened", "awaiting-recruiter", submitted + QStringList {"assessment"},
             0, 1, 0},
            {"human-answer:answer", "awaiting-recruiter",
             submitted + QStringList {"assessment", "decision"}, 0, 0, 1},
            {"model-reply:onInterviewBooked", "awaiting-recruiter",
             submitted + QStringList {"assessment", "decision"}, 0, 0, 1},
            {"tool:proposeInterviewSlot", "awaiting-recruiter",
             submitted + QStringList {"assessment", "decision", "slot"}, 0, 0, 1},
            {"model-reply:onInterviewBooked", "follow-up-scheduled",
             submitted + QStringList {"assessment", "decision", "interview", "slot"}, 1, 0, 0},
            {"schedule:", "follow-up-scheduled",
             submitted + QStringList {"assessment", "decision", "interview", "slot"}, 0, 0, 1},
            {"model-reply:onFollowUpDrafted", "closed",
             submitted +
                 QStringList {"assessment", "decision", "followUpMessage", "interview", "slot"},
             0, 0, 0},
        };

        const auto checkTurns = [&](qint64 from, qint64 to) {
            const QList<JournalEntry> entries = journalOf(engine, "Recruitment", "eve");
            for (qint64 seq = from; seq <= to; ++seq) {
                const Expected &e = expected.at(seq - 1);
                const JournalEntry &entry = entries.at(seq - 1);
                QCOMPARE(entry.seq, seq);
                QCOMPARE(entry.trigger + QLatin1Char(':') + entry.method, e.turn);
                const QMap<QString, QJsonValue> state = stateAtTurn(engine, id, seq);
                QCOMPARE(state.value("_durable_agent_step").toString(), e.step);
                QStringList keys = state.value("_durable_agent_state").toObject().keys();
                keys.sort();
                QStringList expectedKeys = e.stateKeys;
                expectedKeys.sort();
                QCOMPARE(keys, expectedKeys);
                QCOMPARE(state.value("_durable_agent_schedules").toArray().size(), e.schedules);
                QCOMPARE(state.value("_durable_agent_requests").toArray().size(), e.requests);
                QCOMPARE(state.value("_durable_agent_model_calls").toArray().size(), e.modelCalls);

                const StateDiff diff =
                    wait(inspector.diff("Recruitment", id, seq - 1, seq)).value();
                const QString previous = seq > 1 ? expected.at(seq - 2).step : QString();
                const auto change = std::find_if(
                    diff.keys.cbegin(), diff.keys.cend(), [](const KeyChange &c) {
                        return c.key == QLatin1String("_durable_agent_step");
                    });
                QCOMPARE(change != diff.keys.cend(), previous != e.step);
                if (change != diff.keys.cend()) {
                    QCOMPARE(change->before.toString(), previous);
                    QCOMPARE(change->after.toString(), e.step);
                }

                const QString forkName = QStringLiteral("eve-at-%1").arg(seq);
                const auto forked = wait(inspector.fork("Recruitment", id, seq, forkName));
                QVERIFY2(forked.ok(), qPrintable(forked.error().message()));
                const ObjectId forkId = forked.value();
                QCOMPARE(agentNow(engine, forkId), agentAt(engine, id, seq));
                QCOMPARE(indexedStep(engine, forkId), e.step);
                int inInbox = 0;
                const QList<HumanRequestInfo> inbox = wait(HumanInbox(&engine).pending()).value();
                for (const HumanRequestInfo &request : inbox)
                    inInbox += request.objectName == forkName ? 1 : 0;
                QCOMPARE(inInbox, e.requests);
            }
        };
        // Forks before the clock passes the follow-up: a fork's overdue schedule would run.
        checkTurns(1, beforeFollowUp);
        if (QTest::currentTestFailed())
            return;
        f.clock->advance(24h);
        QTRY_COMPARE(indexedStep(engine, id), QStringLiteral("closed"));
        QTRY_COMPARE(lastSeq(), qint64(expected.size()));
        QVERIFY(checkpoint());
        checkTurns(beforeFollowUp + 1, lastSeq());
    }

    void recruitmentRejectPath()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        QVERIFY(call(engine, "Recruitment", "bob", "submitResume", resume("Bob")).ok());
        QTRY_COMPARE(stepOf(engine, "bob"), QStringLiteral("awaiting-recruiter"));
        const auto decided = decide(engine, "bob", HumanAction::Reject);
        QVERIFY2(decided.ok(), qPrintable(decided.error().message()));
        QCOMPARE(stepOf(engine, "bob"), QStringLiteral("rejected"));
        const QJsonObject s = status(engine, "bob");
        QCOMPARE(s.value("decision").toString(), QStringLiteral("rejected"));
        QCOMPARE(s.value("schedules").toInt(), 0);
        QCOMPARE(s.value("pendingModelCalls").toInt(), 0);
        QCOMPARE(f.clock->advance(48h), 0);
        QCOMPARE(stepOf(engine, "bob"), QStringLiteral("rejected"));
    }

    // Issue 17: the what-if loop end to end. The original approves Ada; a sandbox forked while
    // her screening call was pending gets an edited screening reply instead, and the recruiter
    // there rejects. The comparison shows where the branches part and how they end, and the
    // original's files are as they were, byte for byte.
    void recruitmentWhatIfInASandbox()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &origin = *f.engine;
        const ObjectId ada = ObjectId::fromName("Recruitment", "ada");
        QVERIFY(call(origin, "Recruitment", "ada", "submitResume", resume("Ada")).ok());
        QTRY_COMPARE(indexedStep(origin, ada), QStringLiteral("awaiting-recruiter"));
        QVERIFY(decide(origin, "ada", HumanAction::Approve).ok());
        QTRY_COMPARE(indexedStep(origin, ada), QStringLiteral("follow-up-scheduled"));
        QCOMPARE(f.clock->advance(24h), 1);
        QTRY_COMPARE(indexedStep(origin, ada), QStringLiteral("closed"));
        QVERIFY(await(origin.evict(ada)).ok());
        const DirectorySnapshot before = snapshotDirectory(dir.path() + "/objects");

        // Forked at turn 1, the resume: the screening call is pending in the copy.
        const SandboxInfo info = wait(Sandboxes::create(&origin, "Recruitment", ada, 1,
                                                        QStringLiteral("try-reject")))
                                     .value();
        QCOMPARE(snapshotDirectory(dir.path() + "/objects"), before);
        EngineOptions options;
        options.dataDir = info.dataDir;
        QVERIFY(Sandboxes::prepare(options).ok());
        QVERIFY(options.modelSources);
        // Every reply the original got after turn 1: screening, booking (tool call, then the
        // confirmation), follow-up.
        const QList<RecordedReply> recorded = options.modelSources->recorded();
        QStringList calls;
        for (const RecordedReply &reply : recorded)
            calls.append(QStringLiteral("%1#%2").arg(reply.call.callId).arg(reply.call.round));
        QCOMPARE(calls, QStringList({"mc-1#0", "mc-2#0", "mc-2#1", "mc-3#0"}));

        // As the studio runs it: the pending screening call waits for a choice.
        options.modelSources->setAskFirst(true);
        auto sandbox = std::make_unique<Engine>(options);
        DurableExamples::registerExampleClasses(*sandbox);
        QVERIFY(sandbox->start().ok());
        const ModelCallContext screening {"Recruitment", ada, "mc-1", 0};
        QCOMPARE(wait(ModelCallDirectory(sandbox.get()).sendWaiting("Recruitment", ada)).value(),
                 1);
        QTRY_VERIFY(options.modelSources->isWaiting(screening.key()));
        QCOMPARE(indexedStep(*sandbox, ada), QStringLiteral("screening"));
        ModelSourceChoice recordedWhenNone;
        const ModelCallContext never {"Recruitment", ada, "mc-9", 0};
        QCOMPARE(options.modelSources->choose(never, recordedWhenNone).error().code(),
                 ErrorCode::NotFound);

        const auto edited = ModelSourceChoice::fromJson(QJsonObject {
            {"source", "edited"},
            {"reply",
             QJsonObject {{"content", R"({"score": 2, "strengths": [], "concerns": ["no )"
                                      R"(compiler work"], "recommendation": "reject"})"}}}});
        QVERIFY2(edited.ok(), qPrintable(edited.error().message()));
        QVERIFY(options.modelSources->choose(screening, edited.value()).ok());
        QTRY_COMPARE(indexedStep(*sandbox, ada), QStringLiteral("awaiting-recruiter"));
        QVERIFY(!options.modelSources->isWaiting(screening.key()));
        const HumanRequestInfo review = pendingFor(*sandbox, "ada");
        QCOMPARE(review.context.toObject().value("assessment").toObject().value("score").toInt(),
                 2);
        QVERIFY(decide(*sandbox, "ada", HumanAction::Reject).ok());
        QCOMPARE(indexedStep(*sandbox, ada), QStringLiteral("rejected"));

        // The reply is labelled as edited in the journal and in the call's listing.
        const QList<ModelCallInfo> sandboxCalls =
            wait(ModelCallDirectory(sandbox.get()).modelCalls("Recruitment", ada)).value();
        QCOMPARE(sandboxCalls.size(), 1);
        QCOMPARE(sandboxCalls.at(0).lastReply.value("provider").toString(),
                 QStringLiteral("edited"));

        // Compared: shared history up to turn 1, the first difference at the screening reply,
        // and a state that ends rejected instead of closed.
        const BranchComparison::Branch a = branchOf(origin, "ada");
        const BranchComparison::Branch b = branchOf(*sandbox, "ada");
        const BranchComparison comparison = BranchComparison::build(a, b);
        QCOMPARE(comparison.relation, QStringLiteral("fork"));
        QCOMPARE(comparison.sharedUntil, 1);
        QCOMPARE(comparison.firstDifference, 2);
        QCOMPARE(comparison.rows.first().a->trigger, QStringLiteral("model-reply"));
        QCOMPARE(comparison.rows.first().b->trigger, QStringLiteral("model-reply"));
        QStringList differing;
        for (const KeyChange &change : comparison.stateDiff)
            differing.append(change.key);
        QVERIFY2(differing.contains("_durable_agent_step"), qPrintable(differing.join(", ")));
        QVERIFY2(differing.contains("_durable_agent_state"), qPrintable(differing.join(", ")));

        // The original: its objects, alarms and inbox untouched.
        sandbox->shutdown();
        QCOMPARE(snapshotDirectory(dir.path() + "/objects"), before);
        QCOMPARE(indexedStep(origin, ada), QStringLiteral("closed"));
        QVERIFY(wait(HumanInbox(&origin).pending()).value().isEmpty());
        QVERIFY(wait(Inspector(&origin).alarms()).value().isEmpty());

        // Opened again without asking (as durable run does): the recorded replies play on.
        auto reopened = ModelSources::open(info.dataDir);
        QVERIFY(reopened.ok());
        QCOMPARE(reopened.value()->choice(screening.key())->source, ModelSource::Edited);
        QCOMPARE(
            reopened.value()->resolved(QStringLiteral("%1/mc-2/0").arg(ada.toString()))->source,
            ModelSource::Recorded);
    }

    // Recorded replies replay the original's answers, labelled with the turn they came from;
    // a call the original never made goes to the live model.
    void aSandboxReplaysRecordedRepliesByDefault()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &origin = *f.engine;
        const ObjectId ada = ObjectId::fromName("Recruitment", "ada");
        QVERIFY(call(origin, "Recruitment", "ada", "submitResume", resume("Ada")).ok());
        QTRY_COMPARE(indexedStep(origin, ada), QStringLiteral("awaiting-recruiter"));
        const SandboxInfo info = wait(Sandboxes::create(&origin, "Recruitment", ada, 1,
                                                        QStringLiteral("replay")))
                                     .value();
        EngineOptions options;
        options.dataDir = info.dataDir;
        QVERIFY(Sandboxes::prepare(options).ok());
        auto sandbox = std::make_unique<Engine>(options);
        DurableExamples::registerExampleClasses(*sandbox);
        QVERIFY(sandbox->start().ok());
        QCOMPARE(wait(ModelCallDirectory(sandbox.get()).sendWaiting("Recruitment", ada)).value(),
                 1);
        QTRY_COMPARE(indexedStep(*sandbox, ada), QStringLiteral("awaiting-recruiter"));
        const QList<JournalEntry> turns = journalOf(*sandbox, "Recruitment", "ada");
        const auto replied = std::find_if(turns.begin(), turns.end(), [](const JournalEntry &e) {
            return e.trigger == QLatin1String("model-reply");
        });
        QVERIFY(replied != turns.end());
        QCOMPARE(replied->input.toObject().value("replayedFrom").toString(),
                 QStringLiteral("original turn 2"));
        QCOMPARE(replied->output.toObject().value("score").toInt(), 8);
        // Approved there: the booking call was never made by the original, so it is live
        // (scripted rules here) and the workflow goes on.
        QVERIFY(decide(*sandbox, "ada", HumanAction::Approve).ok());
        QTRY_COMPARE(indexedStep(*sandbox, ada), QStringLiteral("follow-up-scheduled"));
        const QList<ModelCallInfo> calls =
            wait(ModelCallDirectory(sandbox.get()).modelCalls("Recruitment", ada)).value();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls.at(1).lastReply.value("provider").toString(), QStringLiteral("scripted"));
        QVERIFY(calls.at(1).lastReply.value("replayedFrom").toString().isEmpty());
    }

    void modelReplyJournalEntryHasRequestReplyTokens()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        QVERIFY(call(*f.engine, "Recruitment", "cy", "submitResume", resume("Cy")).ok());
        QTRY_COMPARE(stepOf(*f.engine, "cy"), QStringLiteral("awaiting-recruiter"));
        const QList<JournalEntry> entries = journalOf(*f.engine, "Recruitment", "cy");
        const auto it = std::find_if(entries.begin(), entries.end(), [](const JournalEntry &e) {
            return e.trigger == QLatin1String("model-reply");
        });
        QVERIFY(it != entries.end());
        const QJsonObject input = it->input.toObject();
        QCOMPARE(input.value("callId").toString(), QStringLiteral("mc-1"));
        const QJsonArray messages = input.value("request").toObject().value("messages").toArray();
        QCOMPARE(messages.size(), 2);
        QVERIFY(messages.at(1).toObject().value("content").toString().contains("Cy"));
        const QJsonObject reply = input.value("reply").toObject();
        QCOMPARE(reply.value("scripted").toBool(), true);
        QCOMPARE(reply.value("provider").toString(), QStringLiteral("scripted"));
        QVERIFY(reply.value("usage").toObject().value("totalTokens").toInt() > 0);
        QVERIFY(reply.contains("latencyMs"));
        QCOMPARE(it->output.toObject().value("score").toInt(), 8);
        // The call is listed for the studio as done.
        const auto calls = wait(ModelCallDirectory(f.engine.get())
                                    .modelCalls("Recruitment",
                                                ObjectId::fromName("Recruitment", "cy")))
                               .value();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.at(0).status, ModelCallInfo::Status::Done);
        QCOMPARE(calls.at(0).attempt, 1);
    }

    void assistantUsesToolsAndMemory()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        const auto lastAnswer = [&] {
            return call(engine, "Assistant", "me", "status")
                .value()
                .toObject()
                .value("lastAnswer")
                .toString();
        };
        QVERIFY(call(engine, "Assistant", "me", "chat", QJsonObject {{"text", "what time is it?"}})
                    .ok());
        QTRY_COMPARE(lastAnswer(), QStringLiteral("It is 2030-01-01T09:00:00Z."));
        QVERIFY(
            call(engine, "Assistant", "me", "chat", QJsonObject {{"text", "remember I like tea"}})
                .ok());
        QTRY_COMPARE(lastAnswer(), QStringLiteral("I will remember that I like tea."));
        QVERIFY(call(engine, "Assistant", "me", "chat", QJsonObject {{"text", "hello"}}).ok());
        QTRY_COMPARE(lastAnswer(), QStringLiteral("You said: hello"));
        const QJsonObject s = call(engine, "Assistant", "me", "status").value().toObject();
        QCOMPARE(s.value("facts").toArray(), QJsonArray {QStringLiteral("I like tea")});
        QCOMPARE(call(engine, "Assistant", "me", "history").value().toArray().size(), 6);
    }

    // "forget" asks the person first: approving clears the facts, rejecting keeps them; either
    // answer is the assistant's next message and lastAnswer.
    void assistantForgetsOnlyWhenApproved_data()
    {
        QTest::addColumn<bool>("approve");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<int>("factsLeft");
        QTest::newRow("approve") << true << QStringLiteral("I forgot 2 facts.") << 0;
        QTest::newRow("reject") << false << QStringLiteral("I keep what I know.") << 2;
    }

    void assistantForgetsOnlyWhenApproved()
    {
        QFETCH(bool, approve);
        QFETCH(QString, answer);
        QFETCH(int, factsLeft);
        QTemporaryDir dir;
        auto f = start(dir.path());
        Engine &engine = *f.engine;
        const auto state = [&] {
            return call(engine, "Assistant", "me", "status").value().toObject();
        };
        const auto chat = [&](const QString &text) {
            return call(engine, "Assistant", "me", "chat", QJsonObject {{"text", text}}).ok();
        };
        QVERIFY(chat("remember I like tea"));
        QTRY_COMPARE(state().value("facts").toArray().size(), 1);
        QVERIFY(chat("remember I live in Oslo"));
        QTRY_COMPARE(state().value("facts").toArray().size(), 2);

        QVERIFY(chat("forget me"));
        QTRY_COMPARE(state().value("lastAnswer").toString(),
                     QStringLiteral("I asked you to confirm that I should forget 2 facts."));
        const HumanRequestInfo request = pendingFor(engine, "me");
        QCOMPARE(request.className, QStringLiteral("Assistant"));
        QCOMPARE(request.title, QStringLiteral("Forget 2 facts?"));
        QCOMPARE(request.actions, (QList<HumanAction> {HumanAction::Approve, HumanAction::Reject}));
        QCOMPARE(request.context.toObject().value("facts").toArray().size(), 2);
        QCOMPARE(state().value("facts").toArray().size(), 2); // nothing forgotten yet

        const auto decided = decide(engine, "me",
                                    approve ? HumanAction::Approve : HumanAction::Reject);
        QVERIFY2(decided.ok(), qPrintable(decided.error().message()));
        QCOMPARE(decided.value().toString(), answer);
        const QJsonObject after = state();
        QCOMPARE(after.value("lastAnswer").toString(), answer);
        QCOMPARE(after.value("facts").toArray().size(), factsLeft);
        const QJsonArray history = call(engine, "Assistant", "me", "history").value().toArray();
        QCOMPARE(history.last().toObject().value("role").toString(), QStringLiteral("assistant"));
        QCOMPARE(history.last().toObject().value("content").toString(), answer);
        QVERIFY(wait(HumanInbox(&engine).pending()).value().isEmpty());
    }

    void toolLoopIsBounded()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        QVERIFY(call(*f.engine, "Looper", "x", "go").ok());
        QTRY_VERIFY(!call(*f.engine, "Looper", "x", "result")
                         .value()
                         .toObject()
                         .value("error")
                         .toString()
                         .isEmpty());
        const QJsonObject s = call(*f.engine, "Looper", "x", "result").value().toObject();
        QCOMPARE(s.value("spins").toInt(), 2);
        QVERIFY2(s.value("error").toString().contains("after 3 rounds"),
                 qPrintable(s.value("error").toString()));
        const auto calls = wait(ModelCallDirectory(f.engine.get())
                                    .modelCalls("Looper", ObjectId::fromName("Looper", "x")))
                               .value();
        QCOMPARE(calls.at(0).status, ModelCallInfo::Status::Failed);
    }

    void cassetteRecordThenReplayGivesIdenticalJournal()
    {
        QTemporaryDir cassetteDir;
        const QString cassette = cassetteDir.filePath("recruitment.json");
        const auto outputs = [](Engine &engine) {
            QJsonArray out;
            for (const JournalEntry &e : journalOf(engine, "Recruitment", "ada")) {
                if (e.method == QLatin1String("status"))
                    continue; // polled by the test, as often as it takes
                out.append(QJsonObject {{"trigger", e.trigger},
                                        {"method", e.method},
                                        {"output", e.output},
                                        {"reply", e.input.toObject().value("reply")}});
            }
            return out;
        };
        QJsonArray recorded;
        QJsonObject recordedStatus;
        {
            QTemporaryDir dir;
            auto f = start(
                dir.path(), s_t0, [cassette](Clock *clock) -> std::unique_ptr<ChatModel> {
                    auto inner = ScriptedChatModel::fromJson(
                                     DurableExamples::exampleRules("recruitment"), clock)
                                     .value();
                    auto recorder = CassetteChatModel::record(cassette, inner.get()).value();
                    inner.release()->setParent(recorder.get());
                    return recorder;
                });
            recordedStatus = runApprovePath(f, "ada");
            recorded = outputs(*f.engine);
        }
        QTemporaryDir dir;
        auto f = start(dir.path(), s_t0, [cassette](Clock *) -> std::unique_ptr<ChatModel> {
            return CassetteChatModel::replay(cassette).value();
        });
        const QJsonObject replayedStatus = runApprovePath(f, "ada");
        QCOMPARE(replayedStatus, recordedStatus);
        QVERIFY(recorded.size() >= 8);
        QCOMPARE(outputs(*f.engine), recorded);
    }

    void sigkillWithWorkInFlightCompletes()
    {
        QTemporaryDir dir;
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QStringLiteral(DURABLE_EXAMPLES_CHILD), {dir.path(), QString::number(s_t0)});
        QVERIFY(child.waitForStarted());
        QByteArray line;
        while (!line.startsWith("ready")) {
            QVERIFY2(child.waitForReadyRead(60000), "child produced no output");
            while (child.canReadLine() && !line.startsWith("ready"))
                line = child.readLine().trimmed();
        }
        const qint64 childNow = line.split(' ').value(1).toLongLong();
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished());

        auto f = start(dir.path(), childNow);
        Engine &engine = *f.engine;
        // Holden's screening was in flight: touching the object re-issues it (attempt 2).
        QCOMPARE(stepOf(engine, "holden"), QStringLiteral("screening"));
        QTRY_COMPARE(stepOf(engine, "holden"), QStringLiteral("awaiting-recruiter"));
        const auto calls = wait(ModelCallDirectory(&engine).modelCalls(
                                    "Recruitment", ObjectId::fromName("Recruitment", "holden")))
                               .value();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.at(0).attempt, 2);
        QCOMPARE(calls.at(0).status, ModelCallInfo::Status::Done);
        // Grace still waits on the recruiter; Alan's follow-up is still scheduled.
        QCOMPARE(stepOf(engine, "grace"), QStringLiteral("awaiting-recruiter"));
        QCOMPARE(stepOf(engine, "alan"), QStringLiteral("follow-up-scheduled"));
        QVERIFY(decide(engine, "grace", HumanAction::Approve).ok());
        QVERIFY(decide(engine, "holden", HumanAction::Approve).ok());
        QTRY_COMPARE(stepOf(engine, "grace"), QStringLiteral("follow-up-scheduled"));
        QTRY_COMPARE(stepOf(engine, "holden"), QStringLiteral("follow-up-scheduled"));
        f.clock->advance(24h);
        for (const char *name : {"alan", "grace", "holden"}) {
            QTRY_COMPARE(stepOf(engine, name), QStringLiteral("closed"));
            const QJsonObject s = status(engine, name);
            QCOMPARE(s.value("slot").toObject().value("durationMinutes").toInt(), 45);
            QVERIFY(s.value("followUpMessage").toString().startsWith("Hello! Thank you"));
            QCOMPARE(s.value("pendingModelCalls").toInt(), 0);
            QCOMPARE(s.value("schedules").toInt(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestExamples)
#include "tst_examples.moc"
