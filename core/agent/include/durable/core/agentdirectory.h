// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <durable/core/humanrequest.h>
#include <durable/core/objectid.h>
#include <durable/core/outgoingcallinfo.h>
#include <durable/core/scheduleinfo.h>
#include <memory>

namespace Durable {

class Engine;
class EngineCore;
class Inspector;

// Read (and a few admin) queries about agents for UIs, the CLI and the inspection API: steps
// per object and per class from the catalog, and one agent's state, schedules and human
// requests read on its strand (consistent with its turns; reading never creates an object).
//
// A plain handle, cheap to copy, usable from any thread; every call returns a QFuture and
// never blocks the caller. Objects that are not agents (or never ran) have no state, no
// schedules and no requests.
class AgentDirectory
{
public:
    explicit AgentDirectory(Engine *engine);

    // Objects per workflow step of one class (objects that never set a step are not counted).
    QFuture<QHash<QString, qint64>> stepCounts(const QString &className) const;
    // Step of every object (of one class, or every class when empty) that set one.
    QFuture<QHash<ObjectId, QString>> steps(const QString &className = {}) const;

    // The stored state ({} until the agent first ran).
    QFuture<QJsonObject> state(const QString &className, const ObjectId &id) const;
    QFuture<QList<ScheduleInfo>> schedules(const QString &className, const ObjectId &id) const;
    // Durable calls to other objects not answered yet (Agent::callObject, Agent::sendTo).
    QFuture<QList<OutgoingCallInfo>> pendingCalls(const QString &className,
                                                  const ObjectId &id) const;
    QFuture<QList<HumanRequestInfo>> humanRequests(const QString &className, const ObjectId &id,
                                                   bool pendingOnly = false) const;
    // The continuations that the pending work of className's objects will run: schedules (and
    // human request deadlines), pending human requests, model calls in flight and calls to other
    // objects not answered yet. Continuation name -> the objects ("Class/name") waiting on it.
    // What a reload checks before it lets a new version of a class drop a continuation.
    QFuture<QHash<QString, QStringList>> waitingContinuations(const QString &className) const;

    // Admin commands, each a turn of the object journaled with a trigger that says a user did
    // it. They never create an object (one that does not exist fails with NotFound), and an
    // unknown schedule fails with NotFound listing the agent's schedules.
    //
    // Removes one schedule (not a human request's deadline) and re-arms the alarm
    // ("admin-schedule"). Yields whether it existed.
    QFuture<bool> cancelSchedule(const QString &className, const ObjectId &id,
                                 const QString &scheduleId) const;
    // Runs the schedule's callback now ("admin-fire"), as its alarm would: a one-shot is
    // removed, a cron schedule moves to its next match after now (an early run keeps the
    // expression's timetable), a human request's deadline expires the request. Yields the
    // journal seq of the turn.
    QFuture<qint64> fireScheduleNow(const QString &className, const ObjectId &id,
                                    const QString &scheduleId) const;
    // Moves one schedule (not a human request's deadline) to when and re-arms the alarm
    // ("admin-schedule"); a cron schedule moves its next run. Yields the journal seq.
    QFuture<qint64> rescheduleSchedule(const QString &className, const ObjectId &id,
                                       const QString &scheduleId, const QDateTime &when) const;
    // Replaces the agent's JSON state ("admin-edit") after the class's validateState() accepted
    // it; a refusal fails with the hook's message and changes nothing. Observers get
    // StateChanged. Yields the journal seq.
    QFuture<qint64> setState(const QString &className, const ObjectId &id,
                             const QJsonObject &state) const;

private:
    friend class Inspector;
    explicit AgentDirectory(std::shared_ptr<EngineCore> core);

    std::shared_ptr<EngineCore> m_core;
};

} // namespace Durable
