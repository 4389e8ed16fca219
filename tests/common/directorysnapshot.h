// SPDX-License-Identifier: MIT
#pragma once

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QStringList>

namespace DurableTest {

// Every entry under a directory (hidden ones too) with what it holds: a folder as "dir", a file
// as the SHA-256 of its bytes. Two snapshots are equal when nothing was created, removed or
// changed, which is what a read-only command promises.
using DirectorySnapshot = QMap<QString, QByteArray>;

inline DirectorySnapshot snapshotDirectory(const QString &root)
{
    DirectorySnapshot snapshot;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(root).relativeFilePath(path);
        if (it.fileInfo().isDir()) {
            snapshot.insert(relative, "dir");
            continue;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            snapshot.insert(relative, "unreadable");
            continue;
        }
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hash.addData(&file);
        snapshot.insert(relative, hash.result().toHex());
    }
    return snapshot;
}

// What differs between two snapshots, one line per entry, for a failure message.
inline QString describeChanges(const DirectorySnapshot &before, const DirectorySnapshot &after)
{
    QStringList lines;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!after.contains(it.key()))
            lines << QStringLiteral("removed: ") + it.key();
        else if (after.value(it.key()) != it.value())
            lines << QStringLiteral("changed: ") + it.key();
    }
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        if (!before.contains(it.key()))
            lines << QStringLiteral("created: ") + it.key();
    }
    return lines.join(u'\n');
}

} // namespace DurableTest
