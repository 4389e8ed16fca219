// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <sqlite3.h>

namespace WranglerTest {

// The object id and V8 bytes Miniflare 3 wrote for idFromName("anna") and the puts below.
inline const QString s_annaId = QStringLiteral(
    "6aff8411491e4f6f1faab549f76bc4881660661cb39d7e7307ca6644a93809e0");

// Writes a wrangler state folder the way workerd leaves it: `<root>/v3/do/<folder>/<id>.sqlite`
// in WAL mode with every write still in the `-wal` (copied while the writer is open), a
// `_cf_KV` table of V8 values, `_cf_METADATA` with the alarm in nanoseconds, and a user table.
// alarmNs < 0: no alarm row; 0: a NULL row (deleted alarm).
inline bool writeObject(const QString &root, const QString &folder, const QString &id,
                        qint64 alarmNs, QString *error)
{
    const QString building = root + QStringLiteral(".building");
    QDir().mkpath(building);
    const QString buildFile = building + QLatin1Char('/') + id + QStringLiteral(".sqlite");
    sqlite3 *db = nullptr;
    auto failed = [&db, error](const char *what) {
        *error = QStringLiteral("%1: %2").arg(QLatin1String(what),
                                              QString::fromUtf8(sqlite3_errmsg(db)));
        sqlite3_close(db);
        return false;
    };
    if (sqlite3_open(buildFile.toUtf8().constData(), &db) != SQLITE_OK)
        return failed("open");
    const QStringList statements {
        QStringLiteral("PRAGMA journal_mode = WAL"),
        QStringLiteral("PRAGMA wal_autocheckpoint = 0"),
        QStringLiteral("PRAGMA synchronous = OFF"),
        QStringLiteral("CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID"),
        QStringLiteral("INSERT INTO _cf_KV VALUES ('greeting', x'ff0f220568656c6c6f'), "
                       "('int', x'ff0f4954'), ('arr', "
                       "x'ff0f41034902220374776f6f2205746872656549067b01240003'), "
                       "('date', x'ff0f4400008056febc7842'), ('broken', x'ff0f6f2201612121')"),
        QStringLiteral("CREATE TABLE candidates (id INTEGER PRIMARY KEY, name TEXT, score REAL)"),
        QStringLiteral("INSERT INTO candidates (name, score) VALUES ('Anna', 8.5), ('Ben', 6)"),
    };
    for (const QString &statement : statements) {
        if (sqlite3_exec(db, statement.toUtf8().constData(), nullptr, nullptr, nullptr) !=
            SQLITE_OK)
            return failed("write");
    }
    if (alarmNs >= 0) {
        const QString metadata =
            QStringLiteral("CREATE TABLE _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB); "
                           "INSERT INTO _cf_METADATA VALUES (1, %1)")
                .arg(alarmNs > 0 ? QString::number(alarmNs) : QStringLiteral("NULL"));
        if (sqlite3_exec(db, metadata.toUtf8().constData(), nullptr, nullptr, nullptr) != SQLITE_OK)
            return failed("alarm");
    }
    const QString target = root + QStringLiteral("/v3/do/") + folder;
    QDir().mkpath(target);
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        const QString to = target + QLatin1Char('/') + id + QStringLiteral(".sqlite") + suffix;
        QFile::remove(to);
        if (!QFile::copy(buildFile + suffix, to))
            return failed("copy");
    }
    sqlite3_close(db);
    QDir(building).removeRecursively();
    return true;
}

} // namespace WranglerTest
