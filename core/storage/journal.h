// SPDX-License-Identifier: MIT
#pragma once

#include "journalfacets.h"
#include "turnchanges.h"

#include <durable/core/journaltypes.h>
#include <durable/core/result.h>

struct sqlite3_stmt;

namespace Durable {

class ObjectDatabase;

// An object's history in its own database: one entry per committed turn, written in the
// turn's transaction, plus key/value snapshots every SnapshotInterval turns so that the
// state as of any turn is one snapshot plus at most SnapshotInterval deltas away. An agent's
// state, step, schedules, human requests and model calls are in that map as reserved
// _durable_agent_* keys (see AgentJournal), in the entries and in the snapshots.
//
// Worker thread only (it shares the object's connection). Writes throw Durable::Error, like
// every storage call inside a turn.
class Journal
{
public:
    static constexpr qint64 SnapshotInterval = 256;

    explicit Journal(ObjectDatabase &db) : m_db(db) { }
    ~Journal();

    // After the connection opened: reads where the history stands.
    void load();
    void close();
    qint64 lastSeq() const { return m_lastSeq; }
    // Forgets sequence numbers taken by turns that rolled back.
    void rewindTo(qint64 seq)
    {
        m_lastSeq = seq;
        m_lastSnapshotSeq = std::min(m_lastSnapshotSeq, seq);
    }

    void setRetention(const RetentionPolicy &policy) { m_retention = policy; }
    // What of the reserved tables is journaled as facets (none: plain key/value history).
    void setFacets(JournalFacets *facets) { m_facets = facets; }
    // After a turn's work, before append(): adds the facets the turn changed to changes.
    void recordFacets(TurnChanges &changes)
    {
        if (m_facets)
            m_facets->record(m_db, changes);
    }
    qint64 append(JournalEntry entry, const TurnChanges &changes);
    void appendFailure(const TurnFailure &failure);

    QList<JournalEntry> entries(const JournalQuery &query);
    QList<TurnFailure> failures(int limit);
    QList<KeyValue> stateAt(qint64 seq);
    StateDiff diff(qint64 fromSeq, qint64 toSeq);
    // Applies a retention policy; returns how many entries were dropped. What is kept can
    // still be reconstructed: a snapshot is written just before the oldest kept turn.
    qint64 compact(const RetentionPolicy &policy, qint64 nowMs);
    StorageSize size();

private:
    sqlite3_stmt *prepare(const char *sql);
    [[noreturn]] void fail(const QString &what) const;
    void writeSnapshot(qint64 seq);
    void writeSnapshot(qint64 seq, const QJsonObject &facets);

    ObjectDatabase &m_db;
    qint64 m_lastSeq = 0;
    qint64 m_lastSnapshotSeq = 0;
    sqlite3_stmt *m_insert = nullptr;
    sqlite3_stmt *m_insertSql = nullptr;
    sqlite3_stmt *m_snapshot = nullptr;
    RetentionPolicy m_retention;
    JournalFacets *m_facets = nullptr;
};

} // namespace Durable
