// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentdirectory.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/journaltypes.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/sandboxes.h>
#include <durable/core/storagetypes.h>

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>

#include <memory>
#include <optional>

class QTimer;

namespace Durable {

class ModelSources;

class Engine;
class EngineCore;
class RecordingTap;
class ChangeSubscription;

// The one way UIs, the CLI and the gateway see an engine: snapshot queries, a change feed,
// admin commands, and the handles for agents, the human inbox and model calls.
//
// Lives on the thread that created it (the GUI thread in the studio); never blocks it:
// every query returns a QFuture computed on the engine's threads (an object's own data is
// read by a turn on its strand, the catalog on a pool thread). The change feed arrives as
// changesAvailable() batches at most every feedIntervalMs, in order per object.
class Inspector : public QObject
{
    Q_OBJECT
public:
    explicit Inspector(Engine *engine, QObject *parent = nullptr);
    ~Inspector() override;

    // Catalog and live state.
    QFuture<QList<ClassSummary>> classes() const;
    QFuture<QList<ObjectSummary>> objects(const ObjectQuery &query = {}) const;
    QFuture<ObjectSummary> object(const QString &className, const ObjectId &id) const;
    // Summaries of many objects in one query (a view refreshing the rows a feed batch touched);
    // ids the catalog does not know are left out. Order follows ids.
    QFuture<QList<ObjectSummary>> objectsById(const QList<ObjectId> &ids) const;
    QFuture<QList<AlarmSummary>> alarms() const; // every pending alarm, by due time

    // One object's storage (read on its strand, so it is consistent with its turns).
    QFuture<QList<KeyValue>> keyValues(const QString &className, const ObjectId &id,
                                       const ListOptions &options = {}) const;
    QFuture<QList<TableSchema>> schema(const QString &className, const ObjectId &id) const;
    // Read-only: statements that would write are refused.
    QFuture<SqlResult> query(const QString &className, const ObjectId &id, const QString &sql,
                             const QJsonArray &params = {}) const;
    QFuture<std::optional<AlarmSummary>> alarm(const QString &className, const ObjectId &id) const;

    // History (the journal), read on the object's strand.
    QFuture<QList<JournalEntry>> journal(const QString &className, const ObjectId &id,
                                         const JournalQuery &query = {}) const;
    QFuture<QList<TurnFailure>> failures(const QString &className, const ObjectId &id,
                                         int limit = 100) const;
    // Key/value state as of the end of turn seq (0: before the first turn).
    QFuture<QList<KeyValue>> stateAt(const QString &className, const ObjectId &id,
                                     qint64 seq) const;
    QFuture<StateDiff> diff(const QString &className, const ObjectId &id, qint64 fromSeq,
                            qint64 toSeq) const;
    QFuture<StorageSize> storageSize(const QString &className, const ObjectId &id) const;

    // Commands, each applied as a turn on the object's strand (never beside a running turn)
    // and journaled with its own trigger. They return the journal seq of that turn.
    // Commands never create an object: one that does not exist fails with NotFound.
    QFuture<qint64> editState(const QString &className, const ObjectId &id, const QJsonObject &set,
                              const QStringList &remove = {}) const;           // "admin-edit"
    QFuture<qint64> reset(const QString &className, const ObjectId &id) const; // deleteAll
    // Runs the object's alarm handler now ("admin-fire"), as the alarm's own turn would: the
    // alarm is consumed and onAlarm() gets its scheduled time. A failure is returned to the
    // caller, not retried, and leaves the alarm as it was. For an agent, whose alarm serves its
    // schedules, that runs the schedules the alarm is set for (the earliest), as if their time
    // had come. Fails with NotFound when the object has no alarm. Publishes AlarmFired.
    QFuture<qint64> fireAlarmNow(const QString &className, const ObjectId &id) const;
    // Moves the alarm to dueMs (a fresh alarm: no retries) or deletes it ("admin-alarm"). For an
    // agent this moves or cancels the schedules the alarm is set for, and the alarm then follows
    // its earliest schedule; a human request's deadline cannot be moved or cancelled.
    QFuture<qint64> setAlarm(const QString &className, const ObjectId &id, qint64 dueMs) const;
    QFuture<qint64> cancelAlarm(const QString &className, const ObjectId &id) const;
    QFuture<qint64> compact(const QString &className, const ObjectId &id,
                            const RetentionPolicy &policy) const; // entries dropped
    // A new object of the same class named newName whose key/value storage is the origin's
    // state as of turn seq, marked in the catalog as a fork of it. Returns its id.
    QFuture<ObjectId> fork(const QString &className, const ObjectId &id, qint64 seq,
                           const QString &newName) const;
    // The object as of turn seq copied into a new sandbox named name, under this engine's data
    // directory, to run forward in isolation (see Sandboxes::create).
    QFuture<SandboxInfo> sandbox(const QString &className, const ObjectId &id, qint64 seq,
                                 const QString &name) const;

    // Brings a quarantined (damaged) object back; returns what was done, in words for the user.
    // Refused with Conflict for an object that opens normally, NotFound for one the catalog
    // does not know. Not a turn of the object (it cannot run one): nothing is journaled.
    QFuture<QString> repair(const QString &className, const ObjectId &id,
                            RepairAction action) const;

    // The handles the studio, the CLI and the gateway use for agents; plain values, any thread.
    // Agent state, steps, schedules and calls of this engine's objects.
    AgentDirectory agents() const;
    // Pending human requests across the engine, and answering them.
    HumanInbox inbox() const;
    // Agents' model calls.
    ModelCallDirectory modelCalls() const;
    // The per-call model sources of this engine (a sandbox's), or null.
    std::shared_ptr<ModelSources> modelSources() const;

    Metrics metrics() const;

    void setFeedInterval(int ms);
    int feedInterval() const;

signals:
    void changesAvailable(const QList<Durable::ChangeEvent> &batch);
    void metricsUpdated(const Durable::Metrics &metrics);

private:
    void drainFeed();
    // An event reached the empty feed: drain now, or when the interval since the last drain is up.
    void feedWoken();
    void sampleMetrics();

    std::shared_ptr<EngineCore> m_core;
    std::shared_ptr<RecordingTap> m_tap; // the inbox it hands out records answers
    std::shared_ptr<ChangeSubscription> m_subscription;
    QTimer *m_feedTimer = nullptr; // single shot: the rest of the interval after a drain
    QElapsedTimer m_sinceDrain;
    int m_feedIntervalMs = 50;
    QTimer *m_metricsTimer = nullptr;
    struct MetricsWindow;
    std::unique_ptr<MetricsWindow> m_window;
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::Metrics)
