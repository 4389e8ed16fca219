// SPDX-License-Identifier: MIT
// The Agent SDK: handlers and continuations by name, state, steps, schedules over the one
// alarm, human in the loop, and a workflow that survives a SIGKILL of its engine.
#include "agentfixture.h"
#include "agenttestobjects.h"
#include "feedutil.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <durable/core/agentdirectory.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

using namespace Durable;
using namespace DurableAgentTest;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

constexpr qint64 Minute = 60 * 1000;
constexpr qint64 Hour = 60 * Minute;

Result<QJsonValue> probe(Engine &engine, const QString &name, const QString &method,
                         const QJsonValue &args = {})
{
    return call(engine, QStringLiteral("Probe"), name, method, args);
}

QJsonArray logOf(Engine &engine, const QString &name)
{
    return probe(engine, name, QStringLiteral("log")).value().toArray();
}

HumanResponse response(HumanAction action, const QString &text = {}, const QJsonValue &value = {},
                       const QString &by = QStringLiteral("anna"))
{
    HumanResponse r;
    r.action = action;
    r.text = text;
    r.value = value;
    r.answeredBy = by;
    return r;
}

QString ask(Engine &engine, const QString &name, const QJsonObject &request)
{
    const auto id = probe(engine, name, QStringLiteral("ask"), request);
    if (!id.ok())
        qWarning("ask failed: %s", qPrintable(id.error().message()));
    return id.ok() ? id.value().toString() : QString();
}

} // namespace

class TestAgent : public QObject
{
    Q_OBJECT
private slots:
    void handlersAndContinuationsByName()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const QJsonObject args {{"a", 1}};
        QCOMPARE(probe(*f.engine, "p", "echo", args).value(), QJsonValue(args));

        const auto unknown = probe(*f.engine, "p", "ech");
        QCOMPARE(unknown.error().code(), ErrorCode::UnknownMethod);
        QCOMPARE(
            unknown.error().message(),
            QStringLiteral(
                "Probe has no handler \"ech\"; known handlers: echo, state, setState, "
                "step, setStep, schedule, schedules, cancel, ask, requests, log, block, doomed"));
        const auto plain = call(*f.engine, "Plain", "x", "status");
        QCOMPARE(plain.error().message(),
                 QStringLiteral("Plain has no handler \"status\"; known handlers: setStep"));

        const auto badCallback = probe(
            *f.engine, "p", "schedule",
            QJsonObject {{"kind", "delay"}, {"ms", 1000}, {"callback", "recrod"}});
        QCOMPARE(badCallback.error().code(), ErrorCode::UnknownMethod);
        QVERIFY2(badCallback.error().message().contains(
                     "Probe has no continuation \"recrod\" for a schedule; known continuations: "
                     "record, onAnswer, onAnswerPayload, onDeadline, failAnswer"),
                 qPrintable(badCallback.error().message()));
        const auto humanAsSchedule = probe(
            *f.engine, "p", "schedule",
            QJsonObject {{"kind", "delay"}, {"ms", 1000}, {"callback", "onAnswer"}});
        QCOMPARE(humanAsSchedule.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(humanAsSchedule.error().message().contains("takes a human answer"),
                 qPrintable(humanAsSchedule.error().message()));
        const auto badAsk = probe(*f.engine, "p", "ask", QJsonObject {{"continuation", "nowhere"}});
        QVERIFY2(badAsk.error().message().contains(
                     "Probe has no continuation \"nowhere\" for a human answer"),
                 qPrintable(badAsk.error().message()));
        QCOMPARE(probe(*f.engine, "p", "schedules").value().toArray().size(), 0); // nothing kept
    }

    void continuationRunsFromDelaySchedule()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const auto id = probe(*f.engine, "p", "schedule",
                              QJsonObject {{"kind", "delay"},
                                           {"ms", double(5 * Minute)},
                                           {"payload", QJsonObject {{"x", 1}}}});
        QVERIFY2(id.ok(), qPrintable(id.error().message()));
        QCOMPARE(f.clock->advance(4min), 0);
        QCOMPARE(logOf(*f.engine, "p").size(), 0);
        QCOMPARE(f.clock->advance(1min), 1);
        const QJsonArray log = logOf(*f.engine, "p");
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0)["now"].toDouble(), double(s_t0 + 5 * Minute));
        QCOMPARE(log.at(0)["payload"].toObject(), (QJsonObject {{"x", 1}}));
        QCOMPARE(probe(*f.engine, "p", "schedules").value().toArray().size(), 0);
        QCOMPARE(f.clock->advance(24h), 0); // one-shot
    }

    void stateHasInitialValueValidationAndEvents()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        QVERIFY(spy.isValid());

        QCOMPARE(probe(*f.engine, "s", "state").value().toObject(),
                 (QJsonObject {{"count", 0}, {"status", "new"}}));
        const QJsonObject busy {{"count", 5}, {"status", "busy"}};
        QCOMPARE(probe(*f.engine, "s", "setState", busy).value().toObject(), busy);
        const auto refused = probe(*f.engine, "s", "setState", QJsonObject {{"count", -1}});
        QCOMPARE(refused.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message().contains(
                     "refused the state change: count must not be negative"),
                 qPrintable(refused.error().message()));
        QCOMPARE(probe(*f.engine, "s", "state").value().toObject(), busy);

        // Persisted: survives eviction, and the directory reads it without the agent.
        QVERIFY(await(f.engine->evict(ObjectId::fromName("Probe", "s"))).ok());
        QCOMPARE(probe(*f.engine, "s", "state").value().toObject(), busy);
        AgentDirectory directory(f.engine.get());
        QCOMPARE(wait(directory.state("Probe", ObjectId::fromName("Probe", "s"))).value(), busy);

        QTRY_VERIFY(!eventsOf(spy, ChangeEvent::Kind::StateChanged).isEmpty());
        const auto changes = eventsOf(spy, ChangeEvent::Kind::StateChanged);
        QCOMPARE(changes.size(), 1); // the refused change published nothing
        QCOMPARE(changes.first().name, QStringLiteral("s"));
        QCOMPARE(changes.first().detail.value("state").toObject(), busy);
    }

    void stepsAreCheckedAndCountedPerClass()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        for (const char *name : {"a", "b"})
            QVERIFY(probe(*f.engine, name, "setStep", "review").ok());
        QVERIFY(probe(*f.engine, "c", "setStep", "done").ok());
        QVERIFY(probe(*f.engine, "d", "setStep", "draft").ok());
        QVERIFY(probe(*f.engine, "d", "setStep", "review").ok());
        QCOMPARE(probe(*f.engine, "a", "step").value().toString(), QStringLiteral("review"));

        const auto bogus = probe(*f.engine, "a", "setStep", "bogus");
        QCOMPARE(bogus.error().code(), ErrorCode::InvalidArgument);
        QCOMPARE(bogus.error().message(),
                 QStringLiteral("Probe has no step \"bogus\"; its steps are: draft, review, done"));
        QCOMPARE(probe(*f.engine, "a", "step").value().toString(), QStringLiteral("review"));
        const auto noSteps = call(*f.engine, "Plain", "x", "setStep", "review");
        QVERIFY2(noSteps.error().message().contains("declares no workflow steps"),
                 qPrintable(noSteps.error().message()));

        AgentDirectory directory(f.engine.get());
        const auto counts = wait(directory.stepCounts("Probe")).value();
        QCOMPARE(counts.value("review"), 3);
        QCOMPARE(counts.value("done"), 1);
        QVERIFY(!counts.contains("draft"));
        const auto steps = wait(directory.steps("Probe")).value();
        QCOMPARE(steps.size(), 4);
        QCOMPARE(steps.value(ObjectId::fromName("Probe", "c")), QStringLiteral("done"));
        QVERIFY(wait(directory.stepCounts("Plain")).value().isEmpty());
    }

    void cronWeekdaysAtNineAcrossAWeek()
    {
        QTemporaryDir dir;
        const QDateTime monday(QDate(2030, 1, 7), QTime(0, 0), Qt::UTC);
        QCOMPARE(monday.date().dayOfWeek(), 1);
        auto f = start(dir.path(), monday.toMSecsSinceEpoch());
        const auto id = probe(
            *f.engine, "c", "schedule",
            QJsonObject {{"kind", "cron"}, {"cron", "0 9 * * MON-FRI"}, {"payload", "standup"}});
        QVERIFY2(id.ok(), qPrintable(id.error().message()));
        QCOMPARE(f.clock->advance(7 * 24h), 5);
        const QJsonArray log = logOf(*f.engine, "c");
        QCOMPARE(log.size(), 5);
        for (int i = 0; i < 5; ++i) {
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(log.at(i)["now"].toDouble()),
                                                                Qt::UTC);
            QCOMPARE(at, QDateTime(QDate(2030, 1, 7 + i), QTime(9, 0), Qt::UTC));
            QCOMPARE(log.at(i)["payload"].toString(), QStringLiteral("standup"));
        }
        // Still there, re-armed for next Monday, with the same id.
        const QJsonArray schedules = probe(*f.engine, "c", "schedules").value().toArray();
        QCOMPARE(schedules.size(), 1);
        QCOMPARE(schedules.at(0)["id"].toString(), id.value().toString());
        QCOMPARE(schedules.at(0)["kind"].toString(), QStringLiteral("cron"));
        QCOMPARE(schedules.at(0)["dueMs"].toDouble(),
                 double(QDateTime(QDate(2030, 1, 14), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch()));
        QCOMPARE(f.clock->advance(2 * 24h), 2); // Monday and Tuesday
        QVERIFY(probe(*f.engine, "c", "cancel", id.value()).value().toBool());
        QCOMPARE(f.clock->advance(7 * 24h), 0);

        const auto invalid = probe(*f.engine, "c", "schedule",
                                   QJsonObject {{"kind", "cron"}, {"cron", "61 * * * *"}});
        QCOMPARE(invalid.error().code(), ErrorCode::InvalidArgument);
    }

    void dateAndDelaySchedulesRunInDueOrderAndCancel()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        const ObjectId id = ObjectId::fromName("Probe", "d");
        const auto at = [&](const char *kind, qint64 when, const char *tag) {
            QJsonObject args {{"kind", kind}, {"payload", tag}};
            if (QByteArray(kind) == "date")
                args.insert("at", double(s_t0 + when));
            else
                args.insert("ms", double(when));
            return probe(*f.engine, "d", "schedule", args).value().toString();
        };
        const QString date = at("date", 2 * Hour, "date");
        const QString delay = at("delay", 1 * Hour, "delay");
        const QString doomed = at("delay", 3 * Hour, "cancelled");
        const QString sameTime = at("date", 2 * Hour, "date2");
        QVERIFY(!date.isEmpty() && !delay.isEmpty() && !doomed.isEmpty() && !sameTime.isEmpty());

        QJsonArray listed = probe(*f.engine, "d", "schedules").value().toArray();
        QCOMPARE(listed.size(), 4);
        QCOMPARE(listed.at(0)["id"].toString(), delay);
        QCOMPARE(listed.at(1)["id"].toString(), date);
        QCOMPARE(listed.at(2)["id"].toString(), sameTime);
        QCOMPARE(listed.at(3)["id"].toString(), doomed);
        QCOMPARE(listed.at(1)["kind"].toString(), QStringLiteral("date"));

        QCOMPARE(probe(*f.engine, "d", "cancel", doomed).value().toBool(), true);
        QCOMPARE(probe(*f.engine, "d", "cancel", doomed).value().toBool(), false);
        AgentDirectory directory(f.engine.get());
        QCOMPARE(wait(directory.schedules("Probe", id)).value().size(), 3);

        // Many schedules, one alarm: it points at the earliest.
        Inspector inspector(f.engine.get());
        QCOMPARE(wait(inspector.alarm("Probe", id)).value()->dueMs, s_t0 + Hour);

        QCOMPARE(f.clock->advance(4h), 2); // two alarm turns: at +1 h, and at +2 h for both
        const QJsonArray log = logOf(*f.engine, "d");
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.at(0)["payload"].toString(), QStringLiteral("delay"));
        QCOMPARE(log.at(0)["now"].toDouble(), double(s_t0 + Hour));
        QCOMPARE(log.at(1)["payload"].toString(), QStringLiteral("date"));
        QCOMPARE(log.at(1)["now"].toDouble(), double(s_t0 + 2 * Hour));
        QCOMPARE(log.at(2)["payload"].toString(), QStringLiteral("date2"));
        QVERIFY(probe(*f.engine, "d", "schedules").value().toArray().isEmpty());
        QVERIFY(!wait(inspector.alarm("Probe", id)).value().has_value());

        // Admin cancel through the directory, then nothing fires.
        const QString later = at("delay", 1 * Hour, "later");
        QCOMPARE(wait(directory.cancelSchedule("Probe", id, later)).value(), true);
        QCOMPARE(f.clock->advance(2h), 0);

        const auto negative = probe(*f.engine, "d", "schedule",
                                    QJsonObject {{"kind", "delay"}, {"ms", -5}});
        QCOMPARE(negative.error().code(), ErrorCode::InvalidArgument);
    }

    void humanApproveListsAnswersOnce()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        HumanInbox inbox(f.engine.get());

        const QJsonObject context {{"candidate", "Ada"}};
        const QString first = ask(
            *f.engine, "h",
            {{"title", "Hire Ada?"}, {"prompt", "Screening: **strong**"}, {"context", context}});
        QVERIFY(!first.isEmpty());
        f.clock->advance(1min);
        const QString second = ask(*f.engine, "h2", {{"title", "Hire Bob?"}});

        auto pending = wait(inbox.pending()).value();
        QCOMPARE(pending.size(), 2);
        const HumanRequestInfo info = pending.at(0); // oldest first
        QCOMPARE(info.requestId, first);
        QCOMPARE(info.objectId, ObjectId::fromName("Probe", "h"));
        QCOMPARE(info.className, QStringLiteral("Probe"));
        QCOMPARE(info.objectName, QStringLiteral("h"));
        QCOMPARE(info.title, QStringLiteral("Hire Ada?"));
        QCOMPARE(info.prompt, QStringLiteral("Screening: **strong**"));
        QCOMPARE(info.context, QJsonValue(context));
        QCOMPARE(info.actions, (QList<HumanAction> {HumanAction::Approve, HumanAction::Reject}));
        QCOMPARE(info.createdMs, s_t0);
        QCOMPARE(info.deadlineMs, -1);
        QCOMPARE(info.status, HumanRequestStatus::Pending);
        QCOMPARE(pending.at(1).requestId, second);
        QCOMPARE(wait(inbox.pending("Plain")).value().size(), 0);

        const auto answered = wait(inbox.answer(info, response(HumanAction::Approve, "great")));
        QVERIFY2(answered.ok(), qPrintable(answered.error().message()));
        QCOMPARE(answered.value().toString(), QStringLiteral("handled approve"));
        QJsonArray log = logOf(*f.engine, "h");
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0)["requestId"].toString(), first);
        QCOMPARE(log.at(0)["status"].toString(), QStringLiteral("answered"));
        QCOMPARE(log.at(0)["response"]["action"].toString(), QStringLiteral("approve"));
        QCOMPARE(log.at(0)["response"]["text"].toString(), QStringLiteral("great"));
        QCOMPARE(log.at(0)["response"]["answeredBy"].toString(), QStringLiteral("anna"));

        pending = wait(inbox.pending()).value();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.at(0).requestId, second);

        const auto twice = wait(inbox.answer(first, response(HumanAction::Reject, {}, {}, "bob")));
        QCOMPARE(twice.error().code(), ErrorCode::Conflict);
        QVERIFY2(twice.error().message().contains("was already answered (approve by anna)"),
                 qPrintable(twice.error().message()));
        QCOMPARE(logOf(*f.engine, "h").size(), 1); // nothing ran
        // A listed request is no authority: its object checks the request it holds.
        const auto stale = wait(inbox.answer(info, response(HumanAction::Reject, {}, {}, "bob")));
        QCOMPARE(stale.error().code(), ErrorCode::Conflict);
        QCOMPARE(logOf(*f.engine, "h").size(), 1);
        const auto nobody = wait(inbox.answer(HumanRequestInfo {}, response(HumanAction::Approve)));
        QCOMPARE(nobody.error().code(), ErrorCode::InvalidArgument);
        const auto unknown = wait(inbox.answer("nope", response(HumanAction::Approve)));
        QCOMPARE(unknown.error().code(), ErrorCode::NotFound);
        QVERIFY2(unknown.error().message().contains("Unknown human request \"nope\""),
                 qPrintable(unknown.error().message()));

        AgentDirectory directory(f.engine.get());
        const auto all =
            wait(directory.humanRequests("Probe", ObjectId::fromName("Probe", "h"))).value();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).status, HumanRequestStatus::Answered);
        QCOMPARE(all.at(0).answeredMs, s_t0 + Minute);
        QVERIFY(all.at(0).response.has_value());
        QCOMPARE(all.at(0).response->answeredBy, QStringLiteral("anna"));

        QTRY_COMPARE(eventsOf(spy, ChangeEvent::Kind::HumanRequestOpened).size(), 2);
        QTRY_COMPARE(eventsOf(spy, ChangeEvent::Kind::HumanRequestAnswered).size(), 1);
        const auto answeredEvent = eventsOf(spy, ChangeEvent::Kind::HumanRequestAnswered).first();
        QCOMPARE(answeredEvent.detail.value("requestId").toString(), first);
        QCOMPARE(answeredEvent.detail.value("action").toString(), QStringLiteral("approve"));
        QCOMPARE(eventsOf(spy, ChangeEvent::Kind::HumanRequestOpened)
                     .first()
                     .detail.value("requestId")
                     .toString(),
                 first);
    }

    void humanRejectEditRespondAndRefusals()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        HumanInbox inbox(f.engine.get());

        const QString rejected = ask(*f.engine, "r", {{"title", "Reject me"}});
        QCOMPARE(wait(inbox.answer(rejected, response(HumanAction::Reject, "not a fit")))
                     .value()
                     .toString(),
                 QStringLiteral("handled reject"));

        const QJsonObject salaryForm {
            {"type", "object"},
            {"required", QJsonArray {"salary"}},
            {"properties",
             QJsonObject {{"salary", QJsonObject {{"type", "number"}, {"minimum", 0}}}}}};
        const QString edited = ask(*f.engine, "r",
                                   {{"title", "Edit the offer"},
                                    {"actions", QJsonArray {"edit"}},
                                    {"schema", salaryForm},
                                    {"context", QJsonObject {{"salary", 100}}}});
        const auto badEdit = wait(
            inbox.answer(edited, response(HumanAction::Edit, {}, QJsonObject {{"salary", -5}})));
        QCOMPARE(badEdit.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(badEdit.error().message().contains("does not match its form") &&
                     badEdit.error().message().contains("/salary"),
                 qPrintable(badEdit.error().message()));
        const auto emptyEdit = wait(inbox.answer(edited, response(HumanAction::Edit)));
        QVERIFY2(emptyEdit.error().message().contains("needs the edited JSON"),
                 qPrintable(emptyEdit.error().message()));
        QVERIFY(wait(inbox.answer(edited,
                                  response(HumanAction::Edit, {}, QJsonObject {{"salary", 120}})))
                    .ok());

        const QString responded = ask(
            *f.engine, "r",
            {{"title", "Any notes?"},
             {"actions", QJsonArray {"respond"}},
             {"schema", QJsonObject {{"type", "string"}, {"minLength", 5}}}});
        const auto shortAnswer = wait(
            inbox.answer(responded, response(HumanAction::Respond, "ok")));
        QCOMPARE(shortAnswer.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(wait(inbox.answer(responded, response(HumanAction::Respond, "sounds good"))).ok());

        const QString approveOnly = ask(
            *f.engine, "r", {{"title", "Approve only"}, {"actions", QJsonArray {"approve"}}});
        const auto notAllowed = wait(
            inbox.answer(approveOnly, response(HumanAction::Edit, {}, QJsonObject {})));
        QCOMPARE(notAllowed.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(notAllowed.error().message().contains("does not allow \"edit\"; allowed: approve"),
                 qPrintable(notAllowed.error().message()));

        const QString payloadStyle = ask(
            *f.engine, "r", {{"title", "Payload style"}, {"continuation", "onAnswerPayload"}});
        QVERIFY(wait(inbox.answer(payloadStyle, response(HumanAction::Approve))).ok());

        const QJsonArray log = logOf(*f.engine, "r");
        QCOMPARE(log.size(), 4);
        QCOMPARE(log.at(0)["response"]["action"].toString(), QStringLiteral("reject"));
        QCOMPARE(log.at(0)["response"]["text"].toString(), QStringLiteral("not a fit"));
        QCOMPARE(log.at(1)["response"]["action"].toString(), QStringLiteral("edit"));
        QCOMPARE(log.at(1)["response"]["value"]["salary"].toInt(), 120);
        QCOMPARE(log.at(2)["response"]["text"].toString(), QStringLiteral("sounds good"));
        QCOMPARE(log.at(3)["payload"]["request"]["requestId"].toString(), payloadStyle);
        QCOMPARE(log.at(3)["payload"]["response"]["action"].toString(), QStringLiteral("approve"));

        // Only the refused one is still waiting.
        const auto pending = wait(inbox.pending()).value();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.at(0).requestId, approveOnly);

        // Bad requests are refused when asked.
        const auto badSchema = probe(*f.engine, "r", "ask",
                                     QJsonObject {{"schema", QJsonObject {{"type", "int"}}}});
        QCOMPARE(badSchema.error().code(), ErrorCode::InvalidArgument);
        const auto noActions = probe(*f.engine, "r", "ask",
                                     QJsonObject {{"actions", QJsonArray {}}});
        QVERIFY2(noActions.error().message().contains("without any allowed action"),
                 qPrintable(noActions.error().message()));
        QCOMPARE(wait(inbox.pending()).value().size(), 1);
    }

    void failingContinuationLeavesRequestPending()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        HumanInbox inbox(f.engine.get());
        const QString id = ask(*f.engine, "x",
                               {{"title", "Will fail"}, {"continuation", "failAnswer"}});
        const auto failed = wait(inbox.answer(id, response(HumanAction::Approve)));
        QVERIFY2(failed.error().message().contains("continuation failed on purpose"),
                 qPrintable(failed.error().message()));
        QCOMPARE(logOf(*f.engine, "x").size(), 0); // rolled back with the turn
        const auto pending = wait(inbox.pending()).value();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.at(0).status, HumanRequestStatus::Pending);
    }

    void deadlineExpiresRequestAndRunsItsContinuation()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        Inspector inspector(f.engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        HumanInbox inbox(f.engine.get());

        const QString id = ask(*f.engine, "late",
                               {{"title", "Quick!"},
                                {"deadlineMs", double(s_t0 + Hour)},
                                {"deadlineContinuation", "onDeadline"}});
        QVERIFY(!id.isEmpty());
        const QJsonArray schedules = probe(*f.engine, "late", "schedules").value().toArray();
        QCOMPARE(schedules.size(), 1);
        QCOMPARE(schedules.at(0)["kind"].toString(), QStringLiteral("deadline"));
        const auto cancel = probe(*f.engine, "late", "cancel", schedules.at(0)["id"].toString());
        QVERIFY2(cancel.error().message().contains("is the deadline of human request"),
                 qPrintable(cancel.error().message()));
        QCOMPARE(wait(inbox.pending()).value().at(0).deadlineMs, s_t0 + Hour);

        QCOMPARE(f.clock->advance(30min), 0);
        QCOMPARE(wait(inbox.pending()).value().size(), 1);
        QCOMPARE(f.clock->advance(1h), 1);
        const QJsonArray log = logOf(*f.engine, "late");
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0)["now"].toDouble(), double(s_t0 + Hour));
        QCOMPARE(log.at(0)["deadline"]["requestId"].toString(), id);
        QCOMPARE(log.at(0)["deadline"]["status"].toString(), QStringLiteral("expired"));

        const auto tooLate = wait(inbox.answer(id, response(HumanAction::Approve)));
        QCOMPARE(tooLate.error().code(), ErrorCode::Conflict);
        QVERIFY2(tooLate.error().message().contains("expired"),
                 qPrintable(tooLate.error().message()));
        QCOMPARE(wait(inbox.pending()).value().size(), 0);
        QCOMPARE(wait(AgentDirectory(f.engine.get())
                          .humanRequests("Probe", ObjectId::fromName("Probe", "late")))
                     .value()
                     .at(0)
                     .status,
                 HumanRequestStatus::Expired);
        QTRY_VERIFY(!eventsOf(spy, ChangeEvent::Kind::HumanRequestAnswered).isEmpty());
        QCOMPARE(eventsOf(spy, ChangeEvent::Kind::HumanRequestAnswered)
                     .first()
                     .detail.value("status")
                     .toString(),
                 QStringLiteral("expired"));

        // Answered in time: the deadline is cancelled with the answer.
        const qint64 now = f.clock->nowMs();
        const QString onTime = ask(*f.engine, "late",
                                   {{"title", "In time"},
                                    {"deadlineMs", double(now + Hour)},
                                    {"deadlineContinuation", "onDeadline"}});
        QVERIFY(wait(inbox.answer(onTime, response(HumanAction::Approve))).ok());
        QVERIFY(probe(*f.engine, "late", "schedules").value().toArray().isEmpty());
        QCOMPARE(f.clock->advance(2h), 0);
        QCOMPARE(logOf(*f.engine, "late").size(), 2); // the deadline entry and the answer only

        const auto past = probe(*f.engine, "late", "ask",
                                QJsonObject {{"deadlineMs", double(now - 1)}});
        QVERIFY2(past.error().message().contains("deadline in the past"),
                 qPrintable(past.error().message()));
    }

    // An engine without the class (its package not loaded) lists none of its requests and
    // keeps them: the engine with the class lists them again.
    void requestsOfAnUnloadedClassAreKept()
    {
        QTemporaryDir dir;
        QString requestId;
        {
            auto f = start(dir.path());
            requestId = ask(*f.engine, "h", {{"title", "Hire Ada?"}});
            QVERIFY(!requestId.isEmpty());
        }
        {
            EngineOptions options;
            options.dataDir = dir.path();
            Engine bare(options);
            QVERIFY(bare.start().ok());
            QVERIFY(wait(HumanInbox(&bare).pending()).value().isEmpty());
        }
        auto f = start(dir.path());
        const auto pending = wait(HumanInbox(f.engine.get()).pending()).value();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.first().requestId, requestId);
    }

    void crashedTurnsLeakNothing()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        HumanInbox inbox(f.engine.get());
        AgentDirectory directory(f.engine.get());
        Inspector inspector(f.engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        QVERIFY(spy.isValid());
        const ObjectId id = ObjectId::fromName("Probe", "k");
        const Stub stub = f.engine->stub("Probe", "k").value();
        QVERIFY(probe(*f.engine, "k", "echo").ok());
        // Hold the strand, queue an ask and a step change, then crash the object: the turns
        // run, but their transaction never commits.
        auto blocking = stub.call("block");
        QVERIFY(Probe::blocked.tryAcquire(1, 10000));
        auto asking = stub.call("ask", QJsonObject {{"title", "Lost"}});
        auto stepping = stub.call("setStep", "review");
        auto crashed = f.engine->crash(id);
        Probe::unblock.release();
        QVERIFY(await(blocking).ok());
        QVERIFY(await(crashed).ok());
        QCOMPARE(await(asking).error().code(), ErrorCode::Crashed);
        QCOMPARE(await(stepping).error().code(), ErrorCode::Crashed);

        // Neither the index nor the feed ever heard of them.
        QVERIFY(wait(directory.stepCounts("Probe")).value().isEmpty());
        QVERIFY(wait(inbox.pending()).value().isEmpty());
        QVERIFY(probe(*f.engine, "k", "echo", "after").ok());
        QTRY_VERIFY(!eventsOf(spy, ChangeEvent::Kind::TurnCompleted).isEmpty() &&
                    eventsOf(spy, ChangeEvent::Kind::TurnCompleted).last().detail.value("method") ==
                        QStringLiteral("echo"));
        QVERIFY(eventsOf(spy, ChangeEvent::Kind::HumanRequestOpened).isEmpty());
        QVERIFY(eventsOf(spy, ChangeEvent::Kind::StateChanged).isEmpty());
        QCOMPARE(probe(*f.engine, "k", "step").value().toString(), QString());
    }

    void failedCommitLeaksNothing()
    {
        QTemporaryDir dir;
        auto f = start(dir.path());
        HumanInbox inbox(f.engine.get());
        AgentDirectory directory(f.engine.get());
        Inspector inspector(f.engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        QVERIFY(spy.isValid());
        QVERIFY(probe(*f.engine, "witness", "echo").ok());
        QVERIFY(probe(*f.engine, "d", "echo", "before").ok()); // d exists before its doomed turn
        Probe::doomedMessageErrors.clear();

        const auto doomed = probe(*f.engine, "d", "doomed", QJsonObject {{"to", "witness"}});
        QCOMPARE(doomed.error().code(), ErrorCode::CommitFailed);
        QVERIFY2(doomed.error().message().contains("Could not commit the turn of Probe"),
                 qPrintable(doomed.error().message()));
        // The message's sender learnt it was never sent; the witness never got it.
        QCOMPARE(Probe::doomedMessageErrors.size(), 1);
        QVERIFY2(Probe::doomedMessageErrors.first().startsWith("Message not sent"),
                 qPrintable(Probe::doomedMessageErrors.first()));
        QVERIFY(!probe(*f.engine, "witness", "state").value().toObject().contains("reached"));
        // No catalog row: no step counted, no request in the inbox, no alarm.
        QVERIFY(wait(directory.stepCounts("Probe")).value().isEmpty());
        QVERIFY(wait(inbox.pending()).value().isEmpty());
        const ObjectSummary summary =
            wait(inspector.object("Probe", ObjectId::fromName("Probe", "d"))).value();
        QCOMPARE(summary.step, QString());
        QCOMPARE(summary.pendingHumanRequests, 0);
        QCOMPARE(summary.nextAlarmMs, qint64(-1));
        // No change event but the failed turn's own report.
        QVERIFY(probe(*f.engine, "d", "echo", "after").ok());
        QTRY_VERIFY(eventsOf(spy, ChangeEvent::Kind::TurnCompleted).size() >= 3);
        QVERIFY(eventsOf(spy, ChangeEvent::Kind::StateChanged).isEmpty());
        QVERIFY(eventsOf(spy, ChangeEvent::Kind::HumanRequestOpened).isEmpty());
        QVERIFY(eventsOf(spy, ChangeEvent::Kind::AlarmSet).isEmpty());
        for (const ChangeEvent &event : eventsOf(spy, ChangeEvent::Kind::TurnCompleted)) {
            if (event.name == "d" && event.detail.value("method") == "doomed")
                QCOMPARE(event.detail.value("ok").toBool(), false);
        }
        // And the object is as before.
        QVERIFY(!probe(*f.engine, "d", "state").value().toObject().contains("doomed"));
        QVERIFY(probe(*f.engine, "d", "schedules").value().toArray().isEmpty());
        QVERIFY(probe(*f.engine, "d", "requests", false).value().toArray().isEmpty());
    }

    void workflowSurvivesSigkillAndCompletes()
    {
        QTemporaryDir dir;
        QProcess child;
        child.start(QStringLiteral(DURABLE_AGENT_CHILD), {dir.path(), QString::number(s_t0)});
        QVERIFY(child.waitForStarted());
        QByteArray line;
        while (!line.startsWith("ready")) {
            QVERIFY2(child.waitForReadyRead(30000), "child produced no output");
            while (child.canReadLine() && !line.startsWith("ready"))
                line = child.readLine().trimmed();
        }
        const QList<QByteArray> parts = line.split(' ');
        QCOMPARE(parts.value(1).toInt(), 1); // the screening schedule fired in the child
        const qint64 childNow = parts.value(2).toLongLong();
        QCOMPARE(childNow, s_t0 + 15 * Minute);
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished());

        auto f = start(dir.path(), childNow);
        HumanInbox inbox(f.engine.get());
        AgentDirectory directory(f.engine.get());
        const auto status = [&] {
            return call(*f.engine, "Recruitment", "ada", "status").value().toObject();
        };
        auto pending = wait(inbox.pending()).value();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.at(0).title, QStringLiteral("Review Ada"));
        QCOMPARE(pending.at(0).objectName, QStringLiteral("ada"));
        QCOMPARE(pending.at(0).deadlineMs, s_t0 + 10 * Minute + 48 * Hour);
        QJsonObject s = status();
        QCOMPARE(s.value("step").toString(), QStringLiteral("feedback"));
        QCOMPARE(s.value("schedules").toInt(), 2); // the reminder and the deadline
        QCOMPARE(s.value("screening").toString(), QStringLiteral("strong"));
        QCOMPARE(wait(directory.stepCounts("Recruitment")).value().value("feedback"), 1);

        QCOMPARE(f.clock->advance(1h), 1); // the reminder, from the restarted engine
        QCOMPARE(status().value("reminders").toInt(), 1);

        const auto decided = wait(inbox.answer(pending.at(0), response(HumanAction::Approve)));
        QVERIFY2(decided.ok(), qPrintable(decided.error().message()));
        QCOMPARE(decided.value().toString(), QStringLiteral("interview"));
        s = status();
        QCOMPARE(s.value("step").toString(), QStringLiteral("interview"));
        QCOMPARE(s.value("schedules").toInt(),
                 1); // the follow-up; the deadline went with the answer
        QCOMPARE(s.value("pending").toInt(), 0);

        QCOMPARE(f.clock->advance(24h), 1);
        s = status();
        QCOMPARE(s.value("followedUp").toBool(), true);
        QCOMPARE(s.value("step").toString(), QStringLiteral("done"));
        QCOMPARE(s.value("schedules").toInt(), 0);
        QCOMPARE(f.clock->advance(72h), 0);
        QCOMPARE(status().value("decision").toString(), QStringLiteral("interview"));
        const auto counts = wait(directory.stepCounts("Recruitment")).value();
        QCOMPARE(counts.value("done"), 1);
        QCOMPARE(counts.size(), 1);
        QVERIFY(wait(inbox.pending()).value().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAgent)
#include "tst_agent.moc"
