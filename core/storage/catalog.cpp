// SPDX-License-Identifier: MIT
#include "catalog.h"

#include <QFile>

#include <sqlite3.h>

namespace Durable {

namespace {

const char s_catalogSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS objects(
    id TEXT PRIMARY KEY, class TEXT NOT NULL, name TEXT,
    created_ms INTEGER NOT NULL DEFAULT 0, last_active_ms INTEGER NOT NULL DEFAULT 0,
    fork_of TEXT, fork_seq INTEGER, last_seq INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_by_class ON objects(class, name);
CREATE TABLE IF NOT EXISTS alarms(
    id TEXT PRIMARY KEY, class TEXT NOT NULL, name TEXT, due_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alarms_by_due ON alarms(due_ms);
CREATE TABLE IF NOT EXISTS alarm_failures(
    id TEXT NOT NULL, class TEXT NOT NULL, message TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agent_steps(
    id TEXT PRIMARY KEY, class TEXT NOT NULL, step TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agent_steps_by_class ON agent_steps(class, step);
CREATE TABLE IF NOT EXISTS human_requests(
    request_id TEXT PRIMARY KEY, object_id TEXT NOT NULL, class TEXT NOT NULL, name TEXT,
    title TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, deadline_ms INTEGER,
    status TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS human_requests_by_status ON human_requests(status, created_ms);
CREATE INDEX IF NOT EXISTS human_requests_by_object ON human_requests(object_id);
CREATE TABLE IF NOT EXISTS pending_work(
    id TEXT NOT NULL, kind TEXT NOT NULL, class TEXT NOT NULL, name TEXT,
    PRIMARY KEY (id, kind)) WITHOUT ROWID;
)sql";

const char *pendingKindName(Catalog::PendingKind kind)
{
    switch (kind) {
    case Catalog::PendingKind::Index:
        return "index";
    case Catalog::PendingKind::Outbox:
        return "outbox";
    }
    return "index";
}

QString text(sqlite3_stmt *stmt, int column)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                             sqlite3_column_bytes(stmt, column));
}

void bind(sqlite3_stmt *stmt, int index, const QString &value)
{
    if (value.isNull()) {
        sqlite3_bind_null(stmt, index);
        return;
    }
    const QByteArray bytes = value.toUtf8();
    sqlite3_bind_text(stmt, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
}

struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

} // namespace

Catalog::~Catalog()
{
    close();
}

Error Catalog::error(int code, const QString &what) const
{
    // A damaged file is not a passing storage error: the engine rebuilds the catalog from the
    // object files when it sees Corrupt.
    const int primary = code & 0xff;
    const ErrorCode kind = primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
                               ? ErrorCode::Corrupt
                               : ErrorCode::StorageError;
    return Error(kind, QStringLiteral("%1 in the catalog %2: %3")
                           .arg(what, m_path,
                                m_db ? QString::fromUtf8(sqlite3_errmsg(m_db))
                                     : QString::fromUtf8(sqlite3_errstr(code))))
        .withContext(QStringLiteral("file"), m_path);
}

Result<void> Catalog::exec(const char *sql)
{
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not update"));
    return {};
}

Result<void> Catalog::open(const QString &path)
{
    QMutexLocker lock(&m_mutex);
    m_path = path;
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        const Error e = error(rc, QStringLiteral("Could not open"));
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        return e;
    }
    sqlite3_busy_timeout(m_db, 2000);
    if (auto ok = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !ok)
        return ok;
    if (auto ok = exec(s_catalogSchema); !ok)
        return ok;
    // Catalogs written before the watermark existed gain it; their objects expect a file.
    if (sqlite3_exec(m_db, "SELECT last_seq FROM objects LIMIT 0", nullptr, nullptr, nullptr) !=
        SQLITE_OK)
        return exec("ALTER TABLE objects ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0");
    return check();
}

Result<void> Catalog::check()
{
    // A garbled page often reads fine until a query touches it: look at every page now, at
    // start-up, so damage is found here (and the catalog rebuilt) rather than mid-run.
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "PRAGMA quick_check", -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not check"));
    QStringList problems;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        const QString line = text(s.stmt, 0);
        if (line != QLatin1String("ok"))
            problems.append(line);
    }
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not check"));
    if (!problems.isEmpty()) {
        return Error(ErrorCode::Corrupt,
                     QStringLiteral("The catalog %1 is damaged: %2").arg(m_path, problems.first()))
            .withContext(QStringLiteral("file"), m_path);
    }
    return {};
}

void Catalog::close()
{
    QMutexLocker lock(&m_mutex);
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool Catalog::wasCleanShutdown()
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    if (sqlite3_prepare_v2(m_db, "SELECT value FROM meta WHERE key = 'clean_shutdown'", -1, &s.stmt,
                           nullptr) != SQLITE_OK)
        return false;
    return sqlite3_step(s.stmt) == SQLITE_ROW && sqlite3_column_int(s.stmt, 0) == 1;
}

Result<void> Catalog::setCleanShutdown(bool clean)
{
    QMutexLocker lock(&m_mutex);
    return exec(clean ? "INSERT OR REPLACE INTO meta VALUES ('clean_shutdown', 1)"
                      : "INSERT OR REPLACE INTO meta VALUES ('clean_shutdown', 0)");
}

void Catalog::noteObject(const CatalogObject &object)
{
    QMutexLocker lock(&m_mutex);
    m_pendingObjects.insert(object.id, object);
}

void Catalog::noteActive(const QString &id, qint64 lastActiveMs, qint64 lastSeq)
{
    QMutexLocker lock(&m_mutex);
    m_pendingActive.insert(id, {lastActiveMs, lastSeq});
}

Result<std::optional<qint64>> Catalog::expectedSeq(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "SELECT last_seq FROM objects WHERE id = ?1", -1, &s.stmt,
                                nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read an object"));
    bind(s.stmt, 1, id.toLower());
    rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE)
        return std::optional<qint64>();
    if (rc != SQLITE_ROW)
        return error(rc, QStringLiteral("Could not read an object"));
    return std::optional<qint64>(sqlite3_column_int64(s.stmt, 0));
}

Result<void> Catalog::setExpectedSeq(const QString &id, qint64 seq)
{
    QMutexLocker lock(&m_mutex);
    // A buffered watermark from before would undo this one at the next flush.
    m_pendingActive.remove(id);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "UPDATE objects SET last_seq = ?2 WHERE id = ?1", -1, &s.stmt,
                                nullptr);
    if (rc == SQLITE_OK) {
        bind(s.stmt, 1, id.toLower());
        sqlite3_bind_int64(s.stmt, 2, seq);
        rc = sqlite3_step(s.stmt);
    }
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not record an object's repair"));
    return {};
}

void Catalog::removeAlarmHint(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    m_pendingAlarmRemovals.insert(id);
}

void Catalog::recordAlarmGivenUp(const QString &id, const QString &className,
                                 const QString &message)
{
    QMutexLocker lock(&m_mutex);
    m_pendingGiveUps.append({id, className, message});
}

Result<void> Catalog::flush()
{
    QMutexLocker lock(&m_mutex);
    if (!m_db)
        return {};
    if (m_pendingObjects.isEmpty() && m_pendingActive.isEmpty() &&
        m_pendingAlarmRemovals.isEmpty() && m_pendingGiveUps.isEmpty())
        return {};
    if (auto ok = exec("BEGIN"); !ok)
        return ok;
    Statement insert, active, removeAlarm, giveUp;
    sqlite3_prepare_v2(m_db,
                       "INSERT INTO objects(id, class, name, created_ms, last_active_ms) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
                       "name = coalesce(excluded.name, name), "
                       "last_active_ms = max(last_active_ms, excluded.last_active_ms), "
                       "last_seq = max(last_seq, 0)",
                       -1, &insert.stmt, nullptr);
    sqlite3_prepare_v2(m_db,
                       "UPDATE objects SET last_active_ms = max(last_active_ms, ?2), "
                       "last_seq = max(last_seq, ?3) WHERE id = ?1",
                       -1, &active.stmt, nullptr);
    sqlite3_prepare_v2(m_db, "DELETE FROM alarms WHERE id = ?1", -1, &removeAlarm.stmt, nullptr);
    sqlite3_prepare_v2(
        m_db, "INSERT INTO alarm_failures VALUES (?1, ?2, ?3, strftime('%s','now') * 1000)", -1,
        &giveUp.stmt, nullptr);
    int rc = SQLITE_DONE;
    for (const CatalogObject &o : std::as_const(m_pendingObjects)) {
        bind(insert.stmt, 1, o.id);
        bind(insert.stmt, 2, o.className);
        bind(insert.stmt, 3, o.name);
        sqlite3_bind_int64(insert.stmt, 4, o.createdMs);
        sqlite3_bind_int64(insert.stmt, 5, o.lastActiveMs);
        if ((rc = sqlite3_step(insert.stmt)) != SQLITE_DONE)
            break;
        sqlite3_reset(insert.stmt);
    }
    for (auto it = m_pendingActive.cbegin(); rc == SQLITE_DONE && it != m_pendingActive.cend();
         ++it) {
        bind(active.stmt, 1, it.key());
        sqlite3_bind_int64(active.stmt, 2, it.value().lastActiveMs);
        sqlite3_bind_int64(active.stmt, 3, it.value().lastSeq);
        rc = sqlite3_step(active.stmt);
        sqlite3_reset(active.stmt);
    }
    for (auto it = m_pendingAlarmRemovals.cbegin();
         rc == SQLITE_DONE && it != m_pendingAlarmRemovals.cend(); ++it) {
        bind(removeAlarm.stmt, 1, *it);
        rc = sqlite3_step(removeAlarm.stmt);
        sqlite3_reset(removeAlarm.stmt);
    }
    for (const QStringList &g : std::as_const(m_pendingGiveUps)) {
        if (rc != SQLITE_DONE)
            break;
        for (int i = 0; i < 3; ++i)
            bind(giveUp.stmt, i + 1, g.at(i));
        rc = sqlite3_step(giveUp.stmt);
        sqlite3_reset(giveUp.stmt);
    }
    if (rc != SQLITE_DONE) {
        const Error e = error(rc, QStringLiteral("Could not record objects"));
        (void)exec("ROLLBACK");
        return e; // the pending rows stay buffered and go out with the next flush
    }
    if (auto ok = exec("COMMIT"); !ok) {
        (void)exec("ROLLBACK");
        return ok;
    }
    m_pendingObjects.clear();
    m_pendingActive.clear();
    m_pendingAlarmRemovals.clear();
    m_pendingGiveUps.clear();
    return {};
}

Result<void> Catalog::writeAlarmHints(const QList<AlarmHint> &hints)
{
    QMutexLocker lock(&m_mutex);
    if (auto ok = exec("BEGIN"); !ok)
        return ok;
    Statement s;
    sqlite3_prepare_v2(
        m_db, "INSERT OR REPLACE INTO alarms(id, class, name, due_ms) VALUES (?1, ?2, ?3, ?4)", -1,
        &s.stmt, nullptr);
    for (const AlarmHint &h : hints) {
        // A newer hint supersedes a pending removal of the same object.
        m_pendingAlarmRemovals.remove(h.id);
        bind(s.stmt, 1, h.id);
        bind(s.stmt, 2, h.className);
        bind(s.stmt, 3, h.name);
        sqlite3_bind_int64(s.stmt, 4, h.dueMs);
        const int rc = sqlite3_step(s.stmt);
        sqlite3_reset(s.stmt);
        if (rc != SQLITE_DONE) {
            const Error e = error(rc, QStringLiteral("Could not record an alarm"));
            (void)exec("ROLLBACK");
            return e;
        }
    }
    return exec("COMMIT");
}

Result<QList<AlarmHint>> Catalog::alarmHints()
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "SELECT id, class, name, due_ms FROM alarms ORDER BY due_ms",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read alarms"));
    QList<AlarmHint> hints;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        hints.append({text(s.stmt, 0), text(s.stmt, 1),
                      sqlite3_column_type(s.stmt, 2) == SQLITE_NULL ? QString() : text(s.stmt, 2),
                      sqlite3_column_int64(s.stmt, 3)});
    }
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not read alarms"));
    return hints;
}

Result<QSet<QString>> Catalog::objectIds()
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "SELECT id FROM objects", -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read objects"));
    QSet<QString> ids;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW)
        ids.insert(text(s.stmt, 0));
    for (auto it = m_pendingObjects.cbegin(); it != m_pendingObjects.cend(); ++it)
        ids.insert(it.key());
    return ids;
}

Result<QList<CatalogObject>> Catalog::objects(const QString &className, int offset, int limit,
                                              const QString &contains)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    // ?1 class or NULL, ?4 a LIKE pattern or NULL; NULL disables its condition.
    const char *sql =
        "SELECT id, class, name, created_ms, last_active_ms, fork_of, fork_seq FROM objects "
        "WHERE (?1 IS NULL OR class = ?1) "
        "AND (?4 IS NULL OR name LIKE ?4 ESCAPE '\\' OR id LIKE ?4 ESCAPE '\\') "
        "ORDER BY class, name, id LIMIT ?2 OFFSET ?3";
    int rc = sqlite3_prepare_v2(m_db, sql, -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not list objects"));
    if (!className.isEmpty())
        bind(s.stmt, 1, className);
    sqlite3_bind_int(s.stmt, 2, limit);
    sqlite3_bind_int(s.stmt, 3, offset);
    if (!contains.isEmpty()) {
        QString escaped = contains;
        escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        bind(s.stmt, 4, QLatin1Char('%') + escaped + QLatin1Char('%'));
    }
    QList<CatalogObject> result;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        result.append(
            {text(s.stmt, 0), text(s.stmt, 1),
             sqlite3_column_type(s.stmt, 2) == SQLITE_NULL ? QString() : text(s.stmt, 2),
             sqlite3_column_int64(s.stmt, 3), sqlite3_column_int64(s.stmt, 4),
             sqlite3_column_type(s.stmt, 5) == SQLITE_NULL ? QString() : text(s.stmt, 5),
             sqlite3_column_type(s.stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(s.stmt, 6)});
    }
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not list objects"));
    return result;
}

Result<CatalogObject> Catalog::object(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db,
                                "SELECT id, class, name, created_ms, last_active_ms, fork_of, "
                                "fork_seq FROM objects WHERE id = ?1",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read an object"));
    bind(s.stmt, 1, id.toLower());
    rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE)
        return Error(ErrorCode::NotFound, QStringLiteral("No object with id %1").arg(id));
    if (rc != SQLITE_ROW)
        return error(rc, QStringLiteral("Could not read an object"));
    return CatalogObject {
        text(s.stmt, 0),
        text(s.stmt, 1),
        sqlite3_column_type(s.stmt, 2) == SQLITE_NULL ? QString() : text(s.stmt, 2),
        sqlite3_column_int64(s.stmt, 3),
        sqlite3_column_int64(s.stmt, 4),
        sqlite3_column_type(s.stmt, 5) == SQLITE_NULL ? QString() : text(s.stmt, 5),
        sqlite3_column_type(s.stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(s.stmt, 6)};
}

Result<void> Catalog::setFork(const QString &id, const QString &forkOf, qint64 forkSeq)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    if (int rc = sqlite3_prepare_v2(m_db,
                                    "UPDATE objects SET fork_of = ?2, fork_seq = ?3 WHERE id = ?1",
                                    -1, &s.stmt, nullptr);
        rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not record a fork"));
    bind(s.stmt, 1, id);
    bind(s.stmt, 2, forkOf);
    sqlite3_bind_int64(s.stmt, 3, forkSeq);
    if (int rc = sqlite3_step(s.stmt); rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not record a fork"));
    return {};
}

Result<QSet<QString>> Catalog::failedAlarmIds()
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    // An alarm set after the give-up clears the failure.
    int rc = sqlite3_prepare_v2(
        m_db, "SELECT DISTINCT id FROM alarm_failures WHERE id NOT IN (SELECT id FROM alarms)", -1,
        &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read alarm failures"));
    QSet<QString> ids;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW)
        ids.insert(text(s.stmt, 0));
    return ids;
}

Result<qint64> Catalog::objectCount()
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    if (int rc = sqlite3_prepare_v2(m_db, "SELECT count(*) FROM objects", -1, &s.stmt, nullptr);
        rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not count objects"));
    sqlite3_step(s.stmt);
    return qint64(sqlite3_column_int64(s.stmt, 0)) + 0;
}

// --- Agents (issue 5) ---

Result<void> Catalog::writeAgentStep(const QString &id, const QString &className,
                                     const QString &step)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    const char *sql =
        step.isEmpty() ? "DELETE FROM agent_steps WHERE id = ?1"
                       : "INSERT OR REPLACE INTO agent_steps(id, class, step) VALUES (?1, ?2, ?3)";
    int rc = sqlite3_prepare_v2(m_db, sql, -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not record a workflow step"));
    bind(s.stmt, 1, id.toLower());
    if (!step.isEmpty()) {
        bind(s.stmt, 2, className);
        bind(s.stmt, 3, step);
    }
    if ((rc = sqlite3_step(s.stmt)) != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not record a workflow step"));
    return {};
}

Result<QString> Catalog::agentStep(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "SELECT step FROM agent_steps WHERE id = ?1", -1, &s.stmt,
                                nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read a workflow step"));
    bind(s.stmt, 1, id.toLower());
    rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_ROW)
        return text(s.stmt, 0);
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not read a workflow step"));
    return QString();
}

Result<QHash<QString, qint64>> Catalog::agentStepCounts(const QString &className)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db,
                                "SELECT step, count(*) FROM agent_steps WHERE class = ?1 "
                                "GROUP BY step",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not count workflow steps"));
    bind(s.stmt, 1, className);
    QHash<QString, qint64> counts;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW)
        counts.insert(text(s.stmt, 0), sqlite3_column_int64(s.stmt, 1));
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not count workflow steps"));
    return counts;
}

Result<QHash<QString, QString>> Catalog::agentSteps(const QString &className)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    const char *sql = className.isEmpty() ? "SELECT id, step FROM agent_steps"
                                          : "SELECT id, step FROM agent_steps WHERE class = ?1";
    int rc = sqlite3_prepare_v2(m_db, sql, -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read workflow steps"));
    if (!className.isEmpty())
        bind(s.stmt, 1, className);
    QHash<QString, QString> steps;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW)
        steps.insert(text(s.stmt, 0), text(s.stmt, 1));
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not read workflow steps"));
    return steps;
}

Result<void> Catalog::writeHumanRequestHint(const HumanRequestHint &hint)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(
        m_db,
        "INSERT OR REPLACE INTO human_requests(request_id, object_id, class, "
        "name, title, created_ms, deadline_ms, status) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not index a human request"));
    bind(s.stmt, 1, hint.requestId);
    bind(s.stmt, 2, hint.objectId.toLower());
    bind(s.stmt, 3, hint.className);
    bind(s.stmt, 4, hint.name);
    bind(s.stmt, 5, hint.title.isNull() ? QStringLiteral("") : hint.title);
    sqlite3_bind_int64(s.stmt, 6, hint.createdMs);
    if (hint.deadlineMs >= 0)
        sqlite3_bind_int64(s.stmt, 7, hint.deadlineMs);
    else
        sqlite3_bind_null(s.stmt, 7);
    bind(s.stmt, 8, hint.status.isEmpty() ? QStringLiteral("pending") : hint.status);
    if ((rc = sqlite3_step(s.stmt)) != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not index a human request"));
    return {};
}

Result<void> Catalog::setHumanRequestHintStatus(const QString &requestId, const QString &status)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "UPDATE human_requests SET status = ?2 WHERE request_id = ?1",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not update a human request"));
    bind(s.stmt, 1, requestId);
    bind(s.stmt, 2, status);
    if ((rc = sqlite3_step(s.stmt)) != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not update a human request"));
    return {};
}

Result<void> Catalog::removeHumanRequestHint(const QString &requestId)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "DELETE FROM human_requests WHERE request_id = ?1", -1,
                                &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not remove a human request"));
    bind(s.stmt, 1, requestId);
    if ((rc = sqlite3_step(s.stmt)) != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not remove a human request"));
    return {};
}

namespace {

Catalog::HumanRequestHint humanRequestHintRow(sqlite3_stmt *stmt)
{
    Catalog::HumanRequestHint hint;
    hint.requestId = text(stmt, 0);
    hint.objectId = text(stmt, 1);
    hint.className = text(stmt, 2);
    hint.name = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? QString() : text(stmt, 3);
    hint.title = text(stmt, 4);
    hint.createdMs = sqlite3_column_int64(stmt, 5);
    hint.deadlineMs = sqlite3_column_type(stmt, 6) == SQLITE_NULL ? -1
                                                                  : sqlite3_column_int64(stmt, 6);
    hint.status = text(stmt, 7);
    return hint;
}

} // namespace

Result<Catalog::HumanRequestHint> Catalog::humanRequestHint(const QString &requestId)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db,
                                "SELECT request_id, object_id, class, name, title, created_ms, "
                                "deadline_ms, status FROM human_requests WHERE request_id = ?1",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read a human request"));
    bind(s.stmt, 1, requestId);
    rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE) {
        return Error(ErrorCode::NotFound,
                     QStringLiteral("No human request with id \"%1\"").arg(requestId));
    }
    if (rc != SQLITE_ROW)
        return error(rc, QStringLiteral("Could not read a human request"));
    return humanRequestHintRow(s.stmt);
}

Result<QList<Catalog::HumanRequestHint>> Catalog::humanRequestHints(const QString &className,
                                                                    const QString &status)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db,
                                "SELECT request_id, object_id, class, name, title, created_ms, "
                                "deadline_ms, status FROM human_requests "
                                "WHERE (?1 IS NULL OR class = ?1) AND (?2 IS NULL OR status = ?2) "
                                "ORDER BY created_ms, request_id",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not list human requests"));
    bind(s.stmt, 1, className.isEmpty() ? QString() : className);
    bind(s.stmt, 2, status.isEmpty() ? QString() : status);
    QList<HumanRequestHint> hints;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW)
        hints.append(humanRequestHintRow(s.stmt));
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not list human requests"));
    return hints;
}

Result<QHash<QString, int>> Catalog::pendingHumanRequestCounts()
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db,
                                "SELECT object_id, count(*) FROM human_requests "
                                "WHERE status = 'pending' GROUP BY object_id",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not count human requests"));
    QHash<QString, int> counts;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW)
        counts.insert(text(s.stmt, 0), sqlite3_column_int(s.stmt, 1));
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not count human requests"));
    return counts;
}

Result<void> Catalog::markPending(PendingKind kind, const QString &id, const QString &className,
                                  const QString &name)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(
        m_db, "INSERT OR IGNORE INTO pending_work(id, kind, class, name) VALUES (?1, ?2, ?3, ?4)",
        -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not note pending work"));
    bind(s.stmt, 1, id.toLower());
    sqlite3_bind_text(s.stmt, 2, pendingKindName(kind), -1, SQLITE_STATIC);
    bind(s.stmt, 3, className);
    bind(s.stmt, 4, name);
    if ((rc = sqlite3_step(s.stmt)) != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not note pending work"));
    return {};
}

Result<void> Catalog::clearPending(PendingKind kind, const QString &id)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "DELETE FROM pending_work WHERE id = ?1 AND kind = ?2", -1,
                                &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not clear pending work"));
    bind(s.stmt, 1, id.toLower());
    sqlite3_bind_text(s.stmt, 2, pendingKindName(kind), -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(s.stmt)) != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not clear pending work"));
    return {};
}

Result<QList<AlarmHint>> Catalog::pending(PendingKind kind)
{
    QMutexLocker lock(&m_mutex);
    Statement s;
    int rc = sqlite3_prepare_v2(m_db, "SELECT id, class, name FROM pending_work WHERE kind = ?1",
                                -1, &s.stmt, nullptr);
    if (rc != SQLITE_OK)
        return error(rc, QStringLiteral("Could not read pending work"));
    sqlite3_bind_text(s.stmt, 1, pendingKindName(kind), -1, SQLITE_STATIC);
    QList<AlarmHint> objects;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        objects.append({text(s.stmt, 0), text(s.stmt, 1),
                        sqlite3_column_type(s.stmt, 2) == SQLITE_NULL ? QString() : text(s.stmt, 2),
                        0});
    }
    if (rc != SQLITE_DONE)
        return error(rc, QStringLiteral("Could not read pending work"));
    return objects;
}

} // namespace Durable
