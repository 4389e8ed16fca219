// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QByteArray>
#include <QString>

namespace Durable::ObjectSchema {

// The storage format of an object's file (PRAGMA user_version once its schema is written).
constexpr int Version = 1;

// The statements that build an object's file: its key/value table, alarm, journal, snapshots,
// failures and identity (_durable_meta).
const char *sql();

// A new object's file before its identity: the schema at Version, in WAL mode, as bytes. Built
// once per process in memory (sqlite3_serialize); any thread.
const QByteArray &image();

// Writes image() as a new file at path (refused if one exists). Creating an object this way is
// one write instead of running the schema through the WAL; the identity is written when the file
// is opened (ObjectDatabase::open). A file left without its identity by a crash is completed the
// same way on its next open. Removes what it wrote if the write fails.
Result<void> writeImage(const QString &path);

} // namespace Durable::ObjectSchema
