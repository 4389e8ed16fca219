// SPDX-License-Identifier: MIT
#include "usertables.h"

#include "objectdatabase.h"

#include <durable/core/error.h>

#include <sqlite3.h>

namespace Durable {

namespace {

struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

[[noreturn]] void fail(ObjectDatabase &db, const QString &what)
{
    throw Error(ErrorCode::StorageError,
                QStringLiteral("%1 of %2: %3")
                    .arg(what, db.label(), QString::fromUtf8(sqlite3_errmsg(db.handle()))));
}

void prepare(ObjectDatabase &db, Statement &s, const QByteArray &sql, const QString &what)
{
    if (sqlite3_prepare_v2(db.handle(), sql.constData(), int(sql.size()), &s.stmt, nullptr) !=
        SQLITE_OK)
        fail(db, what);
}

QByteArray quoted(const QByteArray &name)
{
    return '"' + QByteArray(name).replace('"', "\"\"") + '"';
}

QByteArray columnBytes(sqlite3_stmt *stmt, int column)
{
    return QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                      sqlite3_column_bytes(stmt, column));
}

QVariant columnValue(sqlite3_stmt *stmt, int column)
{
    switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
        return qint64(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, column);
    case SQLITE_TEXT:
        return QString::fromUtf8(columnBytes(stmt, column));
    case SQLITE_BLOB:
        return QByteArray(static_cast<const char *>(sqlite3_column_blob(stmt, column)),
                          sqlite3_column_bytes(stmt, column));
    default:
        return QVariant();
    }
}

void bindValue(sqlite3_stmt *stmt, int index, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::LongLong:
        sqlite3_bind_int64(stmt, index, value.toLongLong());
        break;
    case QMetaType::Double:
        sqlite3_bind_double(stmt, index, value.toDouble());
        break;
    case QMetaType::QString: {
        const QByteArray text = value.toString().toUtf8();
        sqlite3_bind_text(stmt, index, text.constData(), int(text.size()), SQLITE_TRANSIENT);
        break;
    }
    case QMetaType::QByteArray: {
        const QByteArray blob = value.toByteArray();
        sqlite3_bind_blob(stmt, index, blob.constData(), int(blob.size()), SQLITE_TRANSIENT);
        break;
    }
    default:
        sqlite3_bind_null(stmt, index);
    }
}

void exec(ObjectDatabase &db, const QByteArray &sql, const QString &what)
{
    if (sqlite3_exec(db.handle(), sql.constData(), nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(db, what);
}

} // namespace

UserTables UserTables::read(ObjectDatabase &db)
{
    UserTables copy;
    Statement schema;
    // Shadow tables (an FTS index's storage) come with their virtual table.
    prepare(
        db, schema,
        "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL "
        "AND name NOT LIKE '\\_durable\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow') "
        "ORDER BY rowid",
        QStringLiteral("Could not read the SQL schema"));
    int rc;
    while ((rc = sqlite3_step(schema.stmt)) == SQLITE_ROW) {
        if (columnBytes(schema.stmt, 0) == "table")
            copy.m_tables.append({columnBytes(schema.stmt, 1), columnBytes(schema.stmt, 2), {}});
        else
            copy.m_others.append(columnBytes(schema.stmt, 2));
    }
    if (rc != SQLITE_DONE)
        fail(db, QStringLiteral("Could not read the SQL schema"));
    for (Table &table : copy.m_tables) {
        const QString what =
            QStringLiteral("Could not read table %1").arg(QString::fromUtf8(table.name));
        Statement rows;
        prepare(db, rows, "SELECT * FROM " + quoted(table.name), what);
        const int columns = sqlite3_column_count(rows.stmt);
        while ((rc = sqlite3_step(rows.stmt)) == SQLITE_ROW) {
            QVariantList row;
            row.reserve(columns);
            for (int c = 0; c < columns; ++c)
                row.append(columnValue(rows.stmt, c));
            table.rows.append(row);
        }
        if (rc != SQLITE_DONE)
            fail(db, what);
    }
    return copy;
}

void UserTables::write(ObjectDatabase &db) const
{
    // Rows may reference each other across tables: foreign keys are checked at commit.
    exec(db, "PRAGMA defer_foreign_keys = ON", QStringLiteral("Could not copy SQL tables"));
    for (const Table &table : m_tables) {
        const QString what =
            QStringLiteral("Could not copy table %1").arg(QString::fromUtf8(table.name));
        exec(db, table.create, what);
        if (table.rows.isEmpty())
            continue;
        const qsizetype columns = table.rows.first().size();
        QByteArray insert = "INSERT INTO " + quoted(table.name) + " VALUES (";
        for (qsizetype c = 0; c < columns; ++c)
            insert += c == 0 ? "?" : ", ?";
        insert += ')';
        Statement s;
        prepare(db, s, insert, what);
        for (const QVariantList &row : table.rows) {
            for (qsizetype c = 0; c < row.size(); ++c)
                bindValue(s.stmt, int(c + 1), row.at(c));
            if (sqlite3_step(s.stmt) != SQLITE_DONE)
                fail(db, what);
            sqlite3_reset(s.stmt);
        }
    }
    for (const QByteArray &create : m_others)
        exec(db, create, QStringLiteral("Could not copy the SQL schema"));
}

QStringList UserTables::tableNames() const
{
    QStringList names;
    for (const Table &table : m_tables)
        names.append(QString::fromUtf8(table.name));
    return names;
}

} // namespace Durable
