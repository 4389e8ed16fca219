// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <durable/core/humanrequest.h>
#include <durable/core/scheduleinfo.h>
#include <optional>

namespace Durable {

class ObjectHost;
class ObjectDatabase;

// The agent tables in an object's own database (_durable_agent_state, _durable_agent_schedules,
// _durable_agent_human_requests), shared by Agent and by the engine-side readers (inbox,
// directory) that run as Task turns on the object's strand without its instance.
//
// Worker thread only, inside a turn; failures throw Durable::Error. Readers tolerate a
// database without the tables (an object that is not an agent, or never ran), writers create
// them first with ensureSchema().
namespace AgentStore {

void ensureSchema(ObjectDatabase &db);
bool hasSchema(ObjectDatabase &db);

std::optional<QJsonObject> state(ObjectDatabase &db);
void writeState(ObjectDatabase &db, const QJsonObject &state, qint64 nowMs);
QString step(ObjectDatabase &db);
void writeStep(ObjectDatabase &db, const QString &step, qint64 nowMs);

QList<ScheduleInfo> schedules(ObjectDatabase &db);
std::optional<ScheduleInfo> schedule(ObjectDatabase &db, const QString &id);
// Due at or before nowMs, in due order (ties in creation order).
QList<ScheduleInfo> dueSchedules(ObjectDatabase &db, qint64 nowMs);
// Fills in info.id (a new UUID) when empty; returns it.
QString insertSchedule(ObjectDatabase &db, ScheduleInfo info);
bool deleteSchedule(ObjectDatabase &db, const QString &id);
void moveSchedule(ObjectDatabase &db, const QString &id, qint64 dueMs);
// Points the object's alarm at its earliest schedule, or deletes it when none is left.
void rearm(ObjectHost &host);

QList<HumanRequestInfo> humanRequests(ObjectHost &host, bool pendingOnly);
// The same without the object's identity (objectId, className, objectName stay empty).
QList<HumanRequestInfo> humanRequests(ObjectDatabase &db, bool pendingOnly);
std::optional<HumanRequestInfo> humanRequest(ObjectHost &host, const QString &requestId);
void insertHumanRequest(ObjectDatabase &db, const HumanRequestInfo &info,
                        const QString &deadlineScheduleId);
QString deadlineScheduleOf(ObjectDatabase &db, const QString &requestId);
void closeHumanRequest(ObjectDatabase &db, const QString &requestId, HumanRequestStatus status,
                       qint64 atMs, const std::optional<HumanResponse> &response);

// Everything an agent stored — state, step, schedules, human requests, model calls — and
// its entries in the catalog's step and inbox indexes, as a reset ("delete all storage")
// must leave it. Does nothing for an object that never ran as an agent.
void forget(ObjectHost &host);

// Writes the agent's index rows (step, human-request hints) anew from its own tables,
// through the turn's gate: after a crash between a commit and its index writes.
void reindex(ObjectHost &host);

} // namespace AgentStore

} // namespace Durable
