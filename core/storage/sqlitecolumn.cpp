// SPDX-License-Identifier: MIT
#include "sqlitecolumn.h"

#include <QByteArray>
#include <QString>

#include <sqlite3.h>

namespace Durable {

QJsonValue sqliteColumnJson(sqlite3_stmt *stmt, int column)
{
    switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
        return qint64(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, column);
    case SQLITE_TEXT:
        return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                                 sqlite3_column_bytes(stmt, column));
    case SQLITE_BLOB: {
        const QByteArray blob(static_cast<const char *>(sqlite3_column_blob(stmt, column)),
                              sqlite3_column_bytes(stmt, column));
        return QString::fromLatin1(blob.toBase64());
    }
    default:
        return QJsonValue::Null;
    }
}

} // namespace Durable
