// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>
#include <durable/core/journaltypes.h>
#include <durable/core/storagetypes.h>

#include <QJsonObject>
#include <QList>

#include <optional>

namespace Durable {

// Two objects' histories side by side, as the what-if loop needs them: an original and a fork
// of it, two forks of one origin, or any two objects. Turns are aligned by their position on
// the origin's timeline (a fork made at turn N continues at N + 1; its own first turn, the fork
// itself, stands for the origin's state at N), so the rows show what each branch did at the same
// point, the first position where they differ, and how their states differ now.
//
// A plain value built from what the Inspector reads (summary, journal, key/value state); any
// thread.
struct BranchComparison
{
    // One object as read for the comparison.
    struct Branch
    {
        ObjectSummary summary;
        QList<JournalEntry> turns; // oldest first
        QList<KeyValue> state;     // now
    };
    // One position on the timeline after the shared history; a side without a turn there is
    // empty.
    struct Row
    {
        qint64 position = 0;
        std::optional<JournalEntry> a;
        std::optional<JournalEntry> b;
        bool same = false; // both there, same trigger, method, input, output, changes, alarm and
                           // messages (times and durations are not compared)
    };

    QString relation;       // "fork" (b is a fork of a), "origin" (a of b), "siblings", "unrelated"
    qint64 sharedUntil = 0; // positions up to this one are common history; 0: none
    QList<Row> rows;        // the positions after it, in order
    qint64 firstDifference = -1; // the first row's position that is not the same; -1: none
    QList<KeyChange> stateDiff;  // keys whose values differ now: before = a's, after = b's

    static BranchComparison build(const Branch &a, const Branch &b);
    // {"relation", "sharedUntil", "firstDifference" (null when none), "rows": [{"position",
    // "same", "a", "b"}], "stateDiff": [{"key", "a", "b"}]}; a missing side or value is null.
    QJsonObject toJson() const;
    // Whether two journaled turns did the same (not when, nor how long they took).
    static bool sameTurn(const JournalEntry &a, const JournalEntry &b);
};

} // namespace Durable
