// SPDX-License-Identifier: MIT
#include "agenthumanrequests.h"

#include "agenthandlers.h"
#include "agentschedules.h"
#include "agentstore.h"
#include "agenttables.h"
#include "objecthost.h"

#include <QUuid>
#include <durable/core/jsonschema.h>

namespace Durable {

AgentHumanRequests::AgentHumanRequests(AgentTables &tables, const AgentHandlers &handlers,
                                       AgentSchedules &schedules)
    : m_tables(tables), m_handlers(handlers), m_schedules(schedules)
{ }

// Returns the deadline in ms since the epoch, or -1 for none.
qint64 AgentHumanRequests::checkRequest(ObjectHost &host, const HumanRequest &request,
                                        const QString &continuation, qint64 now) const
{
    if (request.title.trimmed().isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 asked a human without a title").arg(host.label()));
    }
    if (request.actions.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 asked a human (\"%2\") without any allowed action")
                        .arg(host.label(), request.title));
    }
    m_handlers.continuation(host.className(), continuation, "a human answer");
    if (!request.schema.isEmpty()) {
        if (auto schema = JsonSchema::fromJson(request.schema); !schema) {
            throw schema.error().prefixed(QStringLiteral("The form of human request \"%1\" of %2")
                                              .arg(request.title, host.label()));
        }
    }
    if (request.deadline.isValid()) {
        const qint64 deadlineMs = request.deadline.toMSecsSinceEpoch();
        if (deadlineMs <= now) {
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 asked a human (\"%2\") with a deadline in the past (%3)")
                            .arg(host.label(), request.title,
                                 request.deadline.toUTC().toString(Qt::ISODateWithMs)));
        }
        return deadlineMs;
    }
    if (!request.deadlineContinuation.isEmpty()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 asked a human (\"%2\") with a deadline continuation but no "
                                   "deadline")
                        .arg(host.label(), request.title));
    }
    return -1;
}

QString AgentHumanRequests::ask(ObjectHost &host, const HumanRequest &request,
                                const QString &continuation)
{
    const qint64 now = host.nowMs();
    const qint64 deadlineMs = checkRequest(host, request, continuation, now);

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
    info.continuation = continuation;
    info.deadlineContinuation = request.deadlineContinuation;
    info.createdMs = now;

    m_tables.ensure(host);
    QString deadlineSchedule;
    if (deadlineMs >= 0) {
        deadlineSchedule = m_schedules.insert(
            host, ScheduleInfo::Kind::Deadline, deadlineMs, request.deadlineContinuation,
            QJsonObject {{QStringLiteral("requestId"), info.requestId}}, {});
    }
    AgentStore::insertHumanRequest(host.database(), info, deadlineSchedule);
    m_opened.append({info.requestId, host.id().toString(), host.className(), host.name(),
                     info.title, info.createdMs, info.deadlineMs, QStringLiteral("pending")});
    return info.requestId;
}

QList<HumanRequestInfo> AgentHumanRequests::list(ObjectHost &host, bool pendingOnly)
{
    return AgentStore::humanRequests(host, pendingOnly);
}

void AgentHumanRequests::expire(ObjectHost &host, const ScheduleInfo &deadline)
{
    const QString requestId =
        deadline.payload.toObject().value(QStringLiteral("requestId")).toString();
    std::optional<HumanRequestInfo> info = AgentStore::humanRequest(host, requestId);
    if (!info || info->status != HumanRequestStatus::Pending)
        return; // answered meanwhile (its deadline schedule should be gone already)
    const qint64 now = host.nowMs();
    AgentStore::closeHumanRequest(host.database(), requestId, HumanRequestStatus::Expired, now,
                                  std::nullopt);
    info->status = HumanRequestStatus::Expired;
    info->answeredMs = now;
    m_closed.append({{QStringLiteral("requestId"), requestId},
                     {QStringLiteral("title"), info->title},
                     {QStringLiteral("status"), QStringLiteral("expired")}});
    if (!info->deadlineContinuation.isEmpty())
        m_handlers.runPayload(host.className(), info->deadlineContinuation, info->toJson());
}

// Throws Conflict for a request that is closed or past its deadline, InvalidArgument for an
// action it does not allow.
void AgentHumanRequests::checkAnswerable(const HumanRequestInfo &info,
                                         const HumanResponse &response, const QString &what,
                                         qint64 now)
{
    const QString &requestId = info.requestId;
    if (info.status == HumanRequestStatus::Answered) {
        QString how;
        if (info.response) {
            how = QStringLiteral(" (%1%2)").arg(
                humanActionName(info.response->action),
                info.response->answeredBy.isEmpty()
                    ? QString()
                    : QStringLiteral(" by %1").arg(info.response->answeredBy));
        }
        throw Error(ErrorCode::Conflict, QStringLiteral("%1 was already answered%2").arg(what, how))
            .withContext(QStringLiteral("requestId"), requestId);
    }
    if (info.status == HumanRequestStatus::Expired ||
        (info.deadlineMs >= 0 && now >= info.deadlineMs)) {
        throw Error(ErrorCode::Conflict,
                    QStringLiteral("%1 expired at its deadline %2; it can no longer be answered")
                        .arg(what, QDateTime::fromMSecsSinceEpoch(info.deadlineMs, Qt::UTC)
                                       .toString(Qt::ISODate)))
            .withContext(QStringLiteral("requestId"), requestId);
    }
    if (!info.actions.contains(response.action)) {
        QStringList allowed;
        for (HumanAction action : std::as_const(info.actions))
            allowed.append(humanActionName(action));
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 does not allow \"%2\"; allowed: %3")
                .arg(what, humanActionName(response.action), allowed.join(QStringLiteral(", "))))
            .withContext(QStringLiteral("requestId"), requestId);
    }
}

// Throws InvalidArgument when an "edit" or "respond" answer lacks its value or does not match
// the request's form.
void AgentHumanRequests::checkAnswer(const HumanRequestInfo &info, const HumanResponse &response,
                                     const QString &what)
{
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
    if ((response.action == HumanAction::Edit || response.action == HumanAction::Respond) &&
        !info.schema.isEmpty()) {
        const JsonSchema schema = JsonSchema::fromJson(info.schema).orThrow();
        const QJsonValue answer = hasValue ? response.value : QJsonValue(response.text);
        if (auto ok = schema.validate(answer); !ok) {
            Error invalid(ErrorCode::InvalidArgument,
                          QStringLiteral("The answer to %1 does not match its form: %2")
                              .arg(what, ok.error().message()),
                          ok.error().context());
            throw invalid;
        }
    }
}

QJsonValue AgentHumanRequests::answer(ObjectHost &host, const QString &requestId,
                                      const HumanResponse &response)
{
    ObjectDatabase &db = host.database();
    const qint64 now = host.nowMs();
    std::optional<HumanRequestInfo> info = AgentStore::humanRequest(host, requestId);
    if (!info) {
        throw Error(ErrorCode::NotFound,
                    QStringLiteral("%1 has no human request \"%2\"").arg(host.label(), requestId))
            .withContext(QStringLiteral("requestId"), requestId);
    }
    const QString what =
        QStringLiteral("Human request \"%1\" (%2) of %3").arg(info->title, requestId, host.label());
    checkAnswerable(*info, response, what, now);
    checkAnswer(*info, response, what);

    AgentStore::closeHumanRequest(db, requestId, HumanRequestStatus::Answered, now, response);
    if (const QString deadline = AgentStore::deadlineScheduleOf(db, requestId);
        !deadline.isEmpty()) {
        AgentStore::deleteSchedule(db, deadline);
        AgentStore::rearm(host);
    }
    info->status = HumanRequestStatus::Answered;
    info->answeredMs = now;
    info->response = response;
    m_closed.append({{QStringLiteral("requestId"), requestId},
                     {QStringLiteral("title"), info->title},
                     {QStringLiteral("status"), QStringLiteral("answered")},
                     {QStringLiteral("action"), humanActionName(response.action)},
                     {QStringLiteral("answeredBy"), response.answeredBy}});
    return m_handlers.runHuman(host.className(), info->continuation, *info, response);
}

void AgentHumanRequests::index(TurnEffects &effects) const
{
    for (const Catalog::HumanRequestHint &hint : std::as_const(m_opened)) {
        effects.index(QStringLiteral("human request %1").arg(hint.requestId),
                      [hint](Catalog &catalog) { return catalog.writeHumanRequestHint(hint); });
    }
    for (const QJsonObject &detail : std::as_const(m_closed)) {
        effects.index(
            QStringLiteral("human request %1")
                .arg(detail.value(QStringLiteral("requestId")).toString()),
            [requestId = detail.value(QStringLiteral("requestId")).toString(),
             status = detail.value(QStringLiteral("status")).toString()](Catalog &catalog) {
                return catalog.setHumanRequestHintStatus(requestId, status);
            });
    }
}

void AgentHumanRequests::publish(TurnEffects &effects) const
{
    for (const Catalog::HumanRequestHint &hint : std::as_const(m_opened)) {
        effects.publish(ChangeEvent::Kind::HumanRequestOpened,
                        {{QStringLiteral("requestId"), hint.requestId},
                         {QStringLiteral("title"), hint.title},
                         {QStringLiteral("deadlineMs"), double(hint.deadlineMs)}});
    }
    for (const QJsonObject &detail : std::as_const(m_closed))
        effects.publish(ChangeEvent::Kind::HumanRequestAnswered, detail);
}

void AgentHumanRequests::reset()
{
    m_opened.clear();
    m_closed.clear();
}

} // namespace Durable
