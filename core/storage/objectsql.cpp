// SPDX-License-Identifier: MIT
#include "objectsql.h"

#include "sqlitecolumn.h"
#include "sqliteerror.h"

#include <durable/core/jsontext.h>

#include <QJsonArray>

#include <sqlite3.h>

namespace Durable {

namespace {

void bindText(sqlite3_stmt *stmt, int index, const QByteArray &bytes)
{
    sqlite3_bind_text(stmt, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
}

// Whitespace and empty statements between the statements of a script.
const char *skipStatementSeparators(const char *cursor, const char *end)
{
    while (cursor < end && (*cursor == ' ' || *cursor == '\n' || *cursor == '\t' ||
                            *cursor == '\r' || *cursor == ';'))
        ++cursor;
    return cursor;
}

// JSON to SQLite: integral numbers as integers, objects and arrays as JSON text.
void bindValue(sqlite3_stmt *stmt, int index, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        sqlite3_bind_int(stmt, index, value.toBool() ? 1 : 0);
        break;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == double(qint64(d)))
            sqlite3_bind_int64(stmt, index, qint64(d));
        else
            sqlite3_bind_double(stmt, index, d);
        break;
    }
    case QJsonValue::String:
        bindText(stmt, index, value.toString().toUtf8());
        break;
    case QJsonValue::Array:
    case QJsonValue::Object:
        bindText(stmt, index, JsonText::serialize(value));
        break;
    default:
        sqlite3_bind_null(stmt, index);
    }
}

} // namespace

void ObjectSql::open(sqlite3 *db, const QString &path)
{
    m_db = db;
    m_path = path;
    m_guard.install(db);
}

void ObjectSql::close()
{
    finalizeStatements();
    m_db = nullptr;
}

sqlite3_stmt *ObjectSql::prepare(const QString &query, const char **tail, const char *start)
{
    sqlite3_stmt *stmt = nullptr;
    m_guard.beginPrepare();
    const int rc = sqlite3_prepare_v2(m_db, start, -1, &stmt, tail);
    const QByteArrayView text(start, rc == SQLITE_OK && *tail ? *tail - start : qstrlen(start));
    const std::optional<Error> refused = m_guard.refusal(text, rc == SQLITE_OK);
    if (rc == SQLITE_OK && !refused)
        return stmt;
    sqlite3_finalize(stmt);
    if (refused) {
        throw Error(refused->code(),
                    QStringLiteral("SQL refused on %1: %2").arg(m_label, refused->message()))
            .withContext(QStringLiteral("query"), query.left(500));
    }
    throw Error(ErrorCode::SqlError, QStringLiteral("Invalid SQL on %1: %2")
                                         .arg(m_label, QString::fromUtf8(sqlite3_errmsg(m_db))))
        .withContext(QStringLiteral("query"), query.left(500));
}

SqlResult ObjectSql::run(const QString &query, const QJsonArray &params, SqlGuard::Mode mode)
{
    // Cached statements were authorised in the mode that prepared them: keep the modes apart.
    // User and inspection SQL also run on the time budget; the engine's own does not.
    const SqlGuard::Scope guarded(m_guard, mode);
    // The common case, a whole statement run before: no conversion, no parsing.
    if (mode != SqlGuard::Mode::ReadOnly) {
        if (sqlite3_stmt *stmt = statementCache(mode).value(query))
            return runStatement(stmt, query, params, true, mode);
    }
    const QByteArray text = query.toUtf8();
    SqlResult result;
    const char *cursor = text.constData();
    const char *end = text.constData() + text.size();
    bool first = true;
    while (cursor < end) {
        // One statement at a time, so scripts work.
        const char *stmtStart = skipStatementSeparators(cursor, end);
        if (stmtStart >= end)
            break;
        // Only a query that is one whole statement is cached (the read-only console never is).
        const bool single = first && mode != SqlGuard::Mode::ReadOnly;
        const char *tail = nullptr;
        sqlite3_stmt *stmt = statement(query, single, stmtStart, end, &tail, mode);
        if (!stmt) // whitespace or a comment only
            break;
        const bool cachedStmt = single && statementCache(mode).value(query) == stmt;
        first = false;
        const bool isLast = !tail || QByteArrayView(tail, end - tail).trimmed().isEmpty() ||
                            QByteArrayView(tail, end - tail).trimmed() == ";";
        SqlResult current = runStatement(stmt, query, params, cachedStmt, mode);
        result.rowsRead += current.rowsRead;
        result.rowsWritten += current.rowsWritten;
        result.columns = std::move(current.columns);
        result.rows = std::move(current.rows);
        if (isLast)
            break;
        cursor = tail;
    }
    return result;
}

// Binds, checks the mode allows it, and steps one prepared statement.
SqlResult ObjectSql::runStatement(sqlite3_stmt *stmt, const QString &query,
                                  const QJsonArray &params, bool cachedStmt, SqlGuard::Mode mode)
{
    bindParameters(stmt, params, cachedStmt);
    const bool readOnly = sqlite3_stmt_readonly(stmt);
    if (mode == SqlGuard::Mode::ReadOnly && !readOnly) {
        if (!cachedStmt)
            sqlite3_finalize(stmt);
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("The console is read-only; this statement would change %1")
                        .arg(m_label));
    }
    SqlResult current = stepStatement(stmt, query, cachedStmt);
    current.rowsRead = current.rows.size();
    if (!readOnly)
        current.rowsWritten = sqlite3_changes(m_db);
    return current;
}

QHash<QString, sqlite3_stmt *> &ObjectSql::statementCache(SqlGuard::Mode mode)
{
    return mode == SqlGuard::Mode::Engine ? m_engineStatements : m_userStatements;
}

void ObjectSql::finalizeStatements()
{
    for (QHash<QString, sqlite3_stmt *> *cache : {&m_userStatements, &m_engineStatements}) {
        for (sqlite3_stmt *stmt : std::as_const(*cache))
            sqlite3_finalize(stmt);
        cache->clear();
    }
}

// The statement starting at start: from the cache for a single-statement query seen before,
// otherwise prepared (and cached if it is the whole query). Null for a comment only.
sqlite3_stmt *ObjectSql::statement(const QString &query, bool single, const char *start,
                                   const char *end, const char **tail, SqlGuard::Mode mode)
{
    QHash<QString, sqlite3_stmt *> &cache = statementCache(mode);
    auto it = single ? cache.find(query) : cache.end();
    if (it != cache.end()) {
        *tail = end;
        return it.value();
    }
    sqlite3_stmt *stmt = prepare(query, tail, start);
    if (!stmt)
        return nullptr;
    if (single && *tail &&
        (*tail == end || QByteArrayView(*tail, end - *tail).trimmed().isEmpty())) {
        if (cache.size() >= 64) {
            for (sqlite3_stmt *old : std::as_const(cache))
                sqlite3_finalize(old);
            cache.clear();
        }
        cache.insert(query, stmt);
    }
    return stmt;
}

// Binds params in order; a statement that needs more than were given is finalized (unless
// cached) and refused.
void ObjectSql::bindParameters(sqlite3_stmt *stmt, const QJsonArray &params, bool cachedStmt)
{
    const int paramCount = sqlite3_bind_parameter_count(stmt);
    if (paramCount > 0 && paramCount > params.size()) {
        if (!cachedStmt)
            sqlite3_finalize(stmt);
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("SQL on %1 expects %2 parameters, got %3")
                        .arg(m_label)
                        .arg(paramCount)
                        .arg(params.size()));
    }
    for (int i = 0; i < paramCount; ++i)
        bindValue(stmt, i + 1, params.at(i));
}

// Steps stmt to the end, collecting its rows; then resets it for reuse (cached) or finalizes
// it, and throws if a step failed.
SqlResult ObjectSql::stepStatement(sqlite3_stmt *stmt, const QString &query, bool cachedStmt)
{
    SqlResult current;
    const int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c)
        current.columns.append(QString::fromUtf8(sqlite3_column_name(stmt, c)));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        QJsonArray row;
        for (int c = 0; c < columns; ++c)
            row.append(sqliteColumnJson(stmt, c));
        current.rows.append(row);
    }
    // The message is read before the reset, and only on failure: this runs for every statement.
    const QString message = rc == SQLITE_DONE ? QString() : QString::fromUtf8(sqlite3_errmsg(m_db));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (!cachedStmt)
        sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        if (isSqliteCorruption(rc))
            throw sqliteError(m_db, rc, QStringLiteral("SQL failed"), m_path, m_label);
        if ((rc & 0xff) == SQLITE_INTERRUPT) {
            if (const std::optional<Error> interrupted = m_guard.interruption(m_label))
                throw Error(*interrupted).withContext(QStringLiteral("query"), query.left(500));
        }
        throw Error(ErrorCode::SqlError,
                    QStringLiteral("SQL failed on %1: %2").arg(m_label, message))
            .withContext(QStringLiteral("query"), query.left(500));
    }
    return current;
}

} // namespace Durable
