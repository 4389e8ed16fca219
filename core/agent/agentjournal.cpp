// SPDX-License-Identifier: MIT
#include "agentjournal.h"

#include "agentstore.h"
#include "enginecore.h"
#include "modelcalls.h"
#include "objectcalls.h"
#include "objectdatabase.h"
#include "objecthost.h"
#include "turnchanges.h"

#include <QJsonArray>
#include <QUuid>

namespace Durable::AgentJournal {

namespace {

const QString s_stateTable = QStringLiteral("_durable_agent_state");
const QString s_schedulesTable = QStringLiteral("_durable_agent_schedules");
const QString s_requestsTable = QStringLiteral("_durable_agent_human_requests");
const QString s_modelCallsTable = QStringLiteral("_durable_agent_model_calls");
const QString s_callsTable = QStringLiteral("_durable_agent_calls");

// The facets, each read by itself: a turn that wrote one table reads only its facets.
QJsonValue stateFacet(ObjectDatabase &db)
{
    const std::optional<QJsonObject> state = AgentStore::state(db);
    return state ? QJsonValue(*state) : QJsonValue(QJsonValue::Undefined);
}

QJsonValue stepFacet(ObjectDatabase &db)
{
    const QString step = AgentStore::step(db);
    return step.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(step);
}

QJsonValue listFacet(const QJsonArray &items)
{
    return items.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(items);
}

QJsonValue schedulesFacet(ObjectDatabase &db)
{
    QJsonArray items;
    for (const ScheduleInfo &info : AgentStore::schedules(db))
        items.append(info.toJson());
    return listFacet(items);
}

QJsonValue requestsFacet(ObjectDatabase &db)
{
    QJsonArray items;
    for (const HumanRequestInfo &info : AgentStore::humanRequests(db, true)) {
        // The object's identity is not state: a fork has its own.
        QJsonObject json = info.toJson();
        json.remove(QStringLiteral("objectId"));
        json.remove(QStringLiteral("className"));
        json.remove(QStringLiteral("objectName"));
        items.append(json);
    }
    return listFacet(items);
}

QJsonValue modelCallsFacet(ObjectDatabase &db)
{
    QJsonArray items;
    for (const ModelCallInfo &info : ModelCalls::list(db, true))
        items.append(info.toJson());
    return listFacet(items);
}

QJsonValue callsFacet(ObjectDatabase &db)
{
    QJsonArray items;
    for (const OutgoingCallInfo &info : ObjectCalls::pending(db))
        items.append(info.toJson());
    return listFacet(items);
}

void record(TurnChanges &changes, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined()) {
        changes.set.remove(key);
        changes.removed.insert(key);
    } else {
        changes.removed.remove(key);
        changes.set.insert(key, value);
    }
}

void insertIfPresent(QJsonObject &facets, const QString &key, const QJsonValue &value)
{
    if (!value.isUndefined())
        facets.insert(key, value);
}

ScheduleInfo::Kind scheduleKind(const QString &name)
{
    for (ScheduleInfo::Kind kind : {ScheduleInfo::Kind::Delay, ScheduleInfo::Kind::Date,
                                    ScheduleInfo::Kind::Cron, ScheduleInfo::Kind::Deadline}) {
        if (ScheduleInfo::kindName(kind) == name)
            return kind;
    }
    return ScheduleInfo::Kind::Delay;
}

ScheduleInfo scheduleFromJson(const QJsonObject &json)
{
    ScheduleInfo info;
    info.id = json.value(QStringLiteral("id")).toString();
    info.kind = scheduleKind(json.value(QStringLiteral("kind")).toString());
    info.callback = json.value(QStringLiteral("callback")).toString();
    info.payload = json.value(QStringLiteral("payload"));
    info.cron = json.value(QStringLiteral("cron")).toString();
    info.dueMs = qint64(json.value(QStringLiteral("dueMs")).toDouble());
    info.createdMs = qint64(json.value(QStringLiteral("createdMs")).toDouble());
    return info;
}

HumanRequestInfo requestFromJson(const QJsonObject &json)
{
    HumanRequestInfo info;
    info.requestId = json.value(QStringLiteral("requestId")).toString();
    info.title = json.value(QStringLiteral("title")).toString();
    info.prompt = json.value(QStringLiteral("prompt")).toString();
    info.context = json.value(QStringLiteral("context"));
    for (const QJsonValue &name : json.value(QStringLiteral("actions")).toArray()) {
        if (auto action = humanActionFromName(name.toString()))
            info.actions.append(action.value());
    }
    info.schema = json.value(QStringLiteral("schema")).toObject();
    info.deadlineMs = qint64(json.value(QStringLiteral("deadlineMs")).toDouble(-1));
    info.continuation = json.value(QStringLiteral("continuation")).toString();
    info.deadlineContinuation = json.value(QStringLiteral("deadlineContinuation")).toString();
    info.createdMs = qint64(json.value(QStringLiteral("createdMs")).toDouble());
    return info;
}

ModelCallInfo modelCallFromJson(const QJsonObject &json)
{
    ModelCallInfo info;
    info.id = json.value(QStringLiteral("id")).toString();
    info.continuation = json.value(QStringLiteral("continuation")).toString();
    info.payload = json.value(QStringLiteral("payload"));
    if (auto request = ChatRequest::fromJson(json.value(QStringLiteral("request")).toObject()))
        info.request = request.value();
    info.status = ModelCallInfo::statusFromName(json.value(QStringLiteral("status")).toString());
    info.round = json.value(QStringLiteral("round")).toInt();
    info.attempt = json.value(QStringLiteral("attempt")).toInt(1);
    info.pendingTools = json.value(QStringLiteral("pendingTools")).toArray();
    info.lastReply = json.value(QStringLiteral("lastReply")).toObject();
    info.error = json.value(QStringLiteral("error")).toString();
    info.createdMs = qint64(json.value(QStringLiteral("createdMs")).toDouble());
    info.updatedMs = qint64(json.value(QStringLiteral("updatedMs")).toDouble());
    return info;
}

// Schedules keep their ids (they are the object's own); a deadline's payload names its
// request, whose id changes.
QHash<QString, QString> restoreSchedules(ObjectDatabase &db, const QJsonArray &schedules,
                                         const QHash<QString, QString> &requestIds)
{
    QHash<QString, QString> deadlineOf; // new request id -> deadline schedule id
    for (const QJsonValue &item : schedules) {
        ScheduleInfo info = scheduleFromJson(item.toObject());
        if (info.kind == ScheduleInfo::Kind::Deadline) {
            QJsonObject payload = info.payload.toObject();
            const QString newId = requestIds.value(
                payload.value(QStringLiteral("requestId")).toString());
            if (!newId.isEmpty()) {
                payload.insert(QStringLiteral("requestId"), newId);
                info.payload = payload;
                deadlineOf.insert(newId, info.id);
            }
        }
        AgentStore::insertSchedule(db, info);
    }
    return deadlineOf;
}

QJsonArray restoreRequests(ObjectHost &host, const QJsonArray &requests,
                           const QHash<QString, QString> &requestIds,
                           const QHash<QString, QString> &deadlineOf)
{
    // The inbox and the feed hear of them through the fork turn's gate, after its commit.
    TurnEffects &effects = host.effects();
    QJsonArray ids;
    for (const QJsonValue &item : requests) {
        HumanRequestInfo info = requestFromJson(item.toObject());
        info.requestId = requestIds.value(info.requestId);
        AgentStore::insertHumanRequest(host.database(), info, deadlineOf.value(info.requestId));
        const Catalog::HumanRequestHint hint {
            info.requestId, host.id().toString(), host.className(), host.name(),
            info.title,     info.createdMs,       info.deadlineMs,  QStringLiteral("pending")};
        effects.index(QStringLiteral("human request %1").arg(info.requestId),
                      [hint](Catalog &catalog) { return catalog.writeHumanRequestHint(hint); });
        effects.publish(ChangeEvent::Kind::HumanRequestOpened,
                        {{QStringLiteral("requestId"), info.requestId},
                         {QStringLiteral("title"), info.title},
                         {QStringLiteral("deadlineMs"), double(info.deadlineMs)}});
        ids.append(info.requestId);
    }
    return ids;
}

void restoreModelCalls(ObjectDatabase &db, const QJsonArray &calls)
{
    for (const QJsonValue &item : calls) {
        const ModelCallInfo info = modelCallFromJson(item.toObject());
        // insert() numbers calls in the new table; the origin's id (and so its number)
        // is kept, so the fork's calls read as the origin's did.
        ModelCallInfo stored = info;
        stored.id = ModelCalls::insert(db, info);
        if (stored.id != info.id) {
            const qint64 number = info.id.mid(3).toLongLong();
            db.engineSql(QStringLiteral("UPDATE _durable_agent_model_calls SET id = ?1, seq = ?2 "
                                        "WHERE id = ?3"),
                         {info.id, double(number), stored.id});
        }
        ModelCalls::update(db, info);
    }
}

} // namespace

bool isFacetKey(const QString &key)
{
    return key == StateKey || key == StepKey || key == SchedulesKey || key == RequestsKey ||
           key == ModelCallsKey || key == CallsKey;
}

void journalFacets(ObjectDatabase &db, TurnChanges &changes)
{
    if (changes.agentTables.isEmpty())
        return;
    if (changes.agentTables.contains(s_stateTable)) {
        record(changes, StateKey, stateFacet(db));
        record(changes, StepKey, stepFacet(db));
    }
    if (changes.agentTables.contains(s_schedulesTable))
        record(changes, SchedulesKey, schedulesFacet(db));
    if (changes.agentTables.contains(s_requestsTable))
        record(changes, RequestsKey, requestsFacet(db));
    if (changes.agentTables.contains(s_modelCallsTable))
        record(changes, ModelCallsKey, modelCallsFacet(db));
    if (changes.agentTables.contains(s_callsTable))
        record(changes, CallsKey, callsFacet(db));
}

QJsonObject facets(ObjectDatabase &db)
{
    QJsonObject result;
    if (AgentStore::hasSchema(db)) {
        insertIfPresent(result, StateKey, stateFacet(db));
        insertIfPresent(result, StepKey, stepFacet(db));
        insertIfPresent(result, SchedulesKey, schedulesFacet(db));
        insertIfPresent(result, RequestsKey, requestsFacet(db));
    }
    insertIfPresent(result, ModelCallsKey, modelCallsFacet(db));
    insertIfPresent(result, CallsKey, callsFacet(db));
    return result;
}

QJsonObject restoreFacets(ObjectHost &host, const QJsonObject &facets)
{
    QJsonObject written;
    if (facets.isEmpty())
        return written;
    ObjectDatabase &db = host.database();
    const qint64 now = host.nowMs();
    AgentStore::ensureSchema(db);
    if (facets.contains(StateKey)) {
        AgentStore::writeState(db, facets.value(StateKey).toObject(), now);
        written.insert(QStringLiteral("state"), true);
    }
    const QString step = facets.value(StepKey).toString();
    if (!step.isEmpty()) {
        AgentStore::writeStep(db, step, now);
        host.effects().index(
            QStringLiteral("the step"),
            [id = host.id().toString(), className = host.className(), step](Catalog &catalog) {
                return catalog.writeAgentStep(id, className, step);
            });
        written.insert(QStringLiteral("step"), step);
    }
    const QJsonArray requests = facets.value(RequestsKey).toArray();
    QHash<QString, QString> requestIds; // origin's id -> the fork's
    for (const QJsonValue &item : requests) {
        requestIds.insert(item.toObject().value(QStringLiteral("requestId")).toString(),
                          QUuid::createUuid().toString(QUuid::WithoutBraces));
    }
    const QJsonArray schedules = facets.value(SchedulesKey).toArray();
    const QHash<QString, QString> deadlineOf = restoreSchedules(db, schedules, requestIds);
    if (!schedules.isEmpty()) {
        AgentStore::rearm(host);
        written.insert(QStringLiteral("schedules"), schedules.size());
    }
    if (!requests.isEmpty())
        written.insert(QStringLiteral("humanRequests"),
                       restoreRequests(host, requests, requestIds, deadlineOf));
    const QJsonArray calls = facets.value(ModelCallsKey).toArray();
    if (!calls.isEmpty()) {
        restoreModelCalls(db, calls);
        written.insert(QStringLiteral("modelCalls"), calls.size());
    }
    return written;
}

} // namespace Durable::AgentJournal
