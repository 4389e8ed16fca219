// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>

#include <QFile>
#include <QString>
#include <QTest>

namespace DurableTest {

// Where the engine keeps an object's database: DIR/objects/<class>/<2 hex>/<id>.sqlite.
inline QString objectFilePath(const QString &dataDir, const QString &className, const QString &name)
{
    const QString hex = Durable::ObjectId::fromName(className, name).toString();
    return dataDir + "/objects/" + className + "/" + hex.left(2) + "/" + hex + ".sqlite";
}

// A copy of a database as a backup holds it: the file and its -wal (a hibernated object keeps
// its last writes in the WAL).
inline void copyDatabase(const QString &from, const QString &to)
{
    for (const char *suffix : {"", "-wal"}) {
        QFile::remove(to + suffix);
        if (QFile::exists(from + suffix))
            QVERIFY(QFile::copy(from + suffix, to + suffix));
    }
}

// The database gone with its companions: a deleted file, as a careless user leaves it.
inline void removeDatabase(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(path + suffix);
}

} // namespace DurableTest
