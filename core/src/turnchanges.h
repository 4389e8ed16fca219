// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QSet>
#include <QString>

namespace Durable {

// What one turn changed in its object's storage, captured as it happens (no extra reads):
// key/value writes with their new values, and SQL row changes per user table.
struct TurnChanges
{
    struct TableChanges
    {
        int inserted = 0;
        int updated = 0;
        int deleted = 0;
        QList<qint64> rows; // rowids touched, capped
    };
    static constexpr int MaxRowsPerTable = 100;

    bool cleared = false;           // deleteAll() ran first
    QHash<QString, QJsonValue> set; // key -> value after the turn
    QSet<QString> removed;
    QHash<QString, TableChanges> tables;

    bool isEmpty() const { return !cleared && set.isEmpty() && removed.isEmpty() && tables.isEmpty(); }
    void clear()
    {
        // Only touch what was used: this runs for every turn.
        cleared = false;
        if (!set.isEmpty())
            set.clear();
        if (!removed.isEmpty())
            removed.clear();
        if (!tables.isEmpty())
            tables.clear();
    }
    QJsonObject toJson() const;
    // The same as JSON text, written directly (the journal's hot path).
    QByteArray toJsonText() const;
};

} // namespace Durable
