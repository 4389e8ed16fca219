// SPDX-License-Identifier: MIT
#include <durable/core/branchcomparison.h>

#include <QJsonArray>
#include <QMap>

#include <algorithm>

namespace Durable {

namespace {

bool isFork(const ObjectSummary &summary)
{
    return !summary.forkOf.isEmpty() && summary.forkSeq >= 0;
}

// Where a branch's turn sits on the origin's timeline: a fork's first turn (the fork itself) is
// the origin's state at forkSeq, its later turns follow on.
qint64 position(const ObjectSummary &summary, qint64 seq)
{
    return isFork(summary) ? summary.forkSeq + seq - 1 : seq;
}

// The turns a branch did itself after the shared history, by position.
QMap<qint64, JournalEntry> ownTurns(const BranchComparison::Branch &branch, qint64 sharedUntil)
{
    QMap<qint64, JournalEntry> turns;
    for (const JournalEntry &entry : branch.turns) {
        if (isFork(branch.summary) && entry.seq == 1)
            continue; // the fork turn: a copy of the origin's state, not something it did
        const qint64 at = position(branch.summary, entry.seq);
        if (at > sharedUntil)
            turns.insert(at, entry);
    }
    return turns;
}

QJsonValue orNull(const QJsonValue &value)
{
    return value.isUndefined() ? QJsonValue(QJsonValue::Null) : value;
}

QJsonValue turnJson(const std::optional<JournalEntry> &entry)
{
    if (!entry)
        return QJsonValue::Null;
    return QJsonObject {{QStringLiteral("seq"), double(entry->seq)},
                        {QStringLiteral("atMs"), double(entry->atMs)},
                        {QStringLiteral("trigger"), entry->trigger},
                        {QStringLiteral("method"), entry->method},
                        {QStringLiteral("input"), orNull(entry->input)},
                        {QStringLiteral("output"), orNull(entry->output)},
                        {QStringLiteral("changes"), entry->changes}};
}

} // namespace

bool BranchComparison::sameTurn(const JournalEntry &a, const JournalEntry &b)
{
    return a.trigger == b.trigger && a.method == b.method && a.input == b.input &&
           a.output == b.output && a.changes == b.changes && a.alarm == b.alarm &&
           a.messages == b.messages;
}

BranchComparison BranchComparison::build(const Branch &a, const Branch &b)
{
    BranchComparison result;
    const QString idA = a.summary.id.toString();
    const QString idB = b.summary.id.toString();
    if (isFork(b.summary) && b.summary.forkOf == idA) {
        result.relation = QStringLiteral("fork");
        result.sharedUntil = b.summary.forkSeq;
    } else if (isFork(a.summary) && a.summary.forkOf == idB) {
        result.relation = QStringLiteral("origin");
        result.sharedUntil = a.summary.forkSeq;
    } else if (isFork(a.summary) && isFork(b.summary) && a.summary.forkOf == b.summary.forkOf) {
        result.relation = QStringLiteral("siblings");
        result.sharedUntil = std::min(a.summary.forkSeq, b.summary.forkSeq);
    } else {
        result.relation = QStringLiteral("unrelated");
    }

    const QMap<qint64, JournalEntry> turnsA = ownTurns(a, result.sharedUntil);
    const QMap<qint64, JournalEntry> turnsB = ownTurns(b, result.sharedUntil);
    QList<qint64> positions = turnsA.keys() + turnsB.keys();
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    for (const qint64 at : positions) {
        Row row;
        row.position = at;
        if (turnsA.contains(at))
            row.a = turnsA.value(at);
        if (turnsB.contains(at))
            row.b = turnsB.value(at);
        row.same = row.a && row.b && sameTurn(*row.a, *row.b);
        if (!row.same && result.firstDifference < 0)
            result.firstDifference = at;
        result.rows.append(row);
    }

    QMap<QString, QJsonValue> stateA;
    for (const KeyValue &kv : a.state)
        stateA.insert(kv.key, kv.value);
    QMap<QString, QJsonValue> stateB;
    for (const KeyValue &kv : b.state)
        stateB.insert(kv.key, kv.value);
    QStringList keys = stateA.keys() + stateB.keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const QString &key : keys) {
        const QJsonValue before = stateA.value(key, QJsonValue::Undefined);
        const QJsonValue after = stateB.value(key, QJsonValue::Undefined);
        if (before != after)
            result.stateDiff.append({key, before, after});
    }
    return result;
}

QJsonObject BranchComparison::toJson() const
{
    QJsonArray rowList;
    for (const Row &row : rows) {
        rowList.append(QJsonObject {{QStringLiteral("position"), double(row.position)},
                                    {QStringLiteral("same"), row.same},
                                    {QStringLiteral("a"), turnJson(row.a)},
                                    {QStringLiteral("b"), turnJson(row.b)}});
    }
    QJsonArray diff;
    for (const KeyChange &change : stateDiff) {
        diff.append(QJsonObject {{QStringLiteral("key"), change.key},
                                 {QStringLiteral("a"), orNull(change.before)},
                                 {QStringLiteral("b"), orNull(change.after)}});
    }
    return QJsonObject {
        {QStringLiteral("relation"), relation},
        {QStringLiteral("sharedUntil"), double(sharedUntil)},
        {QStringLiteral("firstDifference"),
         firstDifference < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(double(firstDifference))},
        {QStringLiteral("rows"), rowList},
        {QStringLiteral("stateDiff"), diff}};
}

} // namespace Durable
