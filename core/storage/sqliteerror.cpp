// SPDX-License-Identifier: MIT
#include "sqliteerror.h"

#include <sqlite3.h>

namespace Durable {

bool isSqliteCorruption(int sqliteCode)
{
    const int primary = sqliteCode & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

Error sqliteError(sqlite3 *db, int code, const QString &what, const QString &path,
                  const QString &label)
{
    const QString detail = db ? QString::fromUtf8(sqlite3_errmsg(db))
                              : QString::fromUtf8(sqlite3_errstr(code));
    ErrorCode errorCode = ErrorCode::StorageError;
    if (isSqliteCorruption(code))
        errorCode = ErrorCode::Corrupt;
    else if ((code & 0xff) == SQLITE_TOOBIG)
        errorCode = ErrorCode::LimitExceeded;
    const QString message = errorCode == ErrorCode::Corrupt
                                ? QStringLiteral(
                                      "the file %1 of %2 is damaged or not a database (%3)")
                                      .arg(path, label, detail)
                                : QStringLiteral("%1 of %2: %3").arg(what, label, detail);
    Error error(errorCode, message);
    error.withContext(QStringLiteral("file"), path);
    error.withContext(QStringLiteral("sqlite"), code);
    return error;
}

} // namespace Durable
