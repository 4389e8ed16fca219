// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/storagetypes.h>

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace Durable {

// One committed turn, as the journal recorded it in the object's own database, in the same
// transaction as the turn's writes.
struct JournalEntry
{
    qint64 seq = 0;
    qint64 atMs = 0; // engine clock when the turn started
    qint64 durationUs = 0;
    QString trigger; // request, alarm, schedule, model-reply, human-answer, admin-edit, ...
    QString method;
    QJsonValue input;
    QJsonValue output;
    // {"set": {key: value}, "removed": [keys], "cleared": bool, "sql": {table: {inserted,
    // updated, deleted}}}
    QJsonObject changes;
    QJsonValue alarm; // null: unchanged; {"dueMs": n} set; {"cleared": true}
    // Sent after commit: calls [{"class", "name", "id", "method"}] and messages to WebSocket
    // clients [{"connections": [ids] or "all", "except": [ids], "data": text}]
    QJsonValue messages;
};

// A turn that failed and was rolled back: kept apart from the journal, so the history of the
// state stays exact and the failure is still visible.
struct TurnFailure
{
    qint64 id = 0;
    qint64 atMs = 0;
    qint64 durationUs = 0;
    QString trigger;
    QString method;
    QJsonValue input;
    QString error;
    qint64 afterSeq = 0; // the last committed turn before it
};

struct JournalQuery
{
    qint64 beforeSeq = -1; // newest first, strictly before this seq; -1 = from the newest
    int limit = 100;
    QString trigger; // empty: every trigger
};

struct KeyChange
{
    QString key;
    QJsonValue before; // Undefined: did not exist
    QJsonValue after;  // Undefined: removed
};

struct TableChange
{
    QString table;
    int inserted = 0;
    int updated = 0;
    int deleted = 0;
};

struct StateDiff
{
    qint64 fromSeq = 0;
    qint64 toSeq = 0;
    QList<KeyChange> keys;
    QList<TableChange> tables;
};

// How much history a class keeps.
struct RetentionPolicy
{
    enum class Kind { KeepAll, KeepLastTurns, KeepDays };
    Kind kind = Kind::KeepAll;
    qint64 count = 0; // turns or days
};

struct StorageSize
{
    qint64 fileBytes = 0;
    qint64 walBytes = 0;
    qint64 journalEntries = 0;
    qint64 oldestSeq = 0;
    qint64 newestSeq = 0;
};

} // namespace Durable
