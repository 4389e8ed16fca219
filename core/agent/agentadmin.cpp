// SPDX-License-Identifier: MIT
#include "agentadmin.h"

#include "agentaccess.h"
#include "agentstore.h"
#include "objecthost.h"

#include <QJsonArray>
#include <durable/core/agent.h>

namespace Durable {

namespace {

// Anything before 1970 or after year 9999 is a mistake, not a time.
constexpr qint64 s_latestMs = 253402300799999LL;

void checkTime(ObjectHost &host, qint64 dueMs, const QString &what)
{
    if (dueMs < 0 || dueMs > s_latestMs) {
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Cannot move %1 of %2 to %3 ms: expected a time between 1970 and "
                           "9999")
                .arg(what, host.label())
                .arg(dueMs));
    }
}

ScheduleInfo existingSchedule(ObjectHost &host, const QString &scheduleId)
{
    if (std::optional<ScheduleInfo> found = AgentStore::schedule(host.database(), scheduleId))
        return *found;
    QStringList known;
    for (const ScheduleInfo &info : AgentStore::schedules(host.database()))
        known.append(info.id);
    throw Error(ErrorCode::NotFound,
                known.isEmpty()
                    ? QStringLiteral("%1 has no schedule \"%2\"; it has no schedules")
                          .arg(host.label(), scheduleId)
                    : QStringLiteral("%1 has no schedule \"%2\"; its schedules: %3")
                          .arg(host.label(), scheduleId, known.join(QStringLiteral(", "))))
        .withContext(QStringLiteral("scheduleId"), scheduleId);
}

Error deadlineRefused(ObjectHost &host, const ScheduleInfo &schedule, const QString &action)
{
    return Error(
               ErrorCode::InvalidArgument,
               QStringLiteral(
                   "Cannot %1 schedule %2 of %3: it is the deadline of human request %4, "
                   "which ends when the request is answered (fire it now to let the "
                   "request expire)")
                   .arg(action, schedule.id, host.label(),
                        schedule.payload.toObject().value(QStringLiteral("requestId")).toString()))
        .withContext(QStringLiteral("scheduleId"), schedule.id);
}

Agent &requireAgent(ObjectHost &host, const QString &action)
{
    Agent *agent = AgentAdmin::agentOf(host);
    if (!agent) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Cannot %1: %2 is not an agent").arg(action, host.label()));
    }
    return *agent;
}

// The schedules the agent's alarm is set for: every one due by its time (a retried alarm
// is due later than the schedules that failed).
QList<ScheduleInfo> alarmSchedules(ObjectHost &host, const QString &action)
{
    const std::optional<AlarmRow> alarm = host.database().alarm();
    if (!alarm) {
        throw Error(ErrorCode::NotFound,
                    QStringLiteral("Cannot %1: %2 has no alarm").arg(action, host.label()));
    }
    const QList<ScheduleInfo> due = AgentStore::dueSchedules(host.database(), alarm->dueMs);
    for (const ScheduleInfo &schedule : due) {
        if (schedule.kind == ScheduleInfo::Kind::Deadline)
            throw deadlineRefused(host, schedule, action);
    }
    return due;
}

QJsonArray idsOf(const QList<ScheduleInfo> &schedules)
{
    QJsonArray ids;
    for (const ScheduleInfo &schedule : schedules)
        ids.append(schedule.id);
    return ids;
}

} // namespace

Agent *AgentAdmin::agentOf(ObjectHost &host)
{
    return dynamic_cast<Agent *>(&host.instance());
}

QJsonValue AgentAdmin::runScheduleNow(ObjectHost &host, const QString &scheduleId)
{
    Agent &agent = requireAgent(host, QStringLiteral("fire schedule %1").arg(scheduleId));
    return AgentAccess::runScheduleNow(agent, existingSchedule(host, scheduleId));
}

QJsonValue AgentAdmin::moveSchedule(ObjectHost &host, const QString &scheduleId, qint64 dueMs)
{
    ScheduleInfo schedule = existingSchedule(host, scheduleId);
    if (schedule.kind == ScheduleInfo::Kind::Deadline)
        throw deadlineRefused(host, schedule, QStringLiteral("reschedule"));
    checkTime(host, dueMs, QStringLiteral("schedule %1").arg(scheduleId));
    AgentStore::moveSchedule(host.database(), scheduleId, dueMs);
    AgentStore::rearm(host);
    schedule.dueMs = dueMs;
    return schedule.toJson();
}

QJsonValue AgentAdmin::setState(ObjectHost &host, const QJsonObject &state)
{
    return AgentAccess::replaceState(requireAgent(host, QStringLiteral("set the agent state")),
                                     state);
}

QJsonValue AgentAdmin::moveAlarm(ObjectHost &host, qint64 dueMs)
{
    const QList<ScheduleInfo> moved = alarmSchedules(host, QStringLiteral("reschedule the alarm"));
    checkTime(host, dueMs, QStringLiteral("the alarm"));
    for (const ScheduleInfo &schedule : moved)
        AgentStore::moveSchedule(host.database(), schedule.id, dueMs);
    AgentStore::rearm(host);
    return QJsonObject {{QStringLiteral("moved"), idsOf(moved)}};
}

QJsonValue AgentAdmin::cancelAlarm(ObjectHost &host)
{
    const QList<ScheduleInfo> cancelled = alarmSchedules(host, QStringLiteral("cancel the alarm"));
    for (const ScheduleInfo &schedule : cancelled)
        AgentStore::deleteSchedule(host.database(), schedule.id);
    AgentStore::rearm(host);
    return QJsonObject {{QStringLiteral("cancelled"), idsOf(cancelled)}};
}

} // namespace Durable
