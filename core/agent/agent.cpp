// SPDX-License-Identifier: MIT
#include "agentstore.h"
#include "enginecore.h"
#include <durable/core/jsontext.h>
#include "modelcalls.h"
#include "objectcalls.h"
#include "objecthost.h"

#include <QLoggingCategory>
#include <QUuid>
#include <algorithm>
#include <durable/core/agent.h>
#include <durable/core/jsonschema.h>
#include <durable/core/objectcontext.h>

Q_LOGGING_CATEGORY(lcAgent, "durable.core.agent")

namespace Durable {

// What the running turn has read and changed. Caches are per turn (an admin edit between two
// turns must be seen); the change flags become catalog writes and change events when the
// handler returns.
struct Agent::TurnState
{
    bool schemaReady = false; // per instance: the agent tables exist
    bool stepSynced = false; // per instance: the catalog's step was compared with ours
    bool modelCallsResumed = false; // per instance: pending model calls were re-issued
    bool loaded = false;
    QJsonObject state;
    QString step;
    bool stateChanged = false;
    bool stepChanged = false;
    QList<Catalog::HumanRequestHint> opened;
    QList<QJsonObject> closed; // HumanRequestAnswered details

    bool dirty() const
    {
        return stateChanged || stepChanged || !opened.isEmpty() || !closed.isEmpty();
    }
    void reset()
    {
        loaded = false;
        stateChanged = false;
        stepChanged = false;
        opened.clear();
        closed.clear();
    }
};

Agent::Agent()
    : m_turn(std::make_unique<TurnState>())
{
}

Agent::~Agent() = default;

QString Agent::label() const
{
    return hostOf(context()).label();
}

void Agent::addHandler(const QString &name, HandlerFn fn)
{
    // Registration happens in the constructor, which runs inside the object's first turn: a
    // mistake there fails that turn with this message.
    if (name.isEmpty() || m_handlers.contains(name)) {
        throw Error(ErrorCode::InvalidArgument,
            name.isEmpty()
                ? QStringLiteral("An agent registered a handler without a name")
                : QStringLiteral("An agent registered the handler \"%1\" twice").arg(name));
    }
    m_handlers.insert(name, std::move(fn));
    m_handlerOrder.append(name);
}

void Agent::addContinuation(const QString &name, ContinuationFn fn)
{
    if (name.isEmpty() || m_continuations.contains(name)) {
        throw Error(ErrorCode::InvalidArgument,
            name.isEmpty()
                ? QStringLiteral("An agent registered a continuation without a name")
                : QStringLiteral("An agent registered the continuation \"%1\" twice").arg(name));
    }
    m_continuations.insert(name, std::move(fn));
    m_continuationOrder.append(name);
}

template <typename F> QJsonValue Agent::inTurn(F &&fn)
{
    struct End
    {
        Agent *agent;
        ~End() { agent->endTurn(); }
    } end { this };
    beginTurn();
    QJsonValue result = fn();
    finishTurn();
    return result;
}

void Agent::beginTurn()
{
    // Changes made by onStart() (which runs before the first handler) are still to be flushed.
    if (!m_turn->dirty())
        m_turn->loaded = false;
    if (!m_turn->modelCallsResumed) {
        // A new instance: after a restart (or a failed turn) what the model calls were waiting
        // for is issued again; a call still in flight on this engine is skipped.
        m_turn->modelCallsResumed = true;
        ModelCalls::resumePending(hostOf(context()));
    }
}

void Agent::finishTurn()
{
    TurnState &t = *m_turn;
    ObjectHost &host = hostOf(context());
    TurnEffects &effects = host.effects();
    // Index rows and change events go through the turn's gate: they leave after the commit, and
    // not at all if the turn rolls back.
    if (t.stepChanged) {
        effects.index(QStringLiteral("the step"),
            [id = host.id().toString(), className = host.className(), step = t.step](
                Catalog &catalog) { return catalog.writeAgentStep(id, className, step); });
    }
    for (const Catalog::HumanRequestHint &hint : std::as_const(t.opened)) {
        effects.index(QStringLiteral("human request %1").arg(hint.requestId),
            [hint](Catalog &catalog) { return catalog.writeHumanRequestHint(hint); });
    }
    for (const QJsonObject &detail : std::as_const(t.closed)) {
        effects.index(QStringLiteral("human request %1").arg(detail.value(QStringLiteral("requestId")).toString()),
            [requestId = detail.value(QStringLiteral("requestId")).toString(),
                status = detail.value(QStringLiteral("status")).toString()](Catalog &catalog) {
                return catalog.setHumanRequestHintStatus(requestId, status);
            });
    }
    if (t.stateChanged)
        effects.publish(ChangeEvent::Kind::StateChanged, { { QStringLiteral("state"), t.state } });
    for (const Catalog::HumanRequestHint &hint : std::as_const(t.opened)) {
        effects.publish(ChangeEvent::Kind::HumanRequestOpened,
            { { QStringLiteral("requestId"), hint.requestId },
                { QStringLiteral("title"), hint.title },
                { QStringLiteral("deadlineMs"), double(hint.deadlineMs) } });
    }
    for (const QJsonObject &detail : std::as_const(t.closed))
        effects.publish(ChangeEvent::Kind::HumanRequestAnswered, detail);
}

void Agent::endTurn()
{
    // On failure the worker discards this instance anyway; on success the next turn reloads.
    m_turn->reset();
}

void Agent::ensureSchema() const
{
    if (m_turn->schemaReady)
        return;
    AgentStore::ensureSchema(hostOf(context()).database());
    m_turn->schemaReady = true;
}

void Agent::ensureLoaded() const
{
    TurnState &t = *m_turn;
    if (t.loaded)
        return;
    ensureSchema();
    ObjectHost &host = hostOf(context());
    ObjectDatabase &db = host.database();
    if (const std::optional<QJsonObject> stored = AgentStore::state(db)) {
        t.state = *stored;
    } else {
        // Stored on first use, so the inspection API sees it without running the agent.
        t.state = initialState();
        AgentStore::writeState(db, t.state, host.nowMs());
    }
    t.step = AgentStore::step(db);
    t.loaded = true;
    if (!t.stepSynced) {
        // The index is written after the commit: a crash in between leaves it behind us (the
        // restart re-indexes objects marked pending; this catches any other drift).
        t.stepSynced = true;
        const Result<QString> indexed = host.core().catalog().agentStep(host.id().toString());
        if (indexed.ok() && indexed.value() != t.step)
            t.stepChanged = true;
    }
}

// --- requests ---

QJsonValue Agent::onRequest(const QString &method, const QJsonValue &args)
{
    const auto it = m_handlers.constFind(method);
    if (it == m_handlers.cend()) {
        throw Error(ErrorCode::UnknownMethod,
            m_handlerOrder.isEmpty()
                ? QStringLiteral("%1 has no handler \"%2\"; it registers no handlers")
                      .arg(context().className(), method)
                : QStringLiteral("%1 has no handler \"%2\"; known handlers: %3")
                      .arg(
                          context().className(), method, m_handlerOrder.join(QStringLiteral(", "))))
            .withContext(QStringLiteral("method"), method);
    }
    const HandlerFn handler = it.value();
    return inTurn([&handler, &args] { return handler(args); });
}

const Agent::ContinuationFn &Agent::continuationFor(const QString &name, const char *use) const
{
    const auto it = m_continuations.constFind(name);
    if (it == m_continuations.cend()) {
        throw Error(ErrorCode::UnknownMethod,
            m_continuationOrder.isEmpty()
                ? QStringLiteral("%1 has no continuation \"%2\" for %3; it registers no "
                                 "continuations")
                      .arg(context().className(), name, QLatin1String(use))
                : QStringLiteral("%1 has no continuation \"%2\" for %3; known "
                                 "continuations: %4")
                      .arg(context().className(), name, QLatin1String(use),
                          m_continuationOrder.join(QStringLiteral(", "))))
            .withContext(QStringLiteral("continuation"), name);
    }
    return it.value();
}

QJsonValue Agent::runContinuation(const QString &name, const QJsonValue &payload)
{
    const ContinuationFn fn = continuationFor(name, "a schedule");
    if (!fn.payload) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("Continuation \"%1\" of %2 does not take a payload")
                .arg(name, context().className()));
    }
    return fn.payload(payload);
}

QJsonValue Agent::runModelContinuation(
    const QString &name, const QJsonValue &payload, const Result<ChatReply> &reply)
{
    const ContinuationFn fn = continuationFor(name, "a model reply");
    if (fn.model)
        return fn.model(payload, reply);
    if (fn.payload) {
        QJsonObject wrapped { { QStringLiteral("payload"), payload } };
        if (reply.ok())
            wrapped.insert(QStringLiteral("reply"), reply.value().toJson());
        else
            wrapped.insert(QStringLiteral("error"), reply.error().message());
        return fn.payload(wrapped);
    }
    throw Error(ErrorCode::InvalidArgument,
        QStringLiteral("Continuation \"%1\" of %2 takes a human answer, not a model reply")
            .arg(name, context().className()));
}

// --- state and step ---

QJsonObject Agent::state() const
{
    ensureLoaded();
    return m_turn->state;
}

Result<void> Agent::validateState(const QJsonObject &) const
{
    return {};
}

void Agent::setState(const QJsonObject &next)
{
    ensureLoaded();
    if (auto ok = validateState(next); !ok) {
        Error refused(ErrorCode::InvalidArgument,
            QStringLiteral("%1 refused the state change: %2").arg(label(), ok.error().message()),
            ok.error().context());
        throw refused;
    }
    if (next == m_turn->state)
        return;
    ObjectHost &host = hostOf(context());
    AgentStore::writeState(host.database(), next, host.nowMs());
    m_turn->state = next;
    m_turn->stateChanged = true;
}

QStringList Agent::steps() const
{
    return hostOf(context()).classInfo().options.steps;
}

QString Agent::step() const
{
    ensureLoaded();
    return m_turn->step;
}

void Agent::setStep(const QString &step)
{
    const QStringList declared = steps();
    if (declared.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot enter step \"%2\": class %3 declares no workflow "
                           "steps (ClassOptions::steps)")
                .arg(label(), step, context().className()));
    }
    if (!declared.contains(step)) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 has no step \"%2\"; its steps are: %3")
                .arg(context().className(), step, declared.join(QStringLiteral(", "))));
    }
    ensureLoaded();
    if (m_turn->step == step)
        return;
    ObjectHost &host = hostOf(context());
    AgentStore::writeStep(host.database(), step, host.nowMs());
    m_turn->step = step;
    m_turn->stepChanged = true;
}

// --- schedules ---

QString Agent::insertSchedule(ScheduleInfo::Kind kind, qint64 dueMs, const QString &callback,
    const QJsonValue &payload, const QString &cron)
{
    if (kind != ScheduleInfo::Kind::Deadline || !callback.isEmpty()) {
        const ContinuationFn &fn = continuationFor(callback, "a schedule");
        if (!fn.payload) {
            throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("%1 cannot schedule \"%2\": it takes a human answer, not a "
                               "payload")
                    .arg(label(), callback));
        }
    }
    ensureSchema();
    ObjectHost &host = hostOf(context());
    ScheduleInfo info;
    info.kind = kind;
    info.dueMs = dueMs;
    info.callback = callback;
    info.payload = payload;
    info.cron = cron;
    info.createdMs = host.nowMs();
    const QString id = AgentStore::insertSchedule(host.database(), info);
    AgentStore::rearm(host);
    return id;
}

QString Agent::schedule(
    std::chrono::milliseconds delay, const QString &callbackName, const QJsonValue &payload)
{
    if (delay.count() < 0) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot schedule \"%2\" with a negative delay (%3 ms)")
                .arg(label(), callbackName)
                .arg(delay.count()));
    }
    return insertSchedule(
        ScheduleInfo::Kind::Delay, context().nowMs() + delay.count(), callbackName, payload, {});
}

QString Agent::schedule(
    const QDateTime &when, const QString &callbackName, const QJsonValue &payload)
{
    if (!when.isValid()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot schedule \"%2\" at an invalid date")
                .arg(label(), callbackName));
    }
    // A time in the past runs at the next alarm, i.e. at once.
    return insertSchedule(
        ScheduleInfo::Kind::Date, when.toMSecsSinceEpoch(), callbackName, payload, {});
}

QString Agent::schedule(
    const CronExpression &cron, const QString &callbackName, const QJsonValue &payload)
{
    if (!cron.isValid()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot schedule \"%2\" with an invalid cron expression "
                           "(use CronExpression::parse())")
                .arg(label(), callbackName));
    }
    const QDateTime next = cron.next(context().now());
    if (!next.isValid()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot schedule \"%2\": cron \"%3\" matches no time in the "
                           "next five years")
                .arg(label(), callbackName, cron.toString()));
    }
    return insertSchedule(
        ScheduleInfo::Kind::Cron, next.toMSecsSinceEpoch(), callbackName, payload, cron.toString());
}

QList<ScheduleInfo> Agent::schedules() const
{
    return AgentStore::schedules(hostOf(context()).database());
}

bool Agent::cancelSchedule(const QString &id)
{
    ObjectHost &host = hostOf(context());
    const std::optional<ScheduleInfo> existing = AgentStore::schedule(host.database(), id);
    if (!existing)
        return false;
    if (existing->kind == ScheduleInfo::Kind::Deadline) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("Schedule %1 of %2 is the deadline of human request %3; it ends "
                           "when the request is answered")
                .arg(id, label(),
                    existing->payload.toObject().value(QStringLiteral("requestId")).toString()));
    }
    AgentStore::deleteSchedule(host.database(), id);
    AgentStore::rearm(host);
    return true;
}

void Agent::onAlarm(const AlarmInfo &info)
{
    inTurn([this, &info] {
        ObjectHost &host = hostOf(context());
        ObjectDatabase &db = host.database();
        // A real alarm fires at or after its time; one fired early (an admin's "fire now") runs
        // the schedules it was set for, so "due" is measured at the later of the two.
        const qint64 asOf = info.scheduledTime.isValid()
            ? std::max(host.nowMs(), info.scheduledTime.toMSecsSinceEpoch())
            : host.nowMs();
        // Everything due, in due order. A callback may cancel or move a later one, so each is
        // re-read before it runs; schedules a callback adds for "now" run at the next alarm,
        // which is due at once. If a callback throws, the whole alarm turn rolls back and the
        // engine retries it with backoff: schedules are at-least-once, like alarms.
        const QList<ScheduleInfo> due = AgentStore::dueSchedules(db, asOf);
        if (!due.isEmpty())
            host.turnTrigger = QStringLiteral("schedule"); // the journal names what ran
        for (const ScheduleInfo &listed : due) {
            const std::optional<ScheduleInfo> current = AgentStore::schedule(db, listed.id);
            if (!current || current->dueMs > asOf)
                continue;
            runSchedule(*current);
        }
        AgentStore::rearm(host);
        return QJsonValue();
    });
}

void Agent::runSchedule(const ScheduleInfo &current)
{
    ObjectHost &host = hostOf(context());
    ObjectDatabase &db = host.database();
    if (current.kind == ScheduleInfo::Kind::Cron) {
        // Next match after now: runs missed while the engine was down collapse into one, and a
        // run fired early keeps the expression's timetable (the pending match still runs).
        const auto cron = CronExpression::parse(current.cron);
        const QDateTime next = cron.ok()
            ? cron.value().next(QDateTime::fromMSecsSinceEpoch(host.nowMs(), Qt::UTC))
            : QDateTime();
        if (next.isValid()) {
            AgentStore::moveSchedule(db, current.id, next.toMSecsSinceEpoch());
        } else {
            qCWarning(lcAgent).noquote() << "Cron schedule" << current.id << "of" << label()
                                         << "never fires again; removed";
            AgentStore::deleteSchedule(db, current.id);
        }
    } else {
        AgentStore::deleteSchedule(db, current.id);
    }
    if (current.kind == ScheduleInfo::Kind::Deadline)
        runDeadline(current);
    else
        runContinuation(current.callback, current.payload);
}

QJsonValue Agent::runScheduleNow(const ScheduleInfo &schedule)
{
    return inTurn([this, &schedule]() -> QJsonValue {
        runSchedule(schedule);
        AgentStore::rearm(hostOf(context()));
        return schedule.toJson();
    });
}

QJsonValue Agent::replaceState(const QJsonObject &next)
{
    return inTurn([this, &next]() -> QJsonValue {
        setState(next);
        return m_turn->state;
    });
}

// --- human in the loop ---

QString Agent::askHuman(const HumanRequest &request, const QString &continuationName)
{
    ObjectHost &host = hostOf(context());
    const qint64 now = host.nowMs();
    if (request.title.trimmed().isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 asked a human without a title").arg(label()));
    }
    if (request.actions.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 asked a human (\"%2\") without any allowed action")
                .arg(label(), request.title));
    }
    continuationFor(continuationName, "a human answer");
    if (!request.schema.isEmpty()) {
        if (auto schema = JsonSchema::fromJson(request.schema); !schema) {
            throw schema.error().prefixed(QStringLiteral("The form of human request \"%1\" of %2")
                                              .arg(request.title, label()));
        }
    }
    qint64 deadlineMs = -1;
    if (request.deadline.isValid()) {
        deadlineMs = request.deadline.toMSecsSinceEpoch();
        if (deadlineMs <= now) {
            throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("%1 asked a human (\"%2\") with a deadline in the past (%3)")
                    .arg(label(), request.title,
                        request.deadline.toUTC().toString(Qt::ISODateWithMs)));
        }
    } else if (!request.deadlineContinuation.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 asked a human (\"%2\") with a deadline continuation but no "
                           "deadline")
                .arg(label(), request.title));
    }

    HumanRequestInfo info;
    info.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    info.objectId = host.id();
    info.className = host.className();
    info.objectName = host.name();
    info.title = request.title;
    info.prompt = request.prompt;
    info.context = request.context;
    for (HumanAction action : request.actions) {
        if (!info.actions.contains(action))
            info.actions.append(action);
    }
    info.schema = request.schema;
    info.deadlineMs = deadlineMs;
    info.continuation = continuationName;
    info.deadlineContinuation = request.deadlineContinuation;
    info.createdMs = now;

    ensureSchema();
    QString deadlineSchedule;
    if (deadlineMs >= 0) {
        deadlineSchedule =
            insertSchedule(ScheduleInfo::Kind::Deadline, deadlineMs, request.deadlineContinuation,
                QJsonObject { { QStringLiteral("requestId"), info.requestId } }, {});
    }
    AgentStore::insertHumanRequest(host.database(), info, deadlineSchedule);
    m_turn->opened.append({ info.requestId, host.id().toString(), host.className(), host.name(),
        info.title, info.createdMs, info.deadlineMs, QStringLiteral("pending") });
    return info.requestId;
}

QList<HumanRequestInfo> Agent::humanRequests(bool pendingOnly) const
{
    return AgentStore::humanRequests(hostOf(context()), pendingOnly);
}

void Agent::runDeadline(const ScheduleInfo &schedule)
{
    ObjectHost &host = hostOf(context());
    const QString requestId =
        schedule.payload.toObject().value(QStringLiteral("requestId")).toString();
    std::optional<HumanRequestInfo> info = AgentStore::humanRequest(host, requestId);
    if (!info || info->status != HumanRequestStatus::Pending)
        return; // answered meanwhile (its deadline schedule should be gone already)
    const qint64 now = host.nowMs();
    AgentStore::closeHumanRequest(
        host.database(), requestId, HumanRequestStatus::Expired, now, std::nullopt);
    info->status = HumanRequestStatus::Expired;
    info->answeredMs = now;
    m_turn->closed.append(
        { { QStringLiteral("requestId"), requestId }, { QStringLiteral("title"), info->title },
            { QStringLiteral("status"), QStringLiteral("expired") } });
    if (!info->deadlineContinuation.isEmpty())
        runContinuation(info->deadlineContinuation, info->toJson());
}

QJsonValue Agent::deliverHumanAnswer(const QString &requestId, const HumanResponse &response)
{
    return inTurn([this, &requestId, &response] {
        ObjectHost &host = hostOf(context());
        ObjectDatabase &db = host.database();
        const qint64 now = host.nowMs();
        std::optional<HumanRequestInfo> info = AgentStore::humanRequest(host, requestId);
        if (!info) {
            throw Error(ErrorCode::NotFound,
                QStringLiteral("%1 has no human request \"%2\"").arg(label(), requestId))
                .withContext(QStringLiteral("requestId"), requestId);
        }
        const QString what =
            QStringLiteral("Human request \"%1\" (%2) of %3").arg(info->title, requestId, label());
        if (info->status == HumanRequestStatus::Answered) {
            QString how;
            if (info->response) {
                how = QStringLiteral(" (%1%2)").arg(humanActionName(info->response->action),
                    info->response->answeredBy.isEmpty()
                        ? QString()
                        : QStringLiteral(" by %1").arg(info->response->answeredBy));
            }
            throw Error(
                ErrorCode::Conflict, QStringLiteral("%1 was already answered%2").arg(what, how))
                .withContext(QStringLiteral("requestId"), requestId);
        }
        if (info->status == HumanRequestStatus::Expired
            || (info->deadlineMs >= 0 && now >= info->deadlineMs)) {
            throw Error(ErrorCode::Conflict,
                QStringLiteral("%1 expired at its deadline %2; it can no longer be answered")
                    .arg(what,
                        QDateTime::fromMSecsSinceEpoch(info->deadlineMs, Qt::UTC)
                            .toString(Qt::ISODate)))
                .withContext(QStringLiteral("requestId"), requestId);
        }
        if (!info->actions.contains(response.action)) {
            QStringList allowed;
            for (HumanAction action : std::as_const(info->actions))
                allowed.append(humanActionName(action));
            throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("%1 does not allow \"%2\"; allowed: %3")
                    .arg(
                        what, humanActionName(response.action), allowed.join(QStringLiteral(", "))))
                .withContext(QStringLiteral("requestId"), requestId);
        }
        const bool hasValue = !response.value.isUndefined() && !response.value.isNull();
        if (response.action == HumanAction::Edit && !hasValue) {
            throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("An \"edit\" answer to %1 needs the edited JSON as its value")
                    .arg(what));
        }
        if (response.action == HumanAction::Respond && !hasValue && response.text.isEmpty()) {
            throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("A \"respond\" answer to %1 needs a text or a value").arg(what));
        }
        if ((response.action == HumanAction::Edit || response.action == HumanAction::Respond)
            && !info->schema.isEmpty()) {
            const JsonSchema schema = JsonSchema::fromJson(info->schema).orThrow();
            const QJsonValue answer = hasValue ? response.value : QJsonValue(response.text);
            if (auto ok = schema.validate(answer); !ok) {
                Error invalid(ErrorCode::InvalidArgument,
                    QStringLiteral("The answer to %1 does not match its form: %2")
                        .arg(what, ok.error().message()),
                    ok.error().context());
                throw invalid;
            }
        }

        AgentStore::closeHumanRequest(db, requestId, HumanRequestStatus::Answered, now, response);
        if (const QString deadline = AgentStore::deadlineScheduleOf(db, requestId);
            !deadline.isEmpty()) {
            AgentStore::deleteSchedule(db, deadline);
            AgentStore::rearm(host);
        }
        info->status = HumanRequestStatus::Answered;
        info->answeredMs = now;
        info->response = response;
        m_turn->closed.append(
            { { QStringLiteral("requestId"), requestId }, { QStringLiteral("title"), info->title },
                { QStringLiteral("status"), QStringLiteral("answered") },
                { QStringLiteral("action"), humanActionName(response.action) },
                { QStringLiteral("answeredBy"), response.answeredBy } });

        const ContinuationFn fn = continuationFor(info->continuation, "a human answer");
        if (fn.human)
            return fn.human(*info, response);
        return fn.payload(QJsonObject { { QStringLiteral("request"), info->toJson() },
            { QStringLiteral("response"), response.toJson() } });
    });
}

// --- calls to other objects ---

QString Agent::storeCall(const QString &className, const QString &name, const QString &method,
    const QJsonValue &args, const QString &continuationName, const QJsonValue &payload)
{
    ObjectHost &host = hostOf(context());
    if (className.isEmpty() || name.isEmpty() || method.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot call \"%2/%3.%4\": a call needs a class, a name and a method")
                .arg(label(), className, name, method));
    }
    // An unknown class (or method) is the callee's failure: it comes back as the reply's
    // error, like any other, so a call stored before a class went away is still answered.
    OutgoingCallInfo info;
    info.className = className;
    info.name = name;
    info.targetId = ObjectId::fromName(className, name);
    info.method = method;
    info.args = args;
    info.continuation = continuationName;
    info.payload = payload;
    return ObjectCalls::send(host, info);
}

QString Agent::sendTo(
    const QString &className, const QString &name, const QString &method, const QJsonValue &args)
{
    return storeCall(className, name, method, args, {}, {});
}

QString Agent::callObject(const QString &className, const QString &name, const QString &method,
    const QJsonValue &args, const QString &continuationName, const QJsonValue &payload)
{
    const ContinuationFn &fn = continuationFor(continuationName, "a call's reply");
    if (!fn.payload) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot call %2/%3 with continuation \"%4\": it takes a human "
                           "answer or a model reply, not a call's reply")
                .arg(label(), className, name, continuationName));
    }
    return storeCall(className, name, method, args, continuationName, payload);
}

QList<OutgoingCallInfo> Agent::pendingCalls() const
{
    return ObjectCalls::pending(hostOf(context()).database());
}

QJsonValue Agent::deliverCallReply(const OutgoingCallInfo &call, const Result<QJsonValue> &reply)
{
    return inTurn([this, &call, &reply]() -> QJsonValue {
        QJsonObject wrapped { { QStringLiteral("callId"), call.id },
            { QStringLiteral("to"),
                QStringLiteral("%1/%2.%3").arg(call.className, call.name, call.method) },
            { QStringLiteral("payload"), call.payload } };
        if (reply.ok())
            wrapped.insert(QStringLiteral("reply"), reply.value());
        else
            wrapped.insert(QStringLiteral("error"), reply.error().message());
        return continuationFor(call.continuation, "a call's reply").payload(wrapped);
    });
}

QJsonValue ObjectCallAccess::deliverReply(
    Agent &agent, const OutgoingCallInfo &call, const Result<QJsonValue> &reply)
{
    return agent.deliverCallReply(call, reply);
}

// --- model calls and tools ---

void Agent::addTool(const ToolDefinition &definition, HandlerFn fn)
{
    if (definition.name.isEmpty() || m_tools.contains(definition.name)) {
        throw Error(ErrorCode::InvalidArgument,
            definition.name.isEmpty()
                ? QStringLiteral("An agent registered a tool without a name")
                : QStringLiteral("An agent registered the tool \"%1\" twice").arg(definition.name));
    }
    if (auto schema = JsonSchema::fromJson(definition.parameters); !schema) {
        throw schema.error().prefixed(
            QStringLiteral("The parameters of tool \"%1\"").arg(definition.name));
    }
    m_tools.insert(definition.name, { definition, std::move(fn) });
    m_toolOrder.append(definition.name);
}

QList<ToolDefinition> Agent::toolDefinitions() const
{
    QList<ToolDefinition> list;
    for (const QString &name : m_toolOrder)
        list.append(m_tools.value(name).definition);
    return list;
}

QString Agent::callModel(const ChatRequest &request, const QString &continuationName,
    const QJsonValue &payload, OfferTools offer)
{
    const ContinuationFn &fn = continuationFor(continuationName, "a model reply");
    if (!fn.model && !fn.payload) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 cannot call the model with continuation \"%2\": it takes a human "
                           "answer, not a model reply")
                .arg(label(), continuationName));
    }
    if (request.messages.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
            QStringLiteral("%1 called the model without any message").arg(label()));
    }
    ensureSchema();
    ObjectHost &host = hostOf(context());
    ModelCallInfo info;
    info.continuation = continuationName;
    info.payload = payload;
    info.request = request;
    if (offer == OfferTools::Registered && info.request.tools.isEmpty())
        info.request.tools = toolDefinitions();
    info.createdMs = host.nowMs();
    info.updatedMs = info.createdMs;
    const QString id = ModelCalls::insert(host.database(), info);
    ModelCalls::queueSend(host, id);
    return id;
}

QList<ModelCallInfo> Agent::modelCalls(bool pendingOnly) const
{
    return ModelCalls::list(hostOf(context()).database(), pendingOnly);
}

QJsonValue Agent::deliverModelReply(
    const QString &callId, int round, const Result<ChatReply> &reply)
{
    return inTurn([this, &callId, round, &reply]() -> QJsonValue {
        ObjectHost &host = hostOf(context());
        ObjectDatabase &db = host.database();
        std::optional<ModelCallInfo> info = ModelCalls::get(db, callId);
        if (!info || info->status != ModelCallInfo::Status::Model || info->round != round) {
            // A re-issued call answered twice: the first answer won.
            return QJsonObject { { QStringLiteral("ignored"),
                QStringLiteral("model call %1 (round %2) is no longer waiting for a reply")
                    .arg(callId)
                    .arg(round) } };
        }
        info->updatedMs = host.nowMs();
        if (!reply.ok()) {
            info->status = ModelCallInfo::Status::Failed;
            info->error = reply.error().message();
            ModelCalls::update(db, *info);
            return runModelContinuation(info->continuation, info->payload, reply);
        }
        const ChatReply &answer = reply.value();
        info->lastReply = answer.toJson();
        if (answer.toolCalls.isEmpty()) {
            info->status = ModelCallInfo::Status::Done;
            ModelCalls::update(db, *info);
            return runModelContinuation(info->continuation, info->payload, reply);
        }
        if (info->round + 1 >= maxToolRounds()) {
            info->status = ModelCallInfo::Status::Failed;
            info->error = QStringLiteral("Model call %1 of %2 stopped: the model still asked for "
                                         "tools after %3 rounds (the limit is maxToolRounds())")
                              .arg(callId, label())
                              .arg(info->round + 1);
            ModelCalls::update(db, *info);
            return runModelContinuation(info->continuation, info->payload,
                Error(ErrorCode::LimitExceeded, info->error)
                    .withContext(QStringLiteral("callId"), callId));
        }
        info->request.messages.append(answer.toMessage());
        info->status = ModelCallInfo::Status::Tools;
        info->pendingTools = QJsonArray();
        for (const ToolCall &call : answer.toolCalls)
            info->pendingTools.append(call.toJson());
        ModelCalls::update(db, *info);
        ModelCalls::queueTool(host, callId, info->pendingTools.first().toObject());
        QJsonArray names;
        for (const ToolCall &call : answer.toolCalls)
            names.append(call.name);
        return QJsonObject { { QStringLiteral("round"), info->round },
            { QStringLiteral("toolCalls"), names } };
    });
}

QJsonValue Agent::runToolCall(const QString &callId, const QString &toolCallId)
{
    return inTurn([this, &callId, &toolCallId]() -> QJsonValue {
        ObjectHost &host = hostOf(context());
        ObjectDatabase &db = host.database();
        std::optional<ModelCallInfo> info = ModelCalls::get(db, callId);
        if (!info || info->status != ModelCallInfo::Status::Tools || info->pendingTools.isEmpty()
            || info->pendingTools.first().toObject().value(QStringLiteral("id")).toString()
                != toolCallId) {
            return QJsonObject { { QStringLiteral("ignored"),
                QStringLiteral("tool call %1 of model call %2 already ran")
                    .arg(toolCallId, callId) } };
        }
        const QJsonObject callJson = info->pendingTools.first().toObject();
        info->pendingTools.removeFirst();
        const Result<ToolCall> parsed = ToolCall::fromJson(callJson);
        QJsonObject output { { QStringLiteral("callId"), callId } };
        QString content;
        bool failed = true;
        if (!parsed) {
            content = QStringLiteral("error: malformed tool call: %1").arg(parsed.error().message());
        } else if (const auto it = m_tools.constFind(parsed.value().name); it == m_tools.cend()) {
            content = QStringLiteral("error: there is no tool \"%1\"; known tools: %2")
                          .arg(parsed.value().name, m_toolOrder.join(QStringLiteral(", ")));
        } else {
            const JsonSchema schema = JsonSchema::fromJson(it->definition.parameters).orThrow();
            if (auto ok = schema.validate(parsed.value().arguments); !ok) {
                content = QStringLiteral("error: the arguments of %1 do not match its schema: %2")
                              .arg(parsed.value().name, ok.error().message());
            } else {
                // A tool's Durable::Error goes back to the model, which may correct itself;
                // anything else fails the turn (and the call is retried at the next activation).
                try {
                    const QJsonValue result = it->handler(parsed.value().arguments);
                    content = result.isString()
                        ? result.toString()
                        : QString::fromUtf8(JsonText::serialize(result));
                    output.insert(QStringLiteral("result"), result);
                    failed = false;
                } catch (const Error &error) {
                    content = QStringLiteral("error: %1").arg(error.message());
                }
            }
        }
        if (failed)
            output.insert(QStringLiteral("error"), content);
        info->request.messages.append(ChatMessage::toolResult(
            toolCallId, content, parsed.ok() ? parsed.value().name : QString()));
        info->updatedMs = host.nowMs();
        if (!info->pendingTools.isEmpty()) {
            ModelCalls::update(db, *info);
            ModelCalls::queueTool(host, callId, info->pendingTools.first().toObject());
        } else {
            info->status = ModelCallInfo::Status::Model;
            info->round += 1;
            info->attempt = 1;
            ModelCalls::update(db, *info);
            ModelCalls::queueSend(host, callId);
        }
        return output;
    });
}

QJsonValue ModelCallAccess::deliverReply(
    Agent &agent, const QString &callId, int round, const Result<ChatReply> &reply)
{
    return agent.deliverModelReply(callId, round, reply);
}

QJsonValue ModelCallAccess::runTool(Agent &agent, const QString &callId, const QString &toolCallId)
{
    return agent.runToolCall(callId, toolCallId);
}

} // namespace Durable
