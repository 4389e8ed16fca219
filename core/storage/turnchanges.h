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
// key/value writes with their new values, SQL row changes per user table, and which of the
// agent tables (_durable_agent_*) were written, so their facets can be journaled after the turn
// (see AgentJournal).
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
    QSet<QString> agentTables; // names of the _durable_agent_* tables written; never serialized

    bool isEmpty() const
    {
        return !cleared && set.isEmpty() && removed.isEmpty() && tables.isEmpty();
    }
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
        if (!agentTables.isEmpty())
            agentTables.clear();
    }
    QJsonObject toJson() const;
    // The same as JSON text, written directly (the journal's hot path).
    QByteArray toJsonText() const;
};

} // namespace Durable
