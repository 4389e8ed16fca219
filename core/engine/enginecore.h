// SPDX-License-Identifier: MIT
#pragma once

#include "catalog.h"
#include "changefeed.h"
#include "classinfo.h"
#include "enginemetrics.h"
#include "livestate.h"
#include "scheduler.h"
#include "turn.h"

#include <durable/core/clock.h>
#include <durable/core/engine.h>
#include <durable/core/engineoptions.h>
#include <durable/core/stub.h>
#include <durable/core/virtualclock.h>

#include <QFuture>
#include <QHash>
#include <QLockFile>
#include <QPointer>
#include <QReadWriteLock>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

namespace Durable {

class Engine;
class Housekeeper;
class ObjectHost;
class Worker;

// The engine's shared state: what stubs, workers and the inspection API reach. Owned through
// a shared_ptr by the Engine and every Stub, so a stub outliving its engine fails cleanly.
class EngineCore : public std::enable_shared_from_this<EngineCore>, public TimeDriver
{
public:
    explicit EngineCore(EngineOptions options);
    ~EngineCore() override;

    const EngineOptions &options() const { return m_options; }
    Clock &clock() const { return *m_clock; }
    Catalog &catalog() { return m_catalog; }
    Scheduler &scheduler() { return m_scheduler; }
    QString dataDir() const { return m_options.dataDir; }
    bool isRunning() const { return m_running.load(std::memory_order_acquire); }
    // Set while shutting down: running user SQL checks it and stops (ObjectDatabase).
    const std::atomic<bool> &stopping() const { return m_stopping; }

    Result<void> registerClass(ClassInfo info);
    // Adds a class or replaces one, running or not (a reloaded agent package). Objects of the
    // class in memory are closed between their turns and take the new version when they next
    // open; the future finishes once every worker has done so.
    QFuture<void> replaceClass(ClassInfo info);
    // Any thread. Whether a class of that name is registered.
    bool hasClass(const QString &name) const;
    // Any thread. The class as registered now; null when unknown.
    std::shared_ptr<const ClassInfo> classInfo(const QString &name) const;
    QStringList classNames() const;
    Result<Stub> makeStub(const QString &className, const QString &name, const ObjectId &id);

    Result<void> start();
    void shutdown();

    // Any thread. Delivers a turn to an object's strand; a refused turn's reply handler runs
    // at once. Inside a running turn, requests to other objects are held back until commit.
    void dispatch(const QString &className, const ObjectId &id, const QString &name, Turn turn);
    // Bypasses the output gate: used to release held-back messages after a commit.
    void dispatchNow(const QString &className, const ObjectId &id, const QString &name, Turn turn);

    // Delivers a control turn (evict, crash) to an object in memory; replies at once otherwise.
    void dispatchActive(const ObjectId &id, Turn turn);

    QString objectPath(const QString &className, const ObjectId &id) const;
    Worker &workerFor(const ObjectId &id) const;

    // Alarms: called by workers after a commit with the object's alarm as stored.
    void alarmStored(const ObjectId &id, const QString &className, const QString &name,
                     qint64 dueMs, int retryCount = 0);
    // Fires due alarms; with wait, blocks until their turns completed. Returns turns that ran
    // onAlarm.
    int fireDueAlarms(qint64 nowMs, bool wait);

    // TimeDriver (virtual clock jumps).
    qint64 nextDueMs() override;
    int fireDue(qint64 nowMs) override;
    void beginJump() override;
    void endJump() override;
    bool isJumping() const { return m_jumping.load() > 0; }

    ChangeFeed &feed() { return m_feed; }
    EngineMetrics &metrics() { return m_metrics; }
    // Builds and publishes an event when anyone listens.
    void publish(ChangeEvent::Kind kind, const ObjectId &id, const QString &className,
                 const QString &name, QJsonObject detail = {});
    // Live state of objects in memory, for the inspection API.
    QHash<ObjectId, LiveState> liveStates() const;
    std::optional<LiveState> liveState(const ObjectId &id) const;
    const std::vector<std::unique_ptr<Worker>> &workers() const { return m_workers; }

    // Hint-ahead bookkeeping: a catalog hint at or before an alarm's due time is enough (a
    // stale early hint is re-checked at fire time), so only earlier alarms need a write.
    bool needsAlarmHint(const ObjectId &id, qint64 dueMs) const;
    void alarmHintWritten(const ObjectId &id, qint64 dueMs);

    void reportError(const Error &error);
    void setEngine(Engine *engine) { m_engine = engine; }

private:
    Result<void> prepareDataDir();
    Result<void> checkIsDataDir() const;
    // Opens (and if needed re-indexes) the catalog; returns the alarm hints it holds.
    Result<QList<AlarmHint>> openCatalog();
    Result<void> setCatalogAside(const Error &why);
    QString catalogPath() const;
    Result<void> reindex();
    void reindexFailed(const Error &error);
    void resumePendingWork();
    void resumePending(Catalog::PendingKind kind, const QString &trigger,
                       const std::function<void(ObjectHost &)> &work);
    void raiseFileLimit();

    EngineOptions m_options;
    std::shared_ptr<Clock> m_clock;
    static Result<void> checkClass(const ClassInfo &info);

    mutable QReadWriteLock m_classesLock; // guards m_classes, which a reload changes
    QHash<QString, std::shared_ptr<const ClassInfo>> m_classes;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::vector<QThread *> m_threads;
    QThread *m_housekeeperThread = nullptr;
    Housekeeper *m_housekeeper = nullptr;
    Catalog m_catalog;
    Scheduler m_scheduler;
    ChangeFeed m_feed;
    EngineMetrics m_metrics;
    std::unique_ptr<QLockFile> m_lock;
    std::atomic<bool> m_running {false};
    std::atomic<bool> m_stopping {false};
    std::atomic<int> m_jumping {0};
    mutable QMutex m_hintMutex;
    QHash<ObjectId, qint64> m_catalogHints;
    QPointer<Engine> m_engine;
    friend class Housekeeper;
};

} // namespace Durable
