// SPDX-License-Identifier: MIT
#include "agentstore.h"
#include "enginecore.h"

#include "objectdatabase.h"
#include "objecthost.h"
#include <durable/core/jsontext.h>

#include <QJsonArray>
#include <QUuid>

namespace Durable::AgentStore {

namespace {

const char s_schema[] = R"sql(
CREATE TABLE IF NOT EXISTS _durable_agent_state(
    key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _durable_agent_schedules(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, callback TEXT NOT NULL, payload TEXT NOT NULL,
    cron TEXT, due_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _durable_agent_schedules_by_due ON _durable_agent_schedules(due_ms, seq);
CREATE TABLE IF NOT EXISTS _durable_agent_human_requests(
    id TEXT PRIMARY KEY, title TEXT NOT NULL, prompt TEXT NOT NULL, context TEXT NOT NULL,
    actions TEXT NOT NULL, schema TEXT, deadline_ms INTEGER, continuation TEXT NOT NULL,
    deadline_continuation TEXT, deadline_schedule TEXT, status TEXT NOT NULL,
    created_ms INTEGER NOT NULL, answered_ms INTEGER, response TEXT);
)sql";

const QString s_scheduleColumns = QStringLiteral(
    "id, kind, callback, payload, cron, due_ms, created_ms");
const QString s_requestColumns = QStringLiteral(
    "id, title, prompt, context, actions, schema, deadline_ms, continuation, "
    "deadline_continuation, status, created_ms, answered_ms, response");

QString jsonText(const QJsonValue &value)
{
    return QString::fromUtf8(JsonText::serialize(value));
}

QJsonValue parseJson(const QJsonValue &column)
{
    if (!column.isString())
        return QJsonValue();
    return JsonText::parse(column.toString().toUtf8());
}

qint64 integer(const QJsonValue &column, qint64 fallback = -1)
{
    return column.isDouble() ? qint64(column.toDouble()) : fallback;
}

ScheduleInfo::Kind kindFromName(const QString &name)
{
    if (name == QLatin1String("date"))
        return ScheduleInfo::Kind::Date;
    if (name == QLatin1String("cron"))
        return ScheduleInfo::Kind::Cron;
    if (name == QLatin1String("deadline"))
        return ScheduleInfo::Kind::Deadline;
    return ScheduleInfo::Kind::Delay;
}

ScheduleInfo scheduleFromRow(const QJsonArray &row)
{
    ScheduleInfo info;
    info.id = row.at(0).toString();
    info.kind = kindFromName(row.at(1).toString());
    info.callback = row.at(2).toString();
    info.payload = parseJson(row.at(3));
    info.cron = row.at(4).toString();
    info.dueMs = integer(row.at(5), 0);
    info.createdMs = integer(row.at(6), 0);
    return info;
}

HumanRequestStatus statusFromName(const QString &name)
{
    if (name == QLatin1String("answered"))
        return HumanRequestStatus::Answered;
    if (name == QLatin1String("expired"))
        return HumanRequestStatus::Expired;
    return HumanRequestStatus::Pending;
}

HumanRequestInfo requestFromRow(const QJsonArray &row)
{
    HumanRequestInfo info;
    info.requestId = row.at(0).toString();
    info.title = row.at(1).toString();
    info.prompt = row.at(2).toString();
    info.context = parseJson(row.at(3));
    const QJsonArray actions = parseJson(row.at(4)).toArray();
    for (const QJsonValue &action : actions) {
        if (auto parsed = humanActionFromName(action.toString()))
            info.actions.append(parsed.value());
    }
    info.schema = parseJson(row.at(5)).toObject();
    info.deadlineMs = integer(row.at(6));
    info.continuation = row.at(7).toString();
    info.deadlineContinuation = row.at(8).toString();
    info.status = statusFromName(row.at(9).toString());
    info.createdMs = integer(row.at(10), 0);
    info.answeredMs = integer(row.at(11));
    const QJsonValue response = parseJson(row.at(12));
    if (response.isObject()) {
        if (auto parsed = HumanResponse::fromJson(response.toObject()))
            info.response = parsed.value();
    }
    return info;
}

HumanRequestInfo requestFromRow(ObjectHost &host, const QJsonArray &row)
{
    HumanRequestInfo info = requestFromRow(row);
    info.objectId = host.id();
    info.className = host.className();
    info.objectName = host.name();
    return info;
}

} // namespace

void ensureSchema(ObjectDatabase &db)
{
    db.engineSql(QString::fromLatin1(s_schema));
}

bool hasSchema(ObjectDatabase &db)
{
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                       "('_durable_agent_state', '_durable_agent_schedules', "
                       "'_durable_agent_human_requests')"));
    return !result.rows.isEmpty() && integer(result.rows.first().at(0), 0) == 3;
}

std::optional<QJsonObject> state(ObjectDatabase &db)
{
    if (!hasSchema(db))
        return std::nullopt;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT value FROM _durable_agent_state WHERE key = 'state'"));
    if (result.rows.isEmpty())
        return std::nullopt;
    return parseJson(result.rows.first().at(0)).toObject();
}

void writeState(ObjectDatabase &db, const QJsonObject &state, qint64 nowMs)
{
    db.engineSql(
        QStringLiteral("INSERT OR REPLACE INTO _durable_agent_state(key, value, updated_ms) "
                       "VALUES ('state', ?1, ?2)"),
        {jsonText(state), double(nowMs)});
}

QString step(ObjectDatabase &db)
{
    if (!hasSchema(db))
        return {};
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT value FROM _durable_agent_state WHERE key = 'step'"));
    return result.rows.isEmpty() ? QString() : result.rows.first().at(0).toString();
}

void writeStep(ObjectDatabase &db, const QString &step, qint64 nowMs)
{
    db.engineSql(
        QStringLiteral("INSERT OR REPLACE INTO _durable_agent_state(key, value, updated_ms) "
                       "VALUES ('step', ?1, ?2)"),
        {step, double(nowMs)});
}

QList<ScheduleInfo> schedules(ObjectDatabase &db)
{
    QList<ScheduleInfo> list;
    if (!hasSchema(db))
        return list;
    const SqlResult result = db.engineSql(QStringLiteral("SELECT %1 FROM _durable_agent_schedules "
                                                         "ORDER BY due_ms, seq")
                                              .arg(s_scheduleColumns));
    for (const QJsonArray &row : result.rows)
        list.append(scheduleFromRow(row));
    return list;
}

std::optional<ScheduleInfo> schedule(ObjectDatabase &db, const QString &id)
{
    if (!hasSchema(db))
        return std::nullopt;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_schedules WHERE id = ?1")
            .arg(s_scheduleColumns),
        {id});
    if (result.rows.isEmpty())
        return std::nullopt;
    return scheduleFromRow(result.rows.first());
}

QList<ScheduleInfo> dueSchedules(ObjectDatabase &db, qint64 nowMs)
{
    QList<ScheduleInfo> list;
    if (!hasSchema(db))
        return list;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_schedules WHERE due_ms <= ?1 "
                       "ORDER BY due_ms, seq")
            .arg(s_scheduleColumns),
        {double(nowMs)});
    for (const QJsonArray &row : result.rows)
        list.append(scheduleFromRow(row));
    return list;
}

QString insertSchedule(ObjectDatabase &db, ScheduleInfo info)
{
    if (info.id.isEmpty())
        info.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    db.engineSql(
        QStringLiteral("INSERT INTO _durable_agent_schedules(id, kind, callback, payload, cron, "
                       "due_ms, created_ms, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                       "(SELECT coalesce(max(seq), 0) + 1 FROM _durable_agent_schedules))"),
        {info.id, ScheduleInfo::kindName(info.kind), info.callback, jsonText(info.payload),
         info.cron.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(info.cron),
         double(info.dueMs), double(info.createdMs)});
    return info.id;
}

bool deleteSchedule(ObjectDatabase &db, const QString &id)
{
    if (!hasSchema(db))
        return false;
    return db.engineSql(QStringLiteral("DELETE FROM _durable_agent_schedules WHERE id = ?1"), {id})
               .rowsWritten > 0;
}

void moveSchedule(ObjectDatabase &db, const QString &id, qint64 dueMs)
{
    db.engineSql(
        QStringLiteral("UPDATE _durable_agent_schedules SET due_ms = ?2, "
                       "seq = (SELECT coalesce(max(seq), 0) + 1 FROM _durable_agent_schedules) "
                       "WHERE id = ?1"),
        {id, double(dueMs)});
}

void rearm(ObjectHost &host)
{
    ObjectDatabase &db = host.database();
    qint64 earliest = -1;
    if (hasSchema(db)) {
        const SqlResult result = db.engineSql(
            QStringLiteral("SELECT min(due_ms) FROM _durable_agent_schedules"));
        if (!result.rows.isEmpty())
            earliest = integer(result.rows.first().at(0));
    }
    const std::optional<AlarmRow> current = db.alarm();
    if (earliest < 0) {
        if (current)
            db.deleteAlarm();
        return;
    }
    // An alarm already pointing at the earliest schedule stays as it is (and keeps its retry
    // count); anything else is replaced.
    if (!current || current->dueMs != earliest)
        db.setAlarm(earliest);
}

QList<HumanRequestInfo> humanRequests(ObjectDatabase &db, bool pendingOnly)
{
    QList<HumanRequestInfo> list;
    if (!hasSchema(db))
        return list;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_human_requests %2 ORDER BY created_ms, rowid")
            .arg(s_requestColumns,
                 pendingOnly ? QStringLiteral("WHERE status = 'pending'") : QString()));
    for (const QJsonArray &row : result.rows)
        list.append(requestFromRow(row));
    return list;
}

QList<HumanRequestInfo> humanRequests(ObjectHost &host, bool pendingOnly)
{
    QList<HumanRequestInfo> list = humanRequests(host.database(), pendingOnly);
    for (HumanRequestInfo &info : list) {
        info.objectId = host.id();
        info.className = host.className();
        info.objectName = host.name();
    }
    return list;
}

std::optional<HumanRequestInfo> humanRequest(ObjectHost &host, const QString &requestId)
{
    ObjectDatabase &db = host.database();
    if (!hasSchema(db))
        return std::nullopt;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_human_requests WHERE id = ?1")
            .arg(s_requestColumns),
        {requestId});
    if (result.rows.isEmpty())
        return std::nullopt;
    return requestFromRow(host, result.rows.first());
}

void insertHumanRequest(ObjectDatabase &db, const HumanRequestInfo &info,
                        const QString &deadlineScheduleId)
{
    QJsonArray actions;
    for (HumanAction action : info.actions)
        actions.append(humanActionName(action));
    const auto nullable = [](const QString &text) {
        return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
    };
    db.engineSql(
        QStringLiteral("INSERT INTO _durable_agent_human_requests(id, title, prompt, context, "
                       "actions, schema, deadline_ms, continuation, deadline_continuation, "
                       "deadline_schedule, status, created_ms) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11)"),
        {info.requestId, info.title, info.prompt, jsonText(info.context), jsonText(actions),
         info.schema.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(jsonText(info.schema)),
         info.deadlineMs >= 0 ? QJsonValue(double(info.deadlineMs)) : QJsonValue(QJsonValue::Null),
         info.continuation, nullable(info.deadlineContinuation), nullable(deadlineScheduleId),
         double(info.createdMs)});
}

QString deadlineScheduleOf(ObjectDatabase &db, const QString &requestId)
{
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT deadline_schedule FROM _durable_agent_human_requests WHERE id = ?1"),
        {requestId});
    return result.rows.isEmpty() ? QString() : result.rows.first().at(0).toString();
}

void closeHumanRequest(ObjectDatabase &db, const QString &requestId, HumanRequestStatus status,
                       qint64 atMs, const std::optional<HumanResponse> &response)
{
    db.engineSql(
        QStringLiteral("UPDATE _durable_agent_human_requests SET status = ?2, "
                       "answered_ms = ?3, response = ?4 WHERE id = ?1"),
        {requestId, humanRequestStatusName(status), double(atMs),
         response ? QJsonValue(jsonText(response->toJson())) : QJsonValue(QJsonValue::Null)});
}

void forget(ObjectHost &host)
{
    ObjectDatabase &db = host.database();
    if (!hasSchema(db))
        return;
    // The index forgets the agent once the reset committed (through the turn's gate).
    TurnEffects &effects = host.effects();
    const SqlResult requests = db.engineSql(
        QStringLiteral("SELECT id FROM _durable_agent_human_requests"));
    for (const QJsonArray &row : requests.rows) {
        effects.index(QStringLiteral("human request %1").arg(row.at(0).toString()),
                      [requestId = row.at(0).toString()](Catalog &catalog) {
                          return catalog.removeHumanRequestHint(requestId);
                      });
    }
    effects.index(QStringLiteral("the step"), [id = host.id().toString()](Catalog &catalog) {
        return catalog.writeAgentStep(id, QString(), QString());
    });
    const SqlResult tables = db.engineSql(
        QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE "
                       "'\\_durable\\_agent\\_%' ESCAPE '\\'"));
    for (const QJsonArray &row : tables.rows)
        db.engineSql(QStringLiteral("DELETE FROM \"%1\"").arg(row.at(0).toString()));
}

void reindex(ObjectHost &host)
{
    ObjectDatabase &db = host.database();
    TurnEffects &effects = host.effects();
    const QString id = host.id().toString();
    const QString agentStep = hasSchema(db) ? step(db) : QString();
    effects.index(QStringLiteral("the step"),
                  [id, className = host.className(), agentStep](Catalog &catalog) {
                      return catalog.writeAgentStep(id, className, agentStep);
                  });
    if (!hasSchema(db))
        return;
    for (const HumanRequestInfo &info : humanRequests(host, false)) {
        const Catalog::HumanRequestHint hint {
            info.requestId,   id,
            host.className(), host.name(),
            info.title,       info.createdMs,
            info.deadlineMs,  humanRequestStatusName(info.status)};
        effects.index(QStringLiteral("human request %1").arg(info.requestId),
                      [hint](Catalog &catalog) { return catalog.writeHumanRequestHint(hint); });
    }
}

} // namespace Durable::AgentStore
