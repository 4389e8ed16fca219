// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace Durable {

// Limits enforced with clear errors, never by truncation.
inline constexpr qsizetype MaxKeyBytes = 2 * 1024;
inline constexpr qsizetype MaxValueBytes = 2 * 1024 * 1024;

// Which keys Storage::list() returns: [start, end) intersected with the prefix, in key order.
struct ListOptions
{
    QString prefix;
    QString start; // inclusive; empty = from the first key
    QString end;   // exclusive; empty = to the last key
    bool reverse = false;
    int limit = -1; // -1 = no limit
};

struct KeyValue
{
    QString key;
    QJsonValue value;
    friend bool operator==(const KeyValue &a, const KeyValue &b)
    {
        return a.key == b.key && a.value == b.value;
    }
};

// What Storage::sql() returns: the last statement's columns and rows, and the work it did.
struct SqlResult
{
    QStringList columns;
    QList<QJsonArray> rows;
    qint64 rowsRead = 0;
    qint64 rowsWritten = 0;
};

} // namespace Durable
