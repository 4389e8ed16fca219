// SPDX-License-Identifier: MIT
#include "agentschedules.h"

#include "agenthandlers.h"
#include "agentstore.h"
#include "agenttables.h"
#include "objecthost.h"

#include <QLoggingCategory>
#include <algorithm>
#include <durable/core/cronexpression.h>

Q_LOGGING_CATEGORY(lcAgent, "durable.core.agent")

namespace Durable {

AgentSchedules::AgentSchedules(AgentTables &tables, const AgentHandlers &handlers,
                               DeadlineFn expireDeadline)
    : m_tables(tables), m_handlers(handlers), m_expireDeadline(std::move(expireDeadline))
{ }

QString AgentSchedules::insert(ObjectHost &host, ScheduleInfo::Kind kind, qint64 dueMs,
                               const QString &callback, const QJsonValue &payload,
                               const QString &cron)
{
    if (kind != ScheduleInfo::Kind::Deadline || !callback.isEmpty()) {
        const AgentHandlers::ContinuationFn &fn = m_handlers.continuation(host.className(),
                                                                          callback, "a schedule");
        if (!fn.payload) {
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 cannot schedule \"%2\": it takes a human answer, not a "
                                       "payload")
                            .arg(host.label(), callback));
        }
    }
    m_tables.ensure(host);
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

QString AgentSchedules::after(ObjectHost &host, std::chrono::milliseconds delay,
                              const QString &callback, const QJsonValue &payload)
{
    if (delay.count() < 0) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot schedule \"%2\" with a negative delay (%3 ms)")
                        .arg(host.label(), callback)
                        .arg(delay.count()));
    }
    return insert(host, ScheduleInfo::Kind::Delay, host.nowMs() + delay.count(), callback, payload,
                  {});
}

QString AgentSchedules::at(ObjectHost &host, const QDateTime &when, const QString &callback,
                           const QJsonValue &payload)
{
    if (!when.isValid()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot schedule \"%2\" at an invalid date")
                        .arg(host.label(), callback));
    }
    // A time in the past runs at the next alarm, i.e. at once.
    return insert(host, ScheduleInfo::Kind::Date, when.toMSecsSinceEpoch(), callback, payload, {});
}

QString AgentSchedules::every(ObjectHost &host, const CronExpression &cron, const QString &callback,
                              const QJsonValue &payload)
{
    if (!cron.isValid()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot schedule \"%2\" with an invalid cron expression "
                                   "(use CronExpression::parse())")
                        .arg(host.label(), callback));
    }
    const QDateTime next = cron.next(host.now());
    if (!next.isValid()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot schedule \"%2\": cron \"%3\" matches no time in the "
                                   "next five years")
                        .arg(host.label(), callback, cron.toString()));
    }
    return insert(host, ScheduleInfo::Kind::Cron, next.toMSecsSinceEpoch(), callback, payload,
                  cron.toString());
}

QList<ScheduleInfo> AgentSchedules::list(ObjectHost &host)
{
    return AgentStore::schedules(host.database());
}

bool AgentSchedules::cancel(ObjectHost &host, const QString &id)
{
    const std::optional<ScheduleInfo> existing = AgentStore::schedule(host.database(), id);
    if (!existing)
        return false;
    if (existing->kind == ScheduleInfo::Kind::Deadline) {
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Schedule %1 of %2 is the deadline of human request %3; it ends "
                           "when the request is answered")
                .arg(id, host.label(),
                     existing->payload.toObject().value(QStringLiteral("requestId")).toString()));
    }
    AgentStore::deleteSchedule(host.database(), id);
    AgentStore::rearm(host);
    return true;
}

void AgentSchedules::runDue(ObjectHost &host, const AlarmInfo &alarm)
{
    ObjectDatabase &db = host.database();
    // A real alarm fires at or after its time; one fired early (an admin's "fire now") runs
    // the schedules it was set for, so "due" is measured at the later of the two.
    const qint64 asOf = alarm.scheduledTime.isValid()
                            ? std::max(host.nowMs(), alarm.scheduledTime.toMSecsSinceEpoch())
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
        run(host, *current);
    }
    AgentStore::rearm(host);
}

void AgentSchedules::run(ObjectHost &host, const ScheduleInfo &current)
{
    ObjectDatabase &db = host.database();
    if (current.kind == ScheduleInfo::Kind::Cron) {
        // Next match after now: runs missed while the engine was down collapse into one, and a
        // run fired early keeps the expression's timetable (the pending match still runs).
        const auto cron = CronExpression::parse(current.cron);
        const QDateTime next =
            cron.ok() ? cron.value().next(QDateTime::fromMSecsSinceEpoch(host.nowMs(), Qt::UTC))
                      : QDateTime();
        if (next.isValid()) {
            AgentStore::moveSchedule(db, current.id, next.toMSecsSinceEpoch());
        } else {
            qCWarning(lcAgent).noquote() << "Cron schedule" << current.id << "of" << host.label()
                                         << "never fires again; removed";
            AgentStore::deleteSchedule(db, current.id);
        }
    } else {
        AgentStore::deleteSchedule(db, current.id);
    }
    if (current.kind == ScheduleInfo::Kind::Deadline)
        m_expireDeadline(host, current);
    else
        m_handlers.runPayload(host.className(), current.callback, current.payload);
}

void AgentSchedules::runNow(ObjectHost &host, const ScheduleInfo &schedule)
{
    run(host, schedule);
    AgentStore::rearm(host);
}

} // namespace Durable
