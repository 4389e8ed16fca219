// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <durable/core/humanrequest.h>
#include <durable/core/objectid.h>
#include <durable/core/scheduleinfo.h>
#include <memory>

namespace Durable {

class Engine;
class EngineCore;

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
    QFuture<QList<HumanRequestInfo>> humanRequests(
        const QString &className, const ObjectId &id, bool pendingOnly = false) const;
    // Admin: removes one schedule (not a human request's deadline) and re-arms the alarm, as a
    // turn of the object (trigger "admin"). Yields whether it existed.
    QFuture<bool> cancelSchedule(
        const QString &className, const ObjectId &id, const QString &scheduleId) const;

private:
    std::shared_ptr<EngineCore> m_core;
};

} // namespace Durable
