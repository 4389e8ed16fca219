// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/durability.h>
#include <durable/core/result.h>
#include <durable/core/storagetypes.h>

#include "objectsql.h"
#include "turnchanges.h"

#include <QHash>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace Durable {

// Identity written into every object file, so a file can be re-indexed without the catalog.
struct ObjectMeta
{
    QString className;
    QString id; // hex
    QString name;
    qint64 createdMs = 0;
    // The caller found no file at the path: open() writes the prebuilt image there first
    // (ObjectSchema::writeImage).
    bool fileIsNew = false;
};

struct AlarmRow
{
    qint64 dueMs = 0;
    int retryCount = 0;
};

// One object's SQLite file: the connection, its cached statements and both storage faces.
//
// Worker thread only. Engine-side calls (open, begin, commit, ...) return Result; the
// agent-facing calls behind Storage throw Durable::Error. The file is opened in WAL mode with
// exclusive locking: one engine owns it while it is open, no shared-memory file is needed,
// and each open object costs two file descriptors.
class ObjectDatabase
{
public:
    ObjectDatabase() = default;
    ~ObjectDatabase();
    ObjectDatabase(const ObjectDatabase &) = delete;
    ObjectDatabase &operator=(const ObjectDatabase &) = delete;

    // Opens or creates the file. For a new file writes meta; for an existing one reads it
    // back (meta.name is filled in when known). Corrupt files fail with ErrorCode::Corrupt.
    Result<void> open(const QString &path, ObjectMeta &meta, Durability durability);
    void close();
    bool isOpen() const { return m_db != nullptr; }
    QString path() const { return m_path; }
    // "Class/name" or "Class/<id>": how messages name the object.
    void setLabel(const QString &label)
    {
        m_label = label;
        m_sql.setLabel(label);
    }
    QString label() const { return m_label; }
    void setAlarmsAllowed(bool allowed) { m_alarmsAllowed = allowed; }
    // Wall time one user or inspection SQL call may run (0: unlimited), and a flag that, once
    // set, interrupts such a call: the engine is shutting down. Set before open().
    void setSqlLimits(std::chrono::milliseconds budget, const std::atomic<bool> *stopping)
    {
        m_sql.setLimits(budget, stopping);
    }
    // Off the hot path (before hibernating, at shutdown): folds a WAL of more than 64 KB into
    // the file and truncates it, so an idle object costs its data on disk, not a WAL's worth
    // of pages.
    void checkpoint();

    Result<void> begin();
    Result<void> commit();
    void rollback();
    bool inTransaction() const { return m_inTransaction; }
    Result<void> savepoint();
    Result<void> release();
    void rollbackToSavepoint();

    // Key/value face (throws).
    QJsonValue get(const QString &key);
    void put(const QString &key, const QJsonValue &value);
    bool remove(const QString &key);
    QList<KeyValue> list(const ListOptions &options);
    void deleteAll();

    // SQL face (throws).
    SqlResult sql(const QString &query, const QJsonArray &params);
    // For the inspection API: may read the engine's tables too, but never writes.
    SqlResult sqlReadOnly(const QString &query, const QJsonArray &params);
    // For the engine's own features built on an object's database (agents' state, schedules,
    // human requests): no authorizer, so _durable_* tables are allowed. Never for user input.
    SqlResult engineSql(const QString &query, const QJsonArray &params = {});
    void transaction(const std::function<void()> &fn);

    // Alarm (throws). setAlarm refuses classes that do not handle alarms.
    std::optional<AlarmRow> alarm();
    void setAlarm(qint64 dueMs);
    void writeAlarmRow(qint64 dueMs, int retryCount); // engine: retries keep their count
    void deleteAlarm();
    // Whether the current transaction changed the alarm; reset by begin().
    bool alarmChanged() const { return m_alarmChanged; }

    static bool isCorruption(int sqliteCode);

    // Change capture for the journal: what the running turn wrote. The worker resets it per
    // turn; a rolled-back turn's capture is simply dropped.
    TurnChanges &turnChanges() { return m_changes; }
    bool turnAlarmChanged() const { return m_turnAlarmChanged; }
    void resetTurnCapture()
    {
        m_changes.clear();
        m_turnAlarmChanged = false;
        m_lastTableChanges = nullptr;
        m_lastAgentTable.clear();
    }
    sqlite3 *handle() const { return m_db; }

private:
    enum CachedStatement {
        Begin,
        Commit,
        Rollback,
        Savepoint,
        Release,
        RollbackTo,
        KvGet,
        KvPut,
        KvRemove,
        AlarmGet,
        AlarmSet,
        AlarmDelete,
        CachedCount
    };
    sqlite3_stmt *cached(CachedStatement which);
    Result<void> exec(const char *sql);
    Result<void> stepDone(CachedStatement which);
    Error sqliteError(int code, const QString &what) const;
    [[noreturn]] void throwSqlite(int code, const QString &what) const;
    void checkKey(const QString &key) const;
    void checkWritableKey(const QString &key) const;
    Result<void> createSchema(ObjectMeta &meta);
    Result<void> readMeta(ObjectMeta &meta);
    Result<void> writeIdentity(const ObjectMeta &meta);
    Result<void> insertIdentity(const ObjectMeta &meta);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_cached[CachedCount] = {};
    QString m_path;
    QString m_label;
    bool m_inTransaction = false;
    bool m_alarmChanged = false;
    bool m_alarmsAllowed = false;
    ObjectSql m_sql; // the SQL face: user, read-only and engine SQL
    int m_userSavepoints = 0;
    TurnChanges m_changes;
    bool m_turnAlarmChanged = false;
    // The pre-update hook runs for every row: remember the last table's entry so bulk inserts
    // into one table cost a string compare, not a hash lookup and a QString per row.
    QByteArray m_lastTable;
    TurnChanges::TableChanges *m_lastTableChanges = nullptr;
    QByteArray m_lastAgentTable; // the same for the agent tables: the last one noted
    void noteAgentTable(const char *table);
    static void preupdate(void *self, sqlite3 *db, int op, const char *dbName, const char *table,
                          qint64 oldRow, qint64 newRow);
};

} // namespace Durable
