// SPDX-License-Identifier: MIT
#include "journal.h"

#include "objectdatabase.h"
#include <durable/core/jsontext.h>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

#include <sqlite3.h>

namespace Durable {

namespace {

struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

void bindText(sqlite3_stmt *stmt, int index, const QByteArray &bytes)
{
    sqlite3_bind_text(stmt, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
}

void bindJson(sqlite3_stmt *stmt, int index, const QJsonValue &value)
{
    if (value.isUndefined())
        sqlite3_bind_null(stmt, index);
    else
        bindText(stmt, index, JsonText::serialize(value));
}

QString columnText(sqlite3_stmt *stmt, int column)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                             sqlite3_column_bytes(stmt, column));
}

QJsonValue columnJson(sqlite3_stmt *stmt, int column)
{
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
        return QJsonValue::Undefined;
    return JsonText::parse(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                           sqlite3_column_bytes(stmt, column));
}

// Applies one entry's key/value changes to a state being rebuilt.
void apply(QMap<QString, QJsonValue> &state, const QJsonObject &changes)
{
    if (changes.value(QStringLiteral("cleared")).toBool())
        state.clear();
    const QJsonObject set = changes.value(QStringLiteral("set")).toObject();
    for (auto it = set.begin(); it != set.end(); ++it)
        state.insert(it.key(), it.value());
    for (const QJsonValue &key : changes.value(QStringLiteral("removed")).toArray())
        state.remove(key.toString());
}

} // namespace

Journal::~Journal()
{
    close();
}

void Journal::close()
{
    sqlite3_finalize(m_insert);
    sqlite3_finalize(m_insertSql);
    sqlite3_finalize(m_snapshot);
    m_insert = m_insertSql = m_snapshot = nullptr;
}

[[noreturn]] void Journal::fail(const QString &what) const
{
    throw Error(ErrorCode::StorageError,
                QStringLiteral("%1 of %2: %3")
                    .arg(what, m_db.label(), QString::fromUtf8(sqlite3_errmsg(m_db.handle()))));
}

sqlite3_stmt *Journal::prepare(const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
        sqlite3_finalize(stmt);
        fail(QStringLiteral("Could not prepare the journal"));
    }
    return stmt;
}

void Journal::load()
{
    close();
    Statement s;
    s.stmt = prepare("SELECT (SELECT coalesce(max(seq), 0) FROM _durable_journal),"
                     " (SELECT coalesce(max(seq), 0) FROM _durable_snapshots)");
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        fail(QStringLiteral("Could not read the journal"));
    m_lastSeq = sqlite3_column_int64(s.stmt, 0);
    m_lastSnapshotSeq = sqlite3_column_int64(s.stmt, 1);
}

qint64 Journal::append(JournalEntry entry, const TurnChanges &changes)
{
    if (!m_insert) {
        m_insert = prepare(
            "INSERT INTO _durable_journal(seq, at_ms, duration_us, trigger, method, "
            "input, output, changes, alarm, messages) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
            "?7, ?8, ?9, ?10)");
    }
    entry.seq = m_lastSeq + 1;
    sqlite3_stmt *stmt = m_insert;
    sqlite3_bind_int64(stmt, 1, entry.seq);
    sqlite3_bind_int64(stmt, 2, entry.atMs);
    sqlite3_bind_int64(stmt, 3, entry.durationUs);
    bindText(stmt, 4, entry.trigger.toUtf8());
    bindText(stmt, 5, entry.method.toUtf8());
    bindJson(stmt, 6, entry.input);
    bindJson(stmt, 7, entry.output);
    if (changes.isEmpty())
        sqlite3_bind_null(stmt, 8);
    else
        bindText(stmt, 8, changes.toJsonText());
    bindJson(stmt, 9, entry.alarm.isNull() ? QJsonValue::Undefined : entry.alarm);
    bindJson(stmt, 10,
             entry.messages.isArray() && !entry.messages.toArray().isEmpty()
                 ? entry.messages
                 : QJsonValue(QJsonValue::Undefined));
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE)
        fail(QStringLiteral("Could not journal turn %1").arg(entry.seq));
    if (!changes.tables.isEmpty()) {
        if (!m_insertSql)
            m_insertSql = prepare(
                "INSERT INTO _durable_journal_sql(seq, tbl, op, row) VALUES (?1, ?2, ?3, ?4)");
        for (auto it = changes.tables.cbegin(); it != changes.tables.cend(); ++it) {
            const QByteArray table = it.key().toUtf8();
            // Row ids are kept for the first rows; counts are exact.
            const auto record = [&](const char *op, int count) {
                for (int i = 0; i < count; ++i) {
                    sqlite3_bind_int64(m_insertSql, 1, entry.seq);
                    bindText(m_insertSql, 2, table);
                    sqlite3_bind_text(m_insertSql, 3, op, -1, SQLITE_STATIC);
                    sqlite3_bind_int64(m_insertSql, 4, i < it->rows.size() ? it->rows.at(i) : -1);
                    const int code = sqlite3_step(m_insertSql);
                    sqlite3_reset(m_insertSql);
                    if (code != SQLITE_DONE)
                        fail(QStringLiteral("Could not journal SQL changes"));
                }
            };
            record("insert", std::min(it->inserted, TurnChanges::MaxRowsPerTable));
            record("update", std::min(it->updated, TurnChanges::MaxRowsPerTable));
            record("delete", std::min(it->deleted, TurnChanges::MaxRowsPerTable));
        }
    }
    m_lastSeq = entry.seq;
    if (m_lastSeq - m_lastSnapshotSeq >= SnapshotInterval) {
        writeSnapshot(m_lastSeq);
        // Retention runs as often as snapshots are taken: its cost stays amortised.
        if (m_retention.kind != RetentionPolicy::Kind::KeepAll)
            compact(m_retention, entry.atMs);
    }
    return entry.seq;
}

void Journal::writeSnapshot(qint64 seq)
{
    // An agent's facets belong in the snapshot with its keys (stateAt is snapshot + deltas).
    const QJsonObject facets = m_facets ? m_facets->read(m_db) : QJsonObject();
    if (!facets.isEmpty()) {
        writeSnapshot(seq, facets);
        return;
    }
    // SQLite builds the JSON object itself; values are JSON text already.
    if (!m_snapshot) {
        m_snapshot = prepare(
            "INSERT OR REPLACE INTO _durable_snapshots(seq, kv) "
            "SELECT ?1, coalesce(json_group_object(key, json(value)), '{}') FROM _durable_kv");
    }
    sqlite3_bind_int64(m_snapshot, 1, seq);
    const int rc = sqlite3_step(m_snapshot);
    sqlite3_reset(m_snapshot);
    if (rc != SQLITE_DONE)
        fail(QStringLiteral("Could not write a snapshot"));
    m_lastSnapshotSeq = seq;
}

void Journal::writeSnapshot(qint64 seq, const QJsonObject &facets)
{
    QJsonObject snapshot = facets;
    for (const KeyValue &kv : m_db.list(ListOptions()))
        snapshot.insert(kv.key, kv.value);
    Statement s;
    s.stmt = prepare("INSERT OR REPLACE INTO _durable_snapshots(seq, kv) VALUES (?1, ?2)");
    sqlite3_bind_int64(s.stmt, 1, seq);
    bindText(s.stmt, 2, JsonText::serialize(snapshot));
    if (sqlite3_step(s.stmt) != SQLITE_DONE)
        fail(QStringLiteral("Could not write a snapshot"));
    m_lastSnapshotSeq = seq;
}

void Journal::appendFailure(const TurnFailure &failure)
{
    Statement s;
    s.stmt = prepare(
        "INSERT INTO _durable_failures(at_ms, duration_us, trigger, method, input, error, "
        "after_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_bind_int64(s.stmt, 1, failure.atMs);
    sqlite3_bind_int64(s.stmt, 2, failure.durationUs);
    bindText(s.stmt, 3, failure.trigger.toUtf8());
    bindText(s.stmt, 4, failure.method.toUtf8());
    bindJson(s.stmt, 5, failure.input);
    bindText(s.stmt, 6, failure.error.toUtf8());
    sqlite3_bind_int64(s.stmt, 7, failure.afterSeq);
    if (sqlite3_step(s.stmt) != SQLITE_DONE)
        fail(QStringLiteral("Could not record a failed turn"));
}

QList<JournalEntry> Journal::entries(const JournalQuery &query)
{
    QByteArray sql =
        "SELECT seq, at_ms, duration_us, trigger, method, input, output, changes, alarm, "
        "messages FROM _durable_journal WHERE seq < ?1";
    if (!query.trigger.isEmpty())
        sql += " AND trigger = ?3";
    sql += " ORDER BY seq DESC LIMIT ?2";
    Statement s;
    if (sqlite3_prepare_v2(m_db.handle(), sql.constData(), -1, &s.stmt, nullptr) != SQLITE_OK)
        fail(QStringLiteral("Could not read the journal"));
    sqlite3_bind_int64(s.stmt, 1,
                       query.beforeSeq < 0 ? std::numeric_limits<qint64>::max() : query.beforeSeq);
    sqlite3_bind_int(s.stmt, 2, query.limit < 0 ? -1 : query.limit);
    if (!query.trigger.isEmpty())
        bindText(s.stmt, 3, query.trigger.toUtf8());
    QList<JournalEntry> result;
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        JournalEntry e;
        e.seq = sqlite3_column_int64(s.stmt, 0);
        e.atMs = sqlite3_column_int64(s.stmt, 1);
        e.durationUs = sqlite3_column_int64(s.stmt, 2);
        e.trigger = columnText(s.stmt, 3);
        e.method = columnText(s.stmt, 4);
        e.input = columnJson(s.stmt, 5);
        e.output = columnJson(s.stmt, 6);
        e.changes = columnJson(s.stmt, 7).toObject();
        e.alarm = columnJson(s.stmt, 8);
        if (e.alarm.isUndefined())
            e.alarm = QJsonValue::Null;
        e.messages = columnJson(s.stmt, 9);
        if (e.messages.isUndefined())
            e.messages = QJsonArray();
        result.append(e);
    }
    if (rc != SQLITE_DONE)
        fail(QStringLiteral("Could not read the journal"));
    return result;
}

QList<TurnFailure> Journal::failures(int limit)
{
    Statement s;
    s.stmt = prepare("SELECT id, at_ms, duration_us, trigger, method, input, error, after_seq "
                     "FROM _durable_failures ORDER BY id DESC LIMIT ?1");
    sqlite3_bind_int(s.stmt, 1, limit);
    QList<TurnFailure> result;
    while (sqlite3_step(s.stmt) == SQLITE_ROW) {
        TurnFailure f;
        f.id = sqlite3_column_int64(s.stmt, 0);
        f.atMs = sqlite3_column_int64(s.stmt, 1);
        f.durationUs = sqlite3_column_int64(s.stmt, 2);
        f.trigger = columnText(s.stmt, 3);
        f.method = columnText(s.stmt, 4);
        f.input = columnJson(s.stmt, 5);
        f.error = columnText(s.stmt, 6);
        f.afterSeq = sqlite3_column_int64(s.stmt, 7);
        result.append(f);
    }
    return result;
}

QList<KeyValue> Journal::stateAt(qint64 seq)
{
    if (seq < 0 || seq > m_lastSeq) {
        throw Error(ErrorCode::NotFound, QStringLiteral("%1 has no turn %2 (its last turn is %3)")
                                             .arg(m_db.label())
                                             .arg(seq)
                                             .arg(m_lastSeq));
    }
    QMap<QString, QJsonValue> state;
    qint64 from = 0;
    {
        Statement s;
        s.stmt = prepare(
            "SELECT seq, kv FROM _durable_snapshots WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1");
        sqlite3_bind_int64(s.stmt, 1, seq);
        if (sqlite3_step(s.stmt) == SQLITE_ROW) {
            from = sqlite3_column_int64(s.stmt, 0);
            const QJsonObject snapshot = columnJson(s.stmt, 1).toObject();
            for (auto it = snapshot.begin(); it != snapshot.end(); ++it)
                state.insert(it.key(), it.value());
        }
    }
    {
        Statement s;
        s.stmt = prepare("SELECT min(seq) FROM _durable_journal");
        sqlite3_step(s.stmt);
        const qint64 oldest = sqlite3_column_int64(s.stmt, 0);
        if (from == 0 && oldest > 1 && seq > 0) {
            throw Error(ErrorCode::NotFound,
                        QStringLiteral("The history of %1 before turn %2 was compacted")
                            .arg(m_db.label())
                            .arg(oldest));
        }
    }
    Statement s;
    s.stmt = prepare(
        "SELECT changes FROM _durable_journal WHERE seq > ?1 AND seq <= ?2 AND changes "
        "IS NOT NULL ORDER BY seq");
    sqlite3_bind_int64(s.stmt, 1, from);
    sqlite3_bind_int64(s.stmt, 2, seq);
    while (sqlite3_step(s.stmt) == SQLITE_ROW)
        apply(state, columnJson(s.stmt, 0).toObject());
    QList<KeyValue> result;
    result.reserve(state.size());
    for (auto it = state.cbegin(); it != state.cend(); ++it)
        result.append({it.key(), it.value()});
    return result;
}

StateDiff Journal::diff(qint64 fromSeq, qint64 toSeq)
{
    StateDiff diff;
    diff.fromSeq = fromSeq;
    diff.toSeq = toSeq;
    QMap<QString, QJsonValue> before;
    for (const KeyValue &kv : stateAt(fromSeq))
        before.insert(kv.key, kv.value);
    QMap<QString, QJsonValue> after;
    for (const KeyValue &kv : stateAt(toSeq))
        after.insert(kv.key, kv.value);
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        const auto other = after.constFind(it.key());
        if (other == after.cend())
            diff.keys.append({it.key(), it.value(), QJsonValue::Undefined});
        else if (*other != it.value())
            diff.keys.append({it.key(), it.value(), *other});
    }
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        if (!before.contains(it.key()))
            diff.keys.append({it.key(), QJsonValue::Undefined, it.value()});
    }
    std::sort(diff.keys.begin(), diff.keys.end(),
              [](const KeyChange &a, const KeyChange &b) { return a.key < b.key; });
    Statement s;
    s.stmt = prepare(
        "SELECT tbl, op, count(*) FROM _durable_journal_sql WHERE seq > ?1 AND seq <= ?2 "
        "GROUP BY tbl, op ORDER BY tbl");
    sqlite3_bind_int64(s.stmt, 1, std::min(fromSeq, toSeq));
    sqlite3_bind_int64(s.stmt, 2, std::max(fromSeq, toSeq));
    QMap<QString, TableChange> tables;
    while (sqlite3_step(s.stmt) == SQLITE_ROW) {
        TableChange &t = tables[columnText(s.stmt, 0)];
        t.table = columnText(s.stmt, 0);
        const QString op = columnText(s.stmt, 1);
        const int count = sqlite3_column_int(s.stmt, 2);
        (op == QLatin1String("insert")   ? t.inserted
         : op == QLatin1String("update") ? t.updated
                                         : t.deleted) += count;
    }
    diff.tables = tables.values();
    return diff;
}

qint64 Journal::compact(const RetentionPolicy &policy, qint64 nowMs)
{
    if (policy.kind == RetentionPolicy::Kind::KeepAll || m_lastSeq == 0)
        return 0;
    qint64 cutoff = 0; // oldest seq to keep
    if (policy.kind == RetentionPolicy::Kind::KeepLastTurns) {
        cutoff = m_lastSeq - std::max<qint64>(1, policy.count) + 1;
    } else {
        Statement s;
        s.stmt = prepare(
            "SELECT coalesce(min(seq), ?2 + 1) FROM _durable_journal WHERE at_ms >= ?1");
        sqlite3_bind_int64(s.stmt, 1, nowMs - policy.count * 24 * 3600 * 1000);
        sqlite3_bind_int64(s.stmt, 2, m_lastSeq);
        sqlite3_step(s.stmt);
        cutoff = sqlite3_column_int64(s.stmt, 0);
    }
    Statement oldest;
    oldest.stmt = prepare("SELECT coalesce(min(seq), 0) FROM _durable_journal");
    sqlite3_step(oldest.stmt);
    if (cutoff <= sqlite3_column_int64(oldest.stmt, 0) || cutoff <= 1)
        return 0;
    // The state just before the oldest kept turn becomes a snapshot, so every kept turn can
    // still be reconstructed (and diffed against its predecessor).
    const QList<KeyValue> base = stateAt(cutoff - 1);
    QJsonObject snapshot;
    for (const KeyValue &kv : base)
        snapshot.insert(kv.key, kv.value);
    {
        Statement s;
        s.stmt = prepare("INSERT OR REPLACE INTO _durable_snapshots(seq, kv) VALUES (?1, ?2)");
        sqlite3_bind_int64(s.stmt, 1, cutoff - 1);
        bindText(s.stmt, 2, JsonText::serialize(snapshot));
        if (sqlite3_step(s.stmt) != SQLITE_DONE)
            fail(QStringLiteral("Could not write a snapshot"));
    }
    const auto run = [this](const char *sql, qint64 value) {
        Statement s;
        s.stmt = prepare(sql);
        sqlite3_bind_int64(s.stmt, 1, value);
        if (sqlite3_step(s.stmt) != SQLITE_DONE)
            fail(QStringLiteral("Could not compact the journal"));
        return sqlite3_changes(m_db.handle());
    };
    const qint64 dropped = run("DELETE FROM _durable_journal WHERE seq < ?1", cutoff);
    run("DELETE FROM _durable_snapshots WHERE seq < ?1", cutoff - 1);
    run("DELETE FROM _durable_journal_sql WHERE seq < ?1", cutoff);
    run("DELETE FROM _durable_failures WHERE after_seq < ?1", cutoff - 1);
    m_lastSnapshotSeq = std::max(m_lastSnapshotSeq, cutoff - 1);
    return dropped;
}

StorageSize Journal::size()
{
    StorageSize size;
    size.fileBytes = QFileInfo(m_db.path()).size();
    size.walBytes = QFileInfo(m_db.path() + QStringLiteral("-wal")).size();
    Statement s;
    s.stmt = prepare(
        "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM _durable_journal");
    if (sqlite3_step(s.stmt) == SQLITE_ROW) {
        size.journalEntries = sqlite3_column_int64(s.stmt, 0);
        size.oldestSeq = sqlite3_column_int64(s.stmt, 1);
        size.newestSeq = sqlite3_column_int64(s.stmt, 2);
    }
    return size;
}

} // namespace Durable
