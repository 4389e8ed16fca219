// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>

struct sqlite3_stmt;

namespace Durable {

// One column of the current row as JSON, as every SQL console and SQL result shows it:
// integers exactly (qint64), reals, text, blobs as base64 text, NULL as null.
QJsonValue sqliteColumnJson(sqlite3_stmt *stmt, int column);

} // namespace Durable
