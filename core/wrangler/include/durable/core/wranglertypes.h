// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/storagetypes.h>

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace Durable {

// One Durable Object in a wrangler / Miniflare state folder: the file
// `<objects dir>/<scriptName>-<className>/<id>.sqlite`.
struct WranglerObjectInfo
{
    QString className;     // after the last '-' of the folder name (JS class names have none)
    QString scriptName;    // before it; may itself contain '-', may be empty
    QString directoryName; // the folder, as on disk
    QString id;            // the file name without ".sqlite": the object id in hex
    QString filePath;      // absolute path of the .sqlite file
    qint64 sizeBytes = 0;  // the .sqlite file and its -wal, if any
};

// One row of the object's `_cf_KV` table: what `state.storage.put(key, value)` wrote.
struct WranglerEntry
{
    QString key;
    QByteArray raw;   // the value's bytes as stored (V8 ValueSerializer format)
    QJsonValue value; // decoded (V8ValueDecoder)
    QString error;    // why part of the value could not be decoded; empty if all was
};

struct WranglerTable
{
    QString name;
    QStringList columns;
    qint64 rowCount = 0;
    bool internal = false; // Cloudflare's own (`_cf_*`) or SQLite's (`sqlite_*`)

    // Whose table it is, for display: "Cloudflare", "SQLite", "durable-agent.js" (the adapter's
    // `_durable_*` tables) or "user".
    QString owner() const
    {
        if (name.startsWith(QLatin1String("_cf_")))
            return QStringLiteral("Cloudflare");
        if (name.startsWith(QLatin1String("sqlite_")))
            return QStringLiteral("SQLite");
        if (name.startsWith(QLatin1String("_durable_")))
            return QStringLiteral("durable-agent.js");
        return QStringLiteral("user");
    }
};

// The object's alarm, from row 1 of `_cf_METADATA` (nanoseconds since the epoch; NULL or no row
// when none is set).
struct WranglerAlarm
{
    bool set = false;
    qint64 timeMs = 0;
    qint64 rawNanoseconds = 0;
};

// Everything the studio shows of one object, read in one go.
struct WranglerObjectSnapshot
{
    WranglerObjectInfo info;
    QList<WranglerEntry> entries;
    QList<WranglerTable> tables;
    WranglerAlarm alarm;
};

} // namespace Durable
