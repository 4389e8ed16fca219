// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace Durable {

class Agent;
class ObjectHost;

// What the admin commands of the inspection API do to an agent, inside their command turn on
// the agent's strand (see AdminCommand): run a schedule now, move one, replace the state through
// the class's validation hook, and act on the alarm, which for an agent is its earliest
// schedules (the ones the alarm is set for).
//
// Worker thread only, inside a turn; failures throw Durable::Error, which rolls the turn back.
struct AgentAdmin
{
    // The object's instance as an agent, or null when its class is not an agent.
    static Agent *agentOf(ObjectHost &host);

    // Runs the schedule's callback now (a human request's deadline expires the request); a
    // one-shot is removed, a cron schedule moves to its next match after now.
    static QJsonValue runScheduleNow(ObjectHost &host, const QString &scheduleId);
    // Moves one schedule (not a human request's deadline) to dueMs and re-arms the alarm.
    static QJsonValue moveSchedule(ObjectHost &host, const QString &scheduleId, qint64 dueMs);
    // Replaces the agent's state; a state refused by validateState() fails with its message.
    static QJsonValue setState(ObjectHost &host, const QJsonObject &state);

    // The alarm of an agent: moving or cancelling it moves or cancels the schedules it is set
    // for (those due by its time), then the alarm follows the earliest schedule left.
    static QJsonValue moveAlarm(ObjectHost &host, qint64 dueMs);
    static QJsonValue cancelAlarm(ObjectHost &host);
};

} // namespace Durable
