// SPDX-License-Identifier: MIT
#include "objectschema.h"

#include <QFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sqlite3.h>

namespace Durable::ObjectSchema {

namespace {

const char s_schema[] = R"sql(
CREATE TABLE IF NOT EXISTS _durable_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _durable_kv(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _durable_alarm(slot INTEGER PRIMARY KEY CHECK (slot = 1),
    due_ms INTEGER NOT NULL, retry_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS _durable_journal(seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL,
    duration_us INTEGER NOT NULL, trigger TEXT NOT NULL, method TEXT, input TEXT, output TEXT,
    changes TEXT, alarm TEXT, messages TEXT);
CREATE TABLE IF NOT EXISTS _durable_snapshots(seq INTEGER PRIMARY KEY, kv TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _durable_journal_sql(seq INTEGER NOT NULL, tbl TEXT NOT NULL,
    op TEXT NOT NULL, row INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _durable_journal_sql_by_seq ON _durable_journal_sql(seq);
CREATE TABLE IF NOT EXISTS _durable_failures(id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL,
    duration_us INTEGER NOT NULL, trigger TEXT NOT NULL, method TEXT, input TEXT,
    error TEXT NOT NULL, after_seq INTEGER NOT NULL);
)sql";

// The file header's format numbers (bytes 18 and 19): 2 is a WAL database. SQLite sets them when
// a file switches to WAL; an image built in memory gets them here.
constexpr int WriteVersionOffset = 18;
constexpr int ReadVersionOffset = 19;

QByteArray buildImage()
{
    sqlite3 *db = nullptr;
    QByteArray bytes;
    const QByteArray script = QByteArray("PRAGMA page_size=4096; BEGIN;") + s_schema +
                              "PRAGMA user_version=" + QByteArray::number(Version) + "; COMMIT;";
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
            SQLITE_OK &&
        sqlite3_exec(db, script.constData(), nullptr, nullptr, nullptr) == SQLITE_OK) {
        sqlite3_int64 size = 0;
        if (unsigned char *data = sqlite3_serialize(db, "main", &size, 0)) {
            bytes = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
            sqlite3_free(data);
        }
    }
    sqlite3_close(db);
    if (bytes.size() > ReadVersionOffset) {
        bytes[WriteVersionOffset] = 2;
        bytes[ReadVersionOffset] = 2;
    }
    return bytes;
}

} // namespace

const char *sql()
{
    return s_schema;
}

const QByteArray &image()
{
    static const QByteArray bytes = buildImage();
    return bytes;
}

Result<void> writeImage(const QString &path)
{
    const QByteArray &bytes = image();
    if (bytes.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("Could not build the storage image for new objects"));
    // Written beside and renamed into place, so a crash never leaves half an image under the
    // object's name (a leftover ".creating" file is overwritten by the next attempt).
    const QString staging = path + QStringLiteral(".creating");
    QFile file(staging);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not create %1: %2").arg(staging, file.errorString()));
    }
    const bool written = file.write(bytes) == bytes.size() && file.flush();
    const QString why = file.errorString();
    file.close();
    if (!written || std::rename(QFile::encodeName(staging).constData(),
                                QFile::encodeName(path).constData()) != 0) {
        const QString reason = written ? QString::fromLocal8Bit(std::strerror(errno)) : why;
        QFile::remove(staging);
        return Error(ErrorCode::Io, QStringLiteral("Could not create %1: %2").arg(path, reason));
    }
    return {};
}

} // namespace Durable::ObjectSchema
