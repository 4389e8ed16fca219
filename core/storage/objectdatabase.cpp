// SPDX-License-Identifier: MIT
#include "objectdatabase.h"

#include "objectschema.h"
#include "sqliteerror.h"

#include <durable/core/jsontext.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <sqlite3.h>

namespace Durable {

namespace {

// A hibernating object's WAL up to this size is left as it is (checkpoint()).
constexpr qint64 SmallWalBytes = 64 * 1024;

// Statement texts for ObjectDatabase::CachedStatement, in enum order.
const char *const s_cachedSql[] = {
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT turn",
    "RELEASE turn",
    "ROLLBACK TO turn",
    "SELECT value FROM _durable_kv WHERE key = ?1",
    "INSERT INTO _durable_kv(key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    "DELETE FROM _durable_kv WHERE key = ?1",
    "SELECT due_ms, retry_count FROM _durable_alarm WHERE slot = 1",
    "INSERT INTO _durable_alarm(slot, due_ms, retry_count) VALUES (1, ?1, ?2) "
    "ON CONFLICT(slot) DO UPDATE SET due_ms = excluded.due_ms, retry_count = excluded.retry_count",
    "DELETE FROM _durable_alarm WHERE slot = 1",
};

QByteArray utf8(const QString &text)
{
    return text.toUtf8();
}

QString fromSqlite(const unsigned char *text, int size)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(text), size);
}

void bindText(sqlite3_stmt *stmt, int index, const QByteArray &bytes)
{
    sqlite3_bind_text(stmt, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
}

// Resets a cached statement however the scope is left.
struct Reset
{
    sqlite3_stmt *stmt;
    ~Reset() { sqlite3_reset(stmt); }
};

// The smallest string greater than every string that starts with prefix (byte-wise, as
// SQLite's BINARY collation compares). UTF-8 never contains 0xFF, so no carry is needed.
QByteArray prefixUpperBound(QByteArray prefix)
{
    prefix[prefix.size() - 1] = char(quint8(prefix.back()) + 1);
    return prefix;
}

} // namespace

ObjectDatabase::~ObjectDatabase()
{
    close();
}

bool ObjectDatabase::isCorruption(int sqliteCode)
{
    return isSqliteCorruption(sqliteCode);
}

Error ObjectDatabase::sqliteError(int code, const QString &what) const
{
    return Durable::sqliteError(m_db, code, what, m_path, m_label);
}

void ObjectDatabase::throwSqlite(int code, const QString &what) const
{
    throw sqliteError(code, what);
}

Result<void> ObjectDatabase::open(const QString &path, ObjectMeta &meta, Durability durability)
{
    close();
    m_path = path;
    // A new object starts from the prebuilt image: one file write instead of the schema's
    // statements and their pages through the WAL, and no rollback journal file made and deleted
    // to turn an empty file into a WAL database (its identity is written below).
    if (meta.fileIsNew && !QFileInfo::exists(path)) {
        if (auto written = ObjectSchema::writeImage(path); !written)
            return written.error();
    }
    // NOMUTEX: the strand guarantees one thread at a time, so SQLite's own mutexes are waste.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const Error error = sqliteError(rc, QStringLiteral("Could not open %1").arg(path));
        close();
        return error;
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 0);
    // Closing never checkpoints on its own: hibernation does it explicitly (checkpoint(), off
    // the hot path), and a simulated crash must leave the WAL as a real crash would.
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // The default lookaside arena is ~120 KB per connection; thousands of small objects stay
    // open at once, so a small one keeps memory per object low.
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 128, 32);
    // fts3_tokenizer() hands out and accepts native pointers: never for agent SQL.
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
    // A new file holds nothing yet: build it without fsyncs (a crash leaves a file without
    // its identity, which the next open recreates or quarantines), then turn durability on.
    // Exclusive locking comes first, before any pragma that reads the schema (synchronous
    // does): a WAL opened in exclusive mode keeps its index in heap memory, so no -shm file is
    // made (one descriptor and one mapping less per open object, nothing left on disk).
    if (auto ok = exec("PRAGMA locking_mode=EXCLUSIVE;"
                       "PRAGMA synchronous=OFF;"
                       "PRAGMA journal_mode=WAL;"
                       // A live object's WAL stays near 1 MB, not the default 4 MB; idle
                       // ones are checkpointed to nothing (checkpoint()).
                       "PRAGMA wal_autocheckpoint=256;"
                       "PRAGMA journal_size_limit=1048576;"
                       "PRAGMA cache_size=-256;"
                       "PRAGMA foreign_keys=ON;");
        !ok) {
        close();
        return ok.error();
    }
    if (auto ok = createSchema(meta); !ok) {
        close();
        return ok.error();
    }
    if (auto ok = exec(durability == Durability::Full ? "PRAGMA synchronous=FULL"
                                                      : "PRAGMA synchronous=NORMAL");
        !ok) {
        close();
        return ok.error();
    }
    m_sql.open(m_db, m_path);
    sqlite3_preupdate_hook(m_db, &ObjectDatabase::preupdate, this);
    return {};
}

Result<void> ObjectDatabase::createSchema(ObjectMeta &meta)
{
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, "PRAGMA user_version", -1, &stmt, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(rc, QStringLiteral("Could not read %1").arg(m_path));
    rc = sqlite3_step(stmt);
    const int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW)
        return sqliteError(rc, QStringLiteral("Could not read %1").arg(m_path));
    if (version == ObjectSchema::Version)
        return readMeta(meta);
    if (version != 0) {
        return Error(ErrorCode::Corrupt,
                     QStringLiteral("%1 has storage format %2; this engine reads format %3")
                         .arg(m_path)
                         .arg(version)
                         .arg(ObjectSchema::Version));
    }
    // A new file (or one whose creation a crash interrupted: schema and identity commit
    // together, so it holds neither): it needs an identity to be created.
    if (meta.className.isEmpty() || meta.id.isEmpty()) {
        return Error(
            ErrorCode::Corrupt,
            QStringLiteral("%1 has no schema and no identity to create it with").arg(m_path));
    }
    // Schema and identity commit together.
    if (auto ok = exec("BEGIN"); !ok)
        return ok;
    if (auto ok = exec(ObjectSchema::sql()); !ok) {
        (void)exec("ROLLBACK");
        return ok;
    }
    if (auto ok = insertIdentity(meta); !ok) {
        (void)exec("ROLLBACK");
        return ok;
    }
    if (auto ok = exec("PRAGMA user_version=1; COMMIT"); !ok) {
        (void)exec("ROLLBACK");
        return ok;
    }
    return {};
}

// The identity of a file that has the schema but none yet, in its own transaction.
Result<void> ObjectDatabase::writeIdentity(const ObjectMeta &meta)
{
    if (meta.className.isEmpty() || meta.id.isEmpty()) {
        return Error(ErrorCode::Corrupt,
                     QStringLiteral("%1 has no identity and none to give it").arg(m_path));
    }
    if (auto ok = exec("BEGIN"); !ok)
        return ok;
    if (auto ok = insertIdentity(meta); !ok) {
        (void)exec("ROLLBACK");
        return ok;
    }
    return exec("COMMIT");
}

Result<void> ObjectDatabase::insertIdentity(const ObjectMeta &meta)
{
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db,
                                "INSERT OR REPLACE INTO _durable_meta VALUES ('class', ?1), "
                                "('id', ?2), ('name', ?3), ('created_ms', ?4)",
                                -1, &stmt, nullptr);
    if (rc == SQLITE_OK) {
        bindText(stmt, 1, utf8(meta.className));
        bindText(stmt, 2, utf8(meta.id));
        if (meta.name.isNull())
            sqlite3_bind_null(stmt, 3);
        else
            bindText(stmt, 3, utf8(meta.name));
        sqlite3_bind_int64(stmt, 4, meta.createdMs);
        rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        return sqliteError(rc, QStringLiteral("Could not create %1").arg(m_path));
    return {};
}

Result<void> ObjectDatabase::readMeta(ObjectMeta &meta)
{
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, "SELECT key, value FROM _durable_meta", -1, &stmt, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(rc, QStringLiteral("Could not read the identity in %1").arg(m_path));
    QString storedClass;
    QString storedId;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const QByteArrayView key(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        const QString value = fromSqlite(sqlite3_column_text(stmt, 1),
                                         sqlite3_column_bytes(stmt, 1));
        if (key == "class")
            storedClass = value;
        else if (key == "id")
            storedId = value;
        else if (key == "name" && sqlite3_column_type(stmt, 1) != SQLITE_NULL)
            meta.name = value;
        else if (key == "created_ms")
            meta.createdMs = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return sqliteError(rc, QStringLiteral("Could not read the identity in %1").arg(m_path));
    // A file made from the image (or one a crash left before its identity) has none yet.
    if (storedClass.isEmpty() && storedId.isEmpty())
        return writeIdentity(meta);
    if ((!meta.className.isEmpty() && storedClass != meta.className) ||
        (!meta.id.isEmpty() && storedId.compare(meta.id, Qt::CaseInsensitive) != 0)) {
        return Error(ErrorCode::Corrupt,
                     QStringLiteral("%1 belongs to %2/%3, not to %4/%5")
                         .arg(m_path, storedClass, storedId, meta.className, meta.id));
    }
    meta.className = storedClass;
    meta.id = storedId;
    return {};
}

void ObjectDatabase::close()
{
    for (sqlite3_stmt *&stmt : m_cached) {
        sqlite3_finalize(stmt);
        stmt = nullptr;
    }
    m_sql.close();
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
    m_inTransaction = false;
}

void ObjectDatabase::checkpoint()
{
    // Inside a transaction (a crash being simulated) there is nothing committed to fold in.
    if (!m_db || !sqlite3_get_autocommit(m_db))
        return;
    // A small WAL stays: folding it in would make the first commit after the next wake start a
    // new WAL, whose header SQLite syncs (an fsync per cold activation: 1,100 -> 650 calls/s
    // in the activation benchmark). Idle disk use stays data + at most SmallWalBytes.
    if (QFileInfo(m_path + QStringLiteral("-wal")).size() <= SmallWalBytes)
        return;
    // Best effort: a WAL that cannot be folded in now is replayed on the next open.
    sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

Result<void> ObjectDatabase::exec(const char *sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK)
        return sqliteError(rc, QStringLiteral("Storage operation failed"));
    return {};
}

sqlite3_stmt *ObjectDatabase::cached(CachedStatement which)
{
    sqlite3_stmt *&stmt = m_cached[which];
    if (!stmt) {
        const int rc = sqlite3_prepare_v3(m_db, s_cachedSql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                          &stmt, nullptr);
        if (rc != SQLITE_OK) {
            stmt = nullptr;
            throwSqlite(rc, QStringLiteral("Could not prepare a storage statement"));
        }
    }
    return stmt;
}

Result<void> ObjectDatabase::stepDone(CachedStatement which)
{
    try {
        sqlite3_stmt *stmt = cached(which);
        const int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return sqliteError(rc,
                               QString::fromLatin1(s_cachedSql[which]) + QStringLiteral(" failed"));
        return {};
    } catch (const Error &error) {
        return error;
    }
}

Result<void> ObjectDatabase::begin()
{
    m_alarmChanged = false;
    auto ok = stepDone(Begin);
    m_inTransaction = ok.ok();
    return ok;
}

Result<void> ObjectDatabase::commit()
{
    auto ok = stepDone(Commit);
    if (ok)
        m_inTransaction = false;
    return ok;
}

void ObjectDatabase::rollback()
{
    if (m_db && !sqlite3_get_autocommit(m_db))
        (void)stepDone(Rollback);
    m_inTransaction = false;
    m_userSavepoints = 0;
}

Result<void> ObjectDatabase::savepoint()
{
    return stepDone(Savepoint);
}

Result<void> ObjectDatabase::release()
{
    return stepDone(Release);
}

void ObjectDatabase::rollbackToSavepoint()
{
    (void)stepDone(RollbackTo);
    (void)stepDone(Release);
    m_userSavepoints = 0;
}

void ObjectDatabase::checkKey(const QString &key) const
{
    if (key.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Keys must not be empty"));
}

void ObjectDatabase::checkWritableKey(const QString &key) const
{
    checkKey(key);
    // The journal's key/value map carries an agent's state, step, schedules, human requests
    // and model calls under _durable_agent_* keys: a user key there would be mistaken for them.
    if (key.startsWith(QLatin1String("_durable_"))) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Key \"%1\" is reserved: keys starting with _durable_ belong to "
                                   "the engine")
                        .arg(key.left(100)));
    }
}

QJsonValue ObjectDatabase::get(const QString &key)
{
    checkKey(key);
    const QByteArray k = utf8(key);
    if (k.size() > MaxKeyBytes) // such a key can never have been stored
        return QJsonValue::Undefined;
    sqlite3_stmt *stmt = cached(KvGet);
    Reset reset {stmt};
    sqlite3_bind_text(stmt, 1, k.constData(), int(k.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE)
        return QJsonValue::Undefined;
    if (rc != SQLITE_ROW)
        throwSqlite(rc, QStringLiteral("Could not read key \"%1\"").arg(key.left(100)));
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
    return JsonText::parse(text, sqlite3_column_bytes(stmt, 0));
}

void ObjectDatabase::put(const QString &key, const QJsonValue &value)
{
    checkWritableKey(key);
    const QByteArray k = utf8(key);
    if (k.size() > MaxKeyBytes) {
        throw Error(ErrorCode::LimitExceeded,
                    QStringLiteral("Key \"%1...\" is %2 bytes; keys are limited to %3 bytes")
                        .arg(key.left(40))
                        .arg(k.size())
                        .arg(MaxKeyBytes));
    }
    if (value.isUndefined()) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Cannot store an undefined value under \"%1\"; use remove()")
                        .arg(key.left(100)));
    }
    const QByteArray text = JsonText::serialize(value);
    if (text.size() > MaxValueBytes) {
        throw Error(
            ErrorCode::LimitExceeded,
            QStringLiteral("Value for key \"%1\" is %2 bytes; values are limited to %3 bytes")
                .arg(key.left(100))
                .arg(text.size())
                .arg(MaxValueBytes));
    }
    sqlite3_stmt *stmt = cached(KvPut);
    Reset reset {stmt};
    sqlite3_bind_text(stmt, 1, k.constData(), int(k.size()), SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, text.constData(), int(text.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        throwSqlite(rc, QStringLiteral("Could not write key \"%1\"").arg(key.left(100)));
    m_changes.removed.remove(key);
    m_changes.set.insert(key, value);
}

bool ObjectDatabase::remove(const QString &key)
{
    checkWritableKey(key);
    const QByteArray k = utf8(key);
    sqlite3_stmt *stmt = cached(KvRemove);
    Reset reset {stmt};
    sqlite3_bind_text(stmt, 1, k.constData(), int(k.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        throwSqlite(rc, QStringLiteral("Could not remove key \"%1\"").arg(key.left(100)));
    const bool existed = sqlite3_changes(m_db) > 0;
    if (existed || m_changes.set.contains(key)) {
        m_changes.set.remove(key);
        m_changes.removed.insert(key);
    }
    return existed;
}

QList<KeyValue> ObjectDatabase::list(const ListOptions &options)
{
    // Built per call: the combinations are few and listing is not the hot path.
    QByteArray sql = "SELECT key, value FROM _durable_kv WHERE 1";
    QList<QByteArray> binds;
    QByteArray lower = utf8(options.start);
    QByteArray upper = utf8(options.end);
    if (!options.prefix.isEmpty()) {
        const QByteArray prefix = utf8(options.prefix);
        if (prefix > lower)
            lower = prefix;
        const QByteArray bound = prefixUpperBound(prefix);
        if (upper.isEmpty() || bound < upper)
            upper = bound;
    }
    if (!lower.isEmpty()) {
        sql += " AND key >= ?";
        binds.append(lower);
    }
    if (!upper.isEmpty()) {
        sql += " AND key < ?";
        binds.append(upper);
    }
    sql += options.reverse ? " ORDER BY key DESC" : " ORDER BY key";
    if (options.limit >= 0)
        sql += " LIMIT " + QByteArray::number(options.limit);
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.constData(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK)
        throwSqlite(rc, QStringLiteral("Could not list keys"));
    for (int i = 0; i < binds.size(); ++i)
        bindText(stmt, i + 1, binds.at(i));
    QList<KeyValue> result;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1));
        result.append({fromSqlite(sqlite3_column_text(stmt, 0), sqlite3_column_bytes(stmt, 0)),
                       JsonText::parse(text, sqlite3_column_bytes(stmt, 1))});
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        throwSqlite(rc, QStringLiteral("Could not list keys"));
    return result;
}

void ObjectDatabase::deleteAll()
{
    // User tables go too, so the object is as new; the journal (the history) stays.
    QStringList drops;
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db,
                                "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE "
                                "'\\_durable\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' "
                                "ESCAPE '\\' AND type IN ('table', 'view')",
                                -1, &stmt, nullptr);
    if (rc != SQLITE_OK)
        throwSqlite(rc, QStringLiteral("Could not delete all storage"));
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const QString type = fromSqlite(sqlite3_column_text(stmt, 0),
                                        sqlite3_column_bytes(stmt, 0));
        const QString name = fromSqlite(sqlite3_column_text(stmt, 1),
                                        sqlite3_column_bytes(stmt, 1));
        drops.append(QStringLiteral("DROP %1 IF EXISTS \"%2\"")
                         .arg(type.toUpper(), QString(name).replace(u'"', QStringLiteral("\"\""))));
    }
    sqlite3_finalize(stmt);
    for (const QString &drop : std::as_const(drops)) {
        if (auto ok = exec(drop.toUtf8().constData()); !ok)
            throw ok.error();
    }
    if (auto ok = exec("DELETE FROM _durable_kv"); !ok)
        throw ok.error();
    m_changes.set.clear();
    m_changes.removed.clear();
    m_changes.cleared = true;
    deleteAlarm();
}

void ObjectDatabase::preupdate(void *self, sqlite3 *, int op, const char *, const char *table,
                               qint64 oldRow, qint64 newRow)
{
    // Row changes of user tables only: the engine's own tables are journaled in their own
    // terms. Of those, the agent tables are only noted, to be read once after the turn.
    if (!table)
        return;
    auto *db = static_cast<ObjectDatabase *>(self);
    if (SqlGuard::isReservedName(table)) {
        if (qstrncmp(table, "_durable_agent_", 15) == 0)
            db->noteAgentTable(table);
        return;
    }
    if (!db->m_lastTableChanges || db->m_lastTable != table) {
        db->m_lastTable = table;
        db->m_lastTableChanges = &db->m_changes.tables[QString::fromUtf8(table)];
        // Inserting may have moved other entries: only the one just looked up is valid.
    }
    TurnChanges::TableChanges &changes = *db->m_lastTableChanges;
    if (op == SQLITE_INSERT)
        ++changes.inserted;
    else if (op == SQLITE_DELETE)
        ++changes.deleted;
    else
        ++changes.updated;
    if (changes.rows.size() < TurnChanges::MaxRowsPerTable)
        changes.rows.append(op == SQLITE_DELETE ? oldRow : newRow);
}

void ObjectDatabase::noteAgentTable(const char *table)
{
    // Once per table and turn, not per row.
    if (m_lastAgentTable == table)
        return;
    m_lastAgentTable = table;
    m_changes.agentTables.insert(QString::fromUtf8(table));
}

SqlResult ObjectDatabase::sql(const QString &query, const QJsonArray &params)
{
    return m_sql.run(query, params, SqlGuard::Mode::User);
}

SqlResult ObjectDatabase::sqlReadOnly(const QString &query, const QJsonArray &params)
{
    return m_sql.run(query, params, SqlGuard::Mode::ReadOnly);
}

SqlResult ObjectDatabase::engineSql(const QString &query, const QJsonArray &params)
{
    return m_sql.run(query, params, SqlGuard::Mode::Engine);
}

void ObjectDatabase::transaction(const std::function<void()> &fn)
{
    const QByteArray name = "user_tx_" + QByteArray::number(++m_userSavepoints);
    if (auto ok = exec(("SAVEPOINT " + name).constData()); !ok)
        throw ok.error();
    const TurnChanges captured = m_changes; // a rolled-back nested transaction changed nothing
    const bool alarmCaptured = m_turnAlarmChanged;
    try {
        fn();
    } catch (...) {
        (void)exec(("ROLLBACK TO " + name + "; RELEASE " + name).constData());
        --m_userSavepoints;
        m_changes = captured;
        m_turnAlarmChanged = alarmCaptured;
        m_lastTableChanges = nullptr;
        m_lastAgentTable.clear();
        throw;
    }
    if (auto ok = exec(("RELEASE " + name).constData()); !ok)
        throw ok.error();
    --m_userSavepoints;
}

std::optional<AlarmRow> ObjectDatabase::alarm()
{
    sqlite3_stmt *stmt = cached(AlarmGet);
    Reset reset {stmt};
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE)
        return std::nullopt;
    if (rc != SQLITE_ROW)
        throwSqlite(rc, QStringLiteral("Could not read the alarm"));
    return AlarmRow {sqlite3_column_int64(stmt, 0), sqlite3_column_int(stmt, 1)};
}

void ObjectDatabase::setAlarm(qint64 dueMs)
{
    if (!m_alarmsAllowed) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot set an alarm: its class does not override "
                                   "DurableObject::onAlarm, so the alarm could never be handled")
                        .arg(m_label));
    }
    // Anything before 1970 or after year 9999 is a bug in the caller, not a time.
    if (dueMs < 0 || dueMs > 253402300799999LL) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Invalid alarm time %1 ms for %2: expected a time between "
                                   "1970 and 9999")
                        .arg(dueMs)
                        .arg(m_label));
    }
    writeAlarmRow(dueMs, 0);
}

void ObjectDatabase::writeAlarmRow(qint64 dueMs, int retryCount)
{
    sqlite3_stmt *stmt = cached(AlarmSet);
    Reset reset {stmt};
    sqlite3_bind_int64(stmt, 1, dueMs);
    sqlite3_bind_int(stmt, 2, retryCount);
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        throwSqlite(rc, QStringLiteral("Could not set the alarm"));
    m_alarmChanged = true;
    m_turnAlarmChanged = true;
}

void ObjectDatabase::deleteAlarm()
{
    sqlite3_stmt *stmt = cached(AlarmDelete);
    Reset reset {stmt};
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        throwSqlite(rc, QStringLiteral("Could not delete the alarm"));
    m_alarmChanged = true;
    m_turnAlarmChanged = true;
}

} // namespace Durable
