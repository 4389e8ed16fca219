// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QHash>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QString>

#include <optional>

struct sqlite3;

namespace Durable {

struct CatalogObject
{
    QString id; // hex
    QString className;
    QString name;
    qint64 createdMs = 0;
    qint64 lastActiveMs = 0;
    QString forkOf; // hex id of the origin, for forks
    qint64 forkSeq = -1;
};

struct AlarmHint
{
    QString id;
    QString className;
    QString name;
    qint64 dueMs = 0;
};

// engine.sqlite in the data directory: an index of every object and of every alarm's due
// time, so objects can be listed and woken without opening their files.
//
// Thread-safe (one mutex around one connection). Object rows are buffered and written in
// batches by flush(), off the hot path; alarm hints are written at once, before the turn that
// set the alarm commits, so a crash can leave a stale hint (re-checked at fire time) but never
// an alarm without one.
class Catalog
{
public:
    Catalog() = default;
    ~Catalog();

    Result<void> open(const QString &path);
    void close();

    bool wasCleanShutdown();
    Result<void> setCleanShutdown(bool clean);

    void noteObject(const CatalogObject &object);
    // lastSeq: the object's last committed turn when it closed. The catalog keeps the highest as
    // a watermark that is never ahead of the object's file (it is written after the commit); a
    // file found behind it, or missing or empty, has lost committed turns.
    void noteActive(const QString &id, qint64 lastActiveMs, qint64 lastSeq);
    // The watermark of a known object: its file must exist and its journal reach this seq;
    // -1 after a repair reset (no file expected). Empty when the catalog has no such object.
    Result<std::optional<qint64>> expectedSeq(const QString &id);
    // Written at once, not batched: a repair's decision must survive what follows.
    Result<void> setExpectedSeq(const QString &id, qint64 seq);
    Result<void> flush();

    Result<void> writeAlarmHints(const QList<AlarmHint> &hints);
    void removeAlarmHint(const QString &id);
    Result<QList<AlarmHint>> alarmHints();
    void recordAlarmGivenUp(const QString &id, const QString &className, const QString &message);

    Result<QSet<QString>> objectIds();
    // Objects by class, name and id; contains, when given, keeps those whose name or id contains it
    // (ASCII case-insensitively, as SQLite's LIKE), so a filter never builds rows it drops.
    Result<QList<CatalogObject>> objects(const QString &className = {}, int offset = 0,
                                         int limit = -1, const QString &contains = {});
    Result<qint64> objectCount();
    Result<CatalogObject> object(const QString &id);
    // Marks an object as a fork of another, made from the origin's state as of forkSeq.
    Result<void> setFork(const QString &id, const QString &forkOf, qint64 forkSeq);
    // Objects whose alarm was given up after every retry.
    Result<QSet<QString>> failedAlarmIds();

    // Work an object owes the world past a crash, noted before the turn that owes it commits
    // and cleared when done: Index, its index rows (written after the commit); Outbox, durable
    // messages not yet acknowledged. A start after a crash resumes each noted object.
    enum class PendingKind { Index, Outbox };
    Result<void> markPending(PendingKind kind, const QString &id, const QString &className,
                             const QString &name);
    Result<void> clearPending(PendingKind kind, const QString &id);
    // Objects with work of that kind outstanding (id, class, name; dueMs unused).
    Result<QList<AlarmHint>> pending(PendingKind kind);

private:
    Result<void> exec(const char *sql);
    Result<void> check();
    Error error(int code, const QString &what) const;

    QMutex m_mutex;
    sqlite3 *m_db = nullptr;
    QString m_path;
    QHash<QString, CatalogObject> m_pendingObjects;
    struct Activity
    {
        qint64 lastActiveMs = 0;
        qint64 lastSeq = 0;
    };
    QHash<QString, Activity> m_pendingActive;
    QSet<QString> m_pendingAlarmRemovals;
    QList<QStringList> m_pendingGiveUps;

public:
    // --- Agents (issue 5): workflow steps and the index of human requests. ---
    // Both are written by an agent's turn just before its transaction commits, so a crash can
    // leave an entry ahead of the object (never behind it); the object stays the truth: an
    // agent re-syncs its step when it next loads, and the inbox re-checks every request with
    // its object before listing it.

    // An empty step removes the object's entry.
    Result<void> writeAgentStep(const QString &id, const QString &className, const QString &step);
    // Empty when the object has no step.
    Result<QString> agentStep(const QString &id);
    // Objects per step of one class (objects with no step are not counted).
    Result<QHash<QString, qint64>> agentStepCounts(const QString &className);
    // Object id (hex) -> step, for one class or (empty) every class.
    Result<QHash<QString, QString>> agentSteps(const QString &className = {});

    struct HumanRequestHint
    {
        QString requestId;
        QString objectId; // hex
        QString className;
        QString name;
        QString title;
        qint64 createdMs = 0;
        qint64 deadlineMs = -1;
        QString status; // "pending", "answered", "expired"
    };
    Result<void> writeHumanRequestHint(const HumanRequestHint &hint);
    Result<void> setHumanRequestHintStatus(const QString &requestId, const QString &status);
    Result<void> removeHumanRequestHint(const QString &requestId);
    // NotFound when the id is not indexed.
    Result<HumanRequestHint> humanRequestHint(const QString &requestId);
    // Oldest first; className empty: every class; status empty: any status.
    Result<QList<HumanRequestHint>> humanRequestHints(
        const QString &className = {}, const QString &status = QStringLiteral("pending"));
    // Object id (hex) -> number of pending requests, for ObjectSummary::pendingHumanRequests.
    Result<QHash<QString, int>> pendingHumanRequestCounts();
};

} // namespace Durable
