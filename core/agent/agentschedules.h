// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/alarminfo.h>
#include <durable/core/scheduleinfo.h>

#include <QJsonValue>
#include <chrono>
#include <functional>

namespace Durable {

class AgentHandlers;
class AgentTables;
class CronExpression;
class ObjectHost;

// An agent's schedules (_durable_agent_schedules), multiplexed over the object's one alarm: the
// alarm is always set for the earliest schedule. A schedule names a continuation and carries a
// payload, so it survives a restart; a human request's deadline is a schedule too, but what it
// runs belongs to the human requests, which hand it in as expireDeadline.
//
// Worker thread only, inside a turn; failures throw Durable::Error.
class AgentSchedules
{
public:
    using DeadlineFn = std::function<void(ObjectHost &, const ScheduleInfo &)>;
    AgentSchedules(AgentTables &tables, const AgentHandlers &handlers, DeadlineFn expireDeadline);

    QString after(ObjectHost &host, std::chrono::milliseconds delay, const QString &callback,
                  const QJsonValue &payload);
    QString at(ObjectHost &host, const QDateTime &when, const QString &callback,
               const QJsonValue &payload);
    QString every(ObjectHost &host, const CronExpression &cron, const QString &callback,
                  const QJsonValue &payload);
    // Checks the continuation (a deadline may have none), stores the schedule and re-arms.
    QString insert(ObjectHost &host, ScheduleInfo::Kind kind, qint64 dueMs, const QString &callback,
                   const QJsonValue &payload, const QString &cron);

    static QList<ScheduleInfo> list(ObjectHost &host);
    // Returns whether it existed; a deadline cannot be cancelled (it ends with its request).
    bool cancel(ObjectHost &host, const QString &id);

    // The alarm turn: runs every schedule due by the alarm's time, in due order, then re-arms.
    void runDue(ObjectHost &host, const AlarmInfo &alarm);
    // Runs one schedule and removes it, or moves a cron schedule to its next match after now.
    void run(ObjectHost &host, const ScheduleInfo &schedule);
    // An admin's "fire now": run() and re-arm for the earliest schedule left.
    void runNow(ObjectHost &host, const ScheduleInfo &schedule);

private:
    AgentTables &m_tables;
    const AgentHandlers &m_handlers;
    DeadlineFn m_expireDeadline;
};

} // namespace Durable
