// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

struct sqlite3;

namespace Durable {

// Whether a SQLite result code says the file is damaged or not a database.
bool isSqliteCorruption(int sqliteCode);

// The Error for a failed SQLite call on an object's file: Corrupt for a damaged file (naming
// it), LimitExceeded for a value too big, StorageError otherwise; with SQLite's own message and
// the file and code as context. db may be null (the file did not open).
Error sqliteError(sqlite3 *db, int code, const QString &what, const QString &path,
                  const QString &label);

} // namespace Durable
