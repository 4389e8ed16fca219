// SPDX-License-Identifier: MIT
#include "agentadmin.h"
#include "agentstore.h"
#include "engineaccess.h"
#include "enginecore.h"
#include "modelcalls.h"
#include "objectcalls.h"
#include "objecthost.h"
#include "querypool.h"
#include "strandcall.h"

#include <QMutex>
#include <QPromise>
#include <QThreadPool>
#include <durable/core/agentdirectory.h>
#include <durable/core/engine.h>

namespace Durable {

namespace {

Error noEngine()
{
    return Error(ErrorCode::InvalidArgument,
                 QStringLiteral("An agent directory without an engine"));
}

template<typename T, typename F>
QFuture<T> onPool(const std::shared_ptr<EngineCore> &core, F read)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    if (!core) {
        fulfil<T>(*promise, noEngine());
        return future;
    }
    queryPool()->start([core, promise, read] { fulfil<T>(*promise, read(*core)); });
    return future;
}

// Reads on the object's strand (see readOnStrand).
template<typename T>
QFuture<T> onStrand(const std::shared_ptr<EngineCore> &core, const QString &className,
                    const ObjectId &id, std::function<T(ObjectHost &)> read)
{
    return readOnStrand<T>(core, QStringLiteral("An agent directory"), className, id,
                           std::move(read));
}

// Runs fn as a command turn of an existing object (see commandOnStrand).
template<typename T>
QFuture<T> command(const std::shared_ptr<EngineCore> &core, const QString &className,
                   const ObjectId &id, const QString &trigger, const QJsonValue &args,
                   std::function<T(ObjectHost &)> fn)
{
    return commandOnStrand<T>(core, QStringLiteral("An agent directory"), className, id, trigger,
                              args, std::move(fn));
}

QJsonObject scheduleArgs(const QString &scheduleId)
{
    return {{QStringLiteral("scheduleId"), scheduleId}};
}

// The journal seq the running command takes: its entry is written after the task returns.
qint64 nextSeq(ObjectHost &host)
{
    return host.journal().lastSeq() + 1;
}

// The continuations one object's pending work names; tables it never made are skipped.
QStringList continuationsWaitingIn(ObjectHost &host)
{
    ObjectDatabase &db = host.database();
    QStringList names;
    const auto add = [&names](const QString &name) {
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    };
    for (const ScheduleInfo &schedule : AgentStore::schedules(db))
        add(schedule.callback);
    for (const HumanRequestInfo &request : AgentStore::humanRequests(db, true))
        add(request.continuation);
    for (const ModelCallInfo &call : ModelCalls::list(db, true))
        add(call.continuation);
    for (const OutgoingCallInfo &call : ObjectCalls::pending(db))
        add(call.continuation);
    return names;
}

// Gathers the answers of many strand reads into one promise, finished by the last.
struct WaitingContinuations
{
    QMutex mutex;
    QHash<QString, QStringList> byContinuation;
    int remaining = 0;
    QPromise<QHash<QString, QStringList>> promise;

    void add(const QString &label, const QStringList &continuations)
    {
        QMutexLocker lock(&mutex);
        for (const QString &name : continuations)
            byContinuation[name].append(label);
        if (--remaining == 0) {
            for (QStringList &labels : byContinuation)
                labels.sort();
            promise.addResult(byContinuation);
            promise.finish();
        }
    }
};

} // namespace

AgentDirectory::AgentDirectory(Engine *engine) : m_core(EngineAccess::core(engine))
{ }

AgentDirectory::AgentDirectory(std::shared_ptr<EngineCore> core) : m_core(std::move(core))
{ }

QFuture<QHash<QString, QStringList>> AgentDirectory::waitingContinuations(
    const QString &className) const
{
    auto gathered = std::make_shared<WaitingContinuations>();
    gathered->promise.start();
    QFuture<QHash<QString, QStringList>> future = gathered->promise.future();
    if (!m_core) {
        fulfil<QHash<QString, QStringList>>(gathered->promise, noEngine());
        return future;
    }
    queryPool()->start([core = m_core, className, gathered] {
        (void)core->catalog().flush();
        const auto objects = core->catalog().objects(className);
        if (!objects) {
            fulfil<QHash<QString, QStringList>>(gathered->promise, objects.error());
            return;
        }
        gathered->remaining = int(objects.value().size()) + 1; // + 1: until all are sent
        for (const CatalogObject &object : objects.value()) {
            const QString label = className + u'/' +
                                  (object.name.isEmpty() ? object.id.left(16) : object.name);
            const Result<ObjectId> id = ObjectId::fromString(object.id);
            if (!id) {
                gathered->add(label, {});
                continue;
            }
            StrandCall call;
            call.owner = QStringLiteral("A reload check");
            call.className = className;
            call.id = id.value();
            // An object that cannot be read (quarantined, gone) runs no continuation either.
            callOnStrand<QStringList>(
                core, call, [](ObjectHost &host) { return continuationsWaitingIn(host); },
                [gathered, label](const Result<QStringList> &names) {
                    gathered->add(label, names.ok() ? names.value() : QStringList());
                });
        }
        gathered->add(QString(), {});
    });
    return future;
}

QFuture<QHash<QString, qint64>> AgentDirectory::stepCounts(const QString &className) const
{
    return onPool<QHash<QString, qint64>>(m_core, [className](EngineCore &core) {
        return core.catalog().agentStepCounts(className);
    });
}

QFuture<QHash<ObjectId, QString>> AgentDirectory::steps(const QString &className) const
{
    return onPool<QHash<ObjectId, QString>>(
        m_core, [className](EngineCore &core) -> Result<QHash<ObjectId, QString>> {
            const auto steps = core.catalog().agentSteps(className);
            if (!steps)
                return steps.error();
            QHash<ObjectId, QString> result;
            for (auto it = steps->cbegin(); it != steps->cend(); ++it) {
                if (const auto id = ObjectId::fromString(it.key()))
                    result.insert(id.value(), it.value());
            }
            return result;
        });
}

QFuture<QJsonObject> AgentDirectory::state(const QString &className, const ObjectId &id) const
{
    return onStrand<QJsonObject>(m_core, className, id, [](ObjectHost &host) {
        return AgentStore::state(host.database()).value_or(QJsonObject());
    });
}

QFuture<QList<ScheduleInfo>> AgentDirectory::schedules(const QString &className,
                                                       const ObjectId &id) const
{
    return onStrand<QList<ScheduleInfo>>(m_core, className, id, [](ObjectHost &host) {
        return AgentStore::schedules(host.database());
    });
}

QFuture<QList<OutgoingCallInfo>> AgentDirectory::pendingCalls(const QString &className,
                                                              const ObjectId &id) const
{
    return onStrand<QList<OutgoingCallInfo>>(m_core, className, id, [](ObjectHost &host) {
        return ObjectCalls::pending(host.database());
    });
}

QFuture<QList<HumanRequestInfo>> AgentDirectory::humanRequests(const QString &className,
                                                               const ObjectId &id,
                                                               bool pendingOnly) const
{
    return onStrand<QList<HumanRequestInfo>>(
        m_core, className, id,
        [pendingOnly](ObjectHost &host) { return AgentStore::humanRequests(host, pendingOnly); });
}

QFuture<bool> AgentDirectory::cancelSchedule(const QString &className, const ObjectId &id,
                                             const QString &scheduleId) const
{
    return command<bool>(
        m_core, className, id, QStringLiteral("admin-schedule"),
        QJsonObject {{QStringLiteral("scheduleId"), scheduleId}, {QStringLiteral("cancel"), true}},
        [scheduleId](ObjectHost &host) {
            ObjectDatabase &db = host.database();
            const auto existing = AgentStore::schedule(db, scheduleId);
            if (!existing)
                return false;
            if (existing->kind == ScheduleInfo::Kind::Deadline) {
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("Schedule %1 of %2 is the deadline of "
                                           "a human request; it ends when the "
                                           "request is answered")
                                .arg(scheduleId, host.label()));
            }
            AgentStore::deleteSchedule(db, scheduleId);
            AgentStore::rearm(host);
            return true;
        });
}

QFuture<qint64> AgentDirectory::fireScheduleNow(const QString &className, const ObjectId &id,
                                                const QString &scheduleId) const
{
    return command<qint64>(m_core, className, id, QStringLiteral("admin-fire"),
                           scheduleArgs(scheduleId), [scheduleId](ObjectHost &host) {
                               AgentAdmin::runScheduleNow(host, scheduleId);
                               return nextSeq(host);
                           });
}

QFuture<qint64> AgentDirectory::rescheduleSchedule(const QString &className, const ObjectId &id,
                                                   const QString &scheduleId,
                                                   const QDateTime &when) const
{
    if (!when.isValid()) {
        return failedFuture<qint64>(
            Error(ErrorCode::InvalidArgument,
                  QStringLiteral("Cannot reschedule %1 of %2/%3: the new time is not a valid date")
                      .arg(scheduleId, className, id.toString())));
    }
    const qint64 dueMs = when.toMSecsSinceEpoch();
    QJsonObject args = scheduleArgs(scheduleId);
    args.insert(QStringLiteral("dueMs"), double(dueMs));
    return command<qint64>(m_core, className, id, QStringLiteral("admin-schedule"), args,
                           [scheduleId, dueMs](ObjectHost &host) {
                               AgentAdmin::moveSchedule(host, scheduleId, dueMs);
                               return nextSeq(host);
                           });
}

QFuture<qint64> AgentDirectory::setState(const QString &className, const ObjectId &id,
                                         const QJsonObject &state) const
{
    return command<qint64>(m_core, className, id, QStringLiteral("admin-edit"),
                           QJsonObject {{QStringLiteral("state"), state}},
                           [state](ObjectHost &host) {
                               AgentAdmin::setState(host, state);
                               return nextSeq(host);
                           });
}

} // namespace Durable
