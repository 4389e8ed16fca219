// SPDX-License-Identifier: MIT
#pragma once

// Agents shared by tst_agent and its SIGKILL child (durable-agent-child).

#include <QAtomicInt>
#include <QJsonArray>
#include <QJsonObject>
#include <QSemaphore>
#include <durable/core/agent.h>
#include <durable/core/engine.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

namespace DurableAgentTest {

using namespace Durable;
using namespace std::chrono_literals;

// Exposes the Agent API to tests: each handler does one thing; continuations append what they
// saw to the key "log" (so the log commits or rolls back with the turn).
class Probe : public Agent
{
public:
    Probe()
    {
        handle("echo", &Probe::echo);
        handle("state", &Probe::getState);
        handle("setState", &Probe::putState);
        handle("step", &Probe::getStep);
        handle("setStep", &Probe::putStep);
        handle("schedule", &Probe::addSchedule);
        handle("schedules", &Probe::listSchedules);
        handle("cancel", &Probe::cancel);
        handle("ask", &Probe::ask);
        handle("requests", &Probe::requests);
        handle("log", &Probe::log);
        handle("block", &Probe::block);
        handle("doomed", &Probe::doomed);
        continuation("record", &Probe::record);
        continuation("onAnswer", &Probe::onAnswer);
        continuation("onAnswerPayload", &Probe::record);
        continuation("onDeadline", &Probe::onDeadline);
        continuation("failAnswer", &Probe::failAnswer);
    }

    QJsonObject initialState() const override
    {
        return {{QStringLiteral("count"), 0}, {QStringLiteral("status"), QStringLiteral("new")}};
    }
    Result<void> validateState(const QJsonObject &next) const override
    {
        if (next.value(QStringLiteral("count")).toInt() < 0)
            return Error(ErrorCode::InvalidArgument, QStringLiteral("count must not be negative"));
        return {};
    }

    QJsonValue echo(const QJsonValue &args) { return args; }
    QJsonValue getState() const { return state(); }
    QJsonValue putState(const QJsonValue &args)
    {
        setState(args.toObject());
        return state();
    }
    QJsonValue getStep() const { return step(); }
    void putStep(const QJsonValue &args) { setStep(args.toString()); }

    QJsonValue addSchedule(const QJsonValue &args)
    {
        const QJsonObject a = args.toObject();
        const QString kind = a.value(QStringLiteral("kind")).toString();
        const QString callback =
            a.value(QStringLiteral("callback")).toString(QStringLiteral("record"));
        const QJsonValue payload = a.value(QStringLiteral("payload"));
        if (kind == QLatin1String("date")) {
            return schedule(QDateTime::fromMSecsSinceEpoch(
                                qint64(a.value(QStringLiteral("at")).toDouble()), Qt::UTC),
                            callback, payload);
        }
        if (kind == QLatin1String("cron"))
            return schedule(
                CronExpression::parse(a.value(QStringLiteral("cron")).toString()).orThrow(),
                callback, payload);
        return schedule(std::chrono::milliseconds(qint64(a.value(QStringLiteral("ms")).toDouble())),
                        callback, payload);
    }
    QJsonValue listSchedules() const
    {
        QJsonArray list;
        for (const ScheduleInfo &s : schedules())
            list.append(s.toJson());
        return list;
    }
    QJsonValue cancel(const QJsonValue &args) { return cancelSchedule(args.toString()); }

    QJsonValue ask(const QJsonValue &args)
    {
        const QJsonObject a = args.toObject();
        HumanRequest request;
        request.title = a.value(QStringLiteral("title")).toString(QStringLiteral("Approve?"));
        request.prompt =
            a.value(QStringLiteral("prompt")).toString(QStringLiteral("**Please** decide"));
        request.context = a.value(QStringLiteral("context"));
        if (a.contains(QStringLiteral("actions"))) {
            request.actions.clear();
            for (const QJsonValue &name : a.value(QStringLiteral("actions")).toArray())
                request.actions.append(humanActionFromName(name.toString()).orThrow());
        }
        request.schema = a.value(QStringLiteral("schema")).toObject();
        if (a.contains(QStringLiteral("deadlineMs"))) {
            request.deadline = QDateTime::fromMSecsSinceEpoch(
                qint64(a.value(QStringLiteral("deadlineMs")).toDouble()), Qt::UTC);
        }
        request.deadlineContinuation = a.value(QStringLiteral("deadlineContinuation")).toString();
        return askHuman(
            request, a.value(QStringLiteral("continuation")).toString(QStringLiteral("onAnswer")));
    }
    QJsonValue requests(const QJsonValue &args) const
    {
        QJsonArray list;
        for (const HumanRequestInfo &info : humanRequests(args.toBool()))
            list.append(info.toJson());
        return list;
    }
    QJsonValue log() const { return storage().get(QStringLiteral("log")).toArray(); }
    // Does one of everything a turn can show the world (state, step, a human request, a
    // schedule, a message to another object), then breaks a deferred foreign key so that only
    // the COMMIT fails: nothing of it may escape.
    QJsonValue doomed(const QJsonValue &args)
    {
        setState({{QStringLiteral("doomed"), true}});
        setStep(QStringLiteral("review"));
        HumanRequest request;
        request.title = QStringLiteral("Doomed");
        askHuman(request, QStringLiteral("onAnswer"));
        schedule(1h, QStringLiteral("record"), QStringLiteral("later"));
        context()
            .stub(QStringLiteral("Probe"), args.toObject().value(QStringLiteral("to")).toString())
            .call(QStringLiteral("setState"), QJsonObject {{QStringLiteral("reached"), true}},
                  [](const Result<QJsonValue> &reply) {
                      if (!reply.ok())
                          doomedMessageErrors.append(reply.error().message());
                  });
        storage().sql(QStringLiteral("CREATE TABLE IF NOT EXISTS parent(id INTEGER PRIMARY KEY)"));
        storage().sql(QStringLiteral("CREATE TABLE IF NOT EXISTS child(pid INTEGER REFERENCES "
                                     "parent(id) DEFERRABLE INITIALLY DEFERRED)"));
        storage().sql(QStringLiteral("INSERT INTO child VALUES (42)"));
        return QStringLiteral("never seen");
    }
    static inline QStringList doomedMessageErrors;

    // Holds the object's strand until the test releases it, so the next turns queue up.
    static inline QSemaphore blocked {0};
    static inline QSemaphore unblock {0};
    void block()
    {
        blocked.release();
        unblock.acquire();
    }

    void record(const QJsonValue &payload) { append({{QStringLiteral("payload"), payload}}); }
    QJsonValue onAnswer(const HumanRequestInfo &request, const HumanResponse &response)
    {
        append({{QStringLiteral("requestId"), request.requestId},
                {QStringLiteral("title"), request.title},
                {QStringLiteral("status"), humanRequestStatusName(request.status)},
                {QStringLiteral("response"), response.toJson()}});
        return QStringLiteral("handled %1").arg(humanActionName(response.action));
    }
    void onDeadline(const QJsonValue &payload) { append({{QStringLiteral("deadline"), payload}}); }
    void failAnswer(const HumanRequestInfo &, const HumanResponse &)
    {
        append({{QStringLiteral("failing"), true}});
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("continuation failed on purpose"));
    }

private:
    void append(QJsonObject entry)
    {
        entry.insert(QStringLiteral("now"), double(context().nowMs()));
        QJsonArray entries = storage().get(QStringLiteral("log")).toArray();
        entries.append(entry);
        storage().put(QStringLiteral("log"), entries);
    }
};

// A sub-agent for durable calls: counts what it applied (so a message applied twice shows).
// "research" can be held inside its turn (hold > 0) so a test can stop the engine meanwhile.
class Researcher : public Agent
{
public:
    Researcher()
    {
        handle("research", &Researcher::research);
        handle("fail", &Researcher::fail);
        handle("note", &Researcher::note);
        handle("applied", &Researcher::applied);
    }
    QJsonValue research(const QJsonValue &args)
    {
        const QString topic = args.toObject().value(QStringLiteral("topic")).toString();
        if (hold.loadAcquire() > 0 && (holdTopic.isEmpty() || topic == holdTopic)) {
            entered.release();
            leave.acquire();
        }
        count();
        const QJsonObject a = args.toObject();
        return QStringLiteral("findings on %1 (%2)")
            .arg(a.value(QStringLiteral("topic")).toString(),
                 a.value(QStringLiteral("angle")).toString());
    }
    void fail() { throw Error(ErrorCode::InvalidArgument, QStringLiteral("no sources")); }
    void note() { count(); }
    QJsonValue applied() const { return state().value(QStringLiteral("applied")).toInt(); }

    static inline QAtomicInt hold {0};
    static inline QString holdTopic; // empty: hold every topic; set before the calls are made
    static inline QSemaphore entered {0};
    static inline QSemaphore leave {0};

private:
    void count()
    {
        QJsonObject next = state();
        next.insert(QStringLiteral("applied"), next.value(QStringLiteral("applied")).toInt() + 1);
        setState(next);
    }
};

// Fans a topic out to two researchers and continues when both replied: the worked example of
// docs/WRITING_AGENTS.md, and the SIGKILL test's coordinator.
class Coordinator : public Agent
{
public:
    Coordinator()
    {
        handle("start", &Coordinator::start);
        handle("status", &Coordinator::status);
        handle("waitInTurn", &Coordinator::waitInTurn);
        handle("callUnknown", &Coordinator::callUnknown);
        handle("notify", &Coordinator::notify);
        handle("pending", &Coordinator::pending);
        handle("chain", &Coordinator::chain);
        continuation("onPart", &Coordinator::onPart);
        continuation("onChain", &Coordinator::onChain);
    }
    QJsonObject initialState() const override { return {{QStringLiteral("parts"), QJsonObject()}}; }
    QJsonValue start(const QJsonValue &args)
    {
        const QString topic = args.toString();
        QJsonObject next = state();
        next.insert(QStringLiteral("topic"), topic);
        next.insert(QStringLiteral("waiting"), 2);
        setState(next);
        QJsonArray ids;
        for (const QString &angle : {QStringLiteral("history"), QStringLiteral("market")}) {
            ids.append(callObject(
                QStringLiteral("Researcher"), topic + QLatin1Char('-') + angle,
                QStringLiteral("research"),
                QJsonObject {{QStringLiteral("topic"), topic}, {QStringLiteral("angle"), angle}},
                QStringLiteral("onPart"), angle));
        }
        return ids;
    }
    void onPart(const QJsonValue &reply)
    {
        const QJsonObject r = reply.toObject();
        QJsonObject next = state();
        QJsonObject parts = next.value(QStringLiteral("parts")).toObject();
        const QString angle = r.value(QStringLiteral("payload")).toString();
        parts.insert(angle, r.contains(QStringLiteral("error"))
                                ? QJsonValue(QStringLiteral("error: ") +
                                             r.value(QStringLiteral("error")).toString())
                                : r.value(QStringLiteral("reply")));
        next.insert(QStringLiteral("parts"), parts);
        next.insert(QStringLiteral("continued"),
                    next.value(QStringLiteral("continued")).toInt() + 1);
        const int waiting = next.value(QStringLiteral("waiting")).toInt() - 1;
        next.insert(QStringLiteral("waiting"), waiting);
        if (waiting == 0)
            next.insert(QStringLiteral("done"), true);
        setState(next);
    }
    // A continuation that calls again: "chain" calls link 1, whose reply calls link 2.
    QJsonValue chain()
    {
        return callObject(QStringLiteral("Researcher"), QStringLiteral("chain-1"),
                          QStringLiteral("research"),
                          QJsonObject {{QStringLiteral("topic"), QStringLiteral("link1")}},
                          QStringLiteral("onChain"), 1);
    }
    void onChain(const QJsonValue &reply)
    {
        const int link = reply.toObject().value(QStringLiteral("payload")).toInt();
        QJsonObject next = state();
        next.insert(QStringLiteral("links"), next.value(QStringLiteral("links")).toInt() + 1);
        setState(next);
        if (link == 1) {
            callObject(QStringLiteral("Researcher"), QStringLiteral("chain-2"),
                       QStringLiteral("research"),
                       QJsonObject {{QStringLiteral("topic"), QStringLiteral("link2")}},
                       QStringLiteral("onChain"), 2);
        }
    }
    QJsonValue status() const { return state(); }
    QJsonValue waitInTurn()
    {
        return context()
            .stub(QStringLiteral("Researcher"), QStringLiteral("x"))
            .call(QStringLiteral("research"))
            .result();
    }
    QJsonValue callUnknown()
    {
        QJsonObject next = state();
        next.insert(QStringLiteral("waiting"), 1);
        setState(next);
        return callObject(QStringLiteral("Nobody"), QStringLiteral("x"), QStringLiteral("hello"),
                          {}, QStringLiteral("onPart"), QStringLiteral("nobody"));
    }
    QJsonValue notify(const QJsonValue &args)
    {
        return sendTo(QStringLiteral("Researcher"), args.toString(), QStringLiteral("note"));
    }
    QJsonValue pending() const
    {
        QJsonArray list;
        for (const OutgoingCallInfo &call : pendingCalls())
            list.append(call.toJson());
        return list;
    }
};

// No steps declared, one handler: for the "no steps" and "unknown name" errors.
class Plain : public Agent
{
public:
    Plain() { handle("setStep", &Plain::putStep); }
    void putStep(const QJsonValue &args) { setStep(args.toString()); }
};

// The reference workflow: receive a resume, screen it, wait for a recruiter, schedule an
// interview, follow up 24 hours later.
class Recruitment : public Agent
{
public:
    Recruitment()
    {
        handle("submitResume", &Recruitment::submitResume);
        handle("status", &Recruitment::status);
        continuation("onScreened", &Recruitment::onScreened);
        continuation("onReminder", &Recruitment::onReminder);
        continuation("onFeedback", &Recruitment::onFeedback);
        continuation("onNoFeedback", &Recruitment::onNoFeedback);
        continuation("onFollowUp", &Recruitment::onFollowUp);
    }

    static QStringList workflowSteps()
    {
        return {QStringLiteral("received"), QStringLiteral("screening"), QStringLiteral("feedback"),
                QStringLiteral("interview"), QStringLiteral("done")};
    }

    QJsonValue submitResume(const QJsonValue &args)
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("candidate"), args.toObject().value(QStringLiteral("candidate")));
        setState(s);
        setStep(QStringLiteral("screening"));
        schedule(10min, QStringLiteral("onScreened"), args);
        return true;
    }
    QJsonValue status() const
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("step"), step());
        s.insert(QStringLiteral("schedules"), int(schedules().size()));
        s.insert(QStringLiteral("pending"), int(humanRequests(true).size()));
        return s;
    }
    void onScreened(const QJsonValue &payload)
    {
        const QString candidate = payload.toObject().value(QStringLiteral("candidate")).toString();
        QJsonObject s = state();
        s.insert(QStringLiteral("screening"), QStringLiteral("strong"));
        setState(s);
        setStep(QStringLiteral("feedback"));
        HumanRequest request;
        request.title = QStringLiteral("Review %1").arg(candidate);
        request.prompt = QStringLiteral("Screening says **strong**. Invite %1?").arg(candidate);
        request.context = QJsonObject {{QStringLiteral("candidate"), candidate}};
        request.deadline = context().now().addSecs(48 * 3600);
        request.deadlineContinuation = QStringLiteral("onNoFeedback");
        askHuman(request, QStringLiteral("onFeedback"));
        schedule(1h, QStringLiteral("onReminder"),
                 QJsonObject {{QStringLiteral("candidate"), candidate}});
    }
    void onReminder(const QJsonValue &)
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("reminders"), s.value(QStringLiteral("reminders")).toInt() + 1);
        setState(s);
    }
    QJsonValue onFeedback(const HumanRequestInfo &, const HumanResponse &response)
    {
        QJsonObject s = state();
        if (response.action == HumanAction::Approve) {
            s.insert(QStringLiteral("decision"), QStringLiteral("interview"));
            setStep(QStringLiteral("interview"));
            schedule(24h, QStringLiteral("onFollowUp"), QJsonValue());
        } else {
            s.insert(QStringLiteral("decision"), QStringLiteral("rejected"));
            setStep(QStringLiteral("done"));
        }
        setState(s);
        return s.value(QStringLiteral("decision"));
    }
    void onNoFeedback(const QJsonValue &)
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("decision"), QStringLiteral("timed out"));
        setState(s);
        setStep(QStringLiteral("done"));
    }
    void onFollowUp(const QJsonValue &)
    {
        QJsonObject s = state();
        s.insert(QStringLiteral("followedUp"), true);
        setState(s);
        setStep(QStringLiteral("done"));
    }
};

inline void registerAgentClasses(Engine &engine)
{
    ClassOptions probe;
    probe.steps = {QStringLiteral("draft"), QStringLiteral("review"), QStringLiteral("done")};
    (void)engine.registerClass<Probe>(QStringLiteral("Probe"), probe);
    (void)engine.registerClass<Plain>(QStringLiteral("Plain"));
    (void)engine.registerClass<Researcher>(QStringLiteral("Researcher"));
    (void)engine.registerClass<Coordinator>(QStringLiteral("Coordinator"));
    ClassOptions recruitment;
    recruitment.steps = Recruitment::workflowSteps();
    (void)engine.registerClass<Recruitment>(QStringLiteral("Recruitment"), recruitment);
}

} // namespace DurableAgentTest
