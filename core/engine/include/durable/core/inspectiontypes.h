// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Durable {

// Value types of the inspection API: snapshots that UIs, the CLI and the gateway hold on to.

enum class ObjectStatus {
    Active,      // in memory, running or with queued turns
    Idle,        // in memory, nothing to do
    Hibernated,  // on disk only
    Failed,      // its alarm was given up after all retries
    Quarantined, // its file is damaged; every call fails
};
QString objectStatusName(ObjectStatus status);

// What Inspector::repair does with a quarantined object.
enum class RepairAction {
    Reset,  // move its files aside (kept, never deleted) and let it start empty
    Accept, // take its file as found (e.g. one put back from a backup), losing what it lacks
};

struct ClassSummary
{
    QString name;
    QString description;
    QString source; // ClassOptions::source: the file its code comes from, or empty
    qint64 objectCount = 0;
    qint64 liveCount = 0;
    QStringList steps;                 // declared workflow steps, in order (agents)
    QHash<QString, qint64> stepCounts; // objects per step
};

struct ObjectSummary
{
    ObjectId id;
    QString className;
    QString name; // empty when created by id
    ObjectStatus status = ObjectStatus::Hibernated;
    qint64 createdMs = 0;
    qint64 lastActiveMs = 0;
    int queueDepth = 0;
    qint64 nextAlarmMs = -1; // -1: none
    QString step;
    int pendingHumanRequests = 0;
    QString forkOf; // id of the origin when this object is a fork
    qint64 forkSeq = -1;
    QString classSource; // ClassOptions::source of its class (Inspector::object() only)

    QString displayName() const { return name.isEmpty() ? id.toString().left(16) : name; }
};

struct ObjectQuery
{
    QString className;            // empty: every class
    QString text;                 // substring of name or id (ASCII case-insensitive)
    QList<ObjectStatus> statuses; // empty: any status
    int offset = 0;
    int limit = -1;
};

struct AlarmSummary
{
    ObjectId id;
    QString className;
    QString name;
    qint64 dueMs = 0;
    int retryCount = 0;
};

struct TableSchema
{
    QString name;
    QString type; // table, view, index, trigger
    QString sql;
    QStringList columns;
};

// One event of the change feed.
struct ChangeEvent
{
    enum class Kind {
        ObjectCreated,
        ObjectActivated,
        ObjectEvicted,
        TurnCompleted,
        StateChanged,
        AlarmSet,
        AlarmFired,
        AlarmRetrying,
        AlarmGivenUp,
        ObjectQuarantined,
        HumanRequestOpened,
        HumanRequestAnswered,
        ClockChanged,
        // Text of a model reply as it streams in: live only, never journaled; the reply itself
        // arrives in its model-reply turn. {callId, round, attempt, delta, length}
        ModelDelta,
        // What an agent's turn sent to its WebSocket connections (Agent::send, broadcast),
        // released after the commit: {to: [connection ids] (absent: every connection),
        // except: [ids], data: the message, a string or JSON}
        ConnectionMessage,
        Overflow, // the subscriber fell too far behind; events were dropped: resynchronise
    };
    Kind kind = Kind::TurnCompleted;
    ObjectId id;
    QString className;
    QString name;
    qint64 atMs = 0; // engine clock
    // Kind-specific: for TurnCompleted {seq, trigger, method, ok, error, durationUs}; for
    // AlarmSet {dueMs}; for AlarmRetrying {retry, dueMs, error}; ...
    QJsonObject detail;
};
QString changeKindName(ChangeEvent::Kind kind);

// Engine-wide figures over a sliding window (the last `windowSeconds`).
struct Metrics
{
    double turnsPerSecond = 0;
    double commitsPerSecond = 0;
    double failuresPerSecond = 0;
    qint64 totalTurns = 0;
    qint64 totalCommits = 0;
    qint64 totalFailures = 0;
    int liveObjects = 0;
    int queueDepth = 0;
    double turnP50Ms = 0;
    double turnP99Ms = 0;
    int windowSeconds = 0;
    qint64 atMs = 0; // system time of the sample
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::ChangeEvent)
Q_DECLARE_METATYPE(QList<Durable::ChangeEvent>)
Q_DECLARE_METATYPE(Durable::ObjectSummary)
