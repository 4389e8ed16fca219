// SPDX-License-Identifier: MIT
#include "databasefiles.h"

#include <QDateTime>
#include <QFile>

namespace Durable::DatabaseFiles {

QString asidePath(const QString &path)
{
    return path + QStringLiteral(".damaged-") +
           QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
}

Result<bool> moveAside(const QString &path, const QString &aside)
{
    bool moved = false;
    for (const char *suffix : {"", "-wal", "-shm"}) {
        const QString from = path + QLatin1String(suffix);
        const QString to = aside + QLatin1String(suffix);
        if (!QFile::exists(from))
            continue;
        if (!QFile::rename(from, to)) {
            return Error(ErrorCode::Io,
                         QStringLiteral("Could not move %1 aside to %2").arg(from, to));
        }
        moved = true;
    }
    return moved;
}

Result<void> remove(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm"}) {
        const QString file = path + QLatin1String(suffix);
        if (QFile::exists(file) && !QFile::remove(file))
            return Error(ErrorCode::Io, QStringLiteral("Could not remove %1").arg(file));
    }
    return {};
}

} // namespace Durable::DatabaseFiles
