// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/storagetypes.h>

#include "sqlguard.h"

#include <QHash>
#include <QString>

#include <atomic>
#include <chrono>

struct sqlite3;
struct sqlite3_stmt;

namespace Durable {

// Runs SQL text on one object's connection, for ObjectDatabase's SQL face: scripts a statement
// at a time, parameters bound from JSON, rows read back as JSON, and the whole single-statement
// queries seen before kept prepared, apart per mode (statements are authorised when prepared, so
// user SQL must never reuse an engine statement). Its SqlGuard polices user and read-only SQL:
// what it may do, and for how long.
//
// Worker thread only, like its ObjectDatabase; failures throw Durable::Error.
class ObjectSql
{
public:
    ObjectSql() = default;
    ~ObjectSql() { close(); }
    ObjectSql(const ObjectSql &) = delete;
    ObjectSql &operator=(const ObjectSql &) = delete;

    // See ObjectDatabase::setSqlLimits; before open().
    void setLimits(std::chrono::milliseconds budget, const std::atomic<bool> *stopping)
    {
        m_guard.setLimits(budget, stopping);
    }
    // Runs on db (the object's open connection, at path); close() before db closes.
    void open(sqlite3 *db, const QString &path);
    void close();
    // "Class/name": how messages name the object.
    void setLabel(const QString &label) { m_label = label; }

    SqlResult run(const QString &query, const QJsonArray &params, SqlGuard::Mode mode);

private:
    sqlite3_stmt *prepare(const QString &query, const char **tail, const char *start);
    QHash<QString, sqlite3_stmt *> &statementCache(SqlGuard::Mode mode);
    sqlite3_stmt *statement(const QString &query, bool single, const char *start, const char *end,
                            const char **tail, SqlGuard::Mode mode);
    SqlResult runStatement(sqlite3_stmt *stmt, const QString &query, const QJsonArray &params,
                           bool cachedStmt, SqlGuard::Mode mode);
    void finalizeStatements();
    void bindParameters(sqlite3_stmt *stmt, const QJsonArray &params, bool cachedStmt);
    SqlResult stepStatement(sqlite3_stmt *stmt, const QString &query, bool cachedStmt);

    sqlite3 *m_db = nullptr;
    QString m_path;
    QString m_label;
    SqlGuard m_guard;
    QHash<QString, sqlite3_stmt *> m_userStatements;
    QHash<QString, sqlite3_stmt *> m_engineStatements;
};

} // namespace Durable
