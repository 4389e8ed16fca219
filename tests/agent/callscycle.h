// SPDX-License-Identifier: MIT
#pragma once

#include <QSet>
#include <QString>

namespace DurableCrash {

// What crash cycles of durable calls saw (one cycle, or the sum of all so far).
struct CallsOutcome
{
    bool ok = false;
    QString error;
    int issued = 0;       // coordinators the child started a "start" call on
    int acknowledged = 0; // ... whose start returned before the kill: checked to be complete
    int noted = 0;        // ... whose sendTo (notify) returned as well
    // Starts that committed but whose acknowledgement the kill cut off (allowed).
    int committedUnacknowledged = 0;
    int redelivered = 0; // calls whose reply ran only after the restart
    int fromLedger =
        0; // ... of which the callee had applied before the kill: answered from its ledger
    int ignoredReplies = 0; // replies that found their call answered already (after the restart)
};

// Runs crash cycles of durable calls on one data directory: start durable-calls-child on it
// (coordinators fanning out to researchers), SIGKILL it once killAfterAcks starts returned,
// then open the directory in this process with an Engine, let it deliver what was left, and
// check every coordinator the child touched: an acknowledged start has both replies continued
// exactly once and each researcher applied its message exactly once; an unacknowledged one did
// all of that or nothing. Each cycle has its own coordinators and its own stretch of (virtual)
// time, so the journals tell which turns ran after the restart.
class CallsCycle
{
public:
    CallsCycle(QString childPath, QString dataDir);

    CallsOutcome run(int killAfterAcks);

    const CallsOutcome &totals() const { return m_totals; }
    int cycles() const { return m_cycle; }

private:
    QString m_childPath;
    QString m_dataDir;
    int m_cycle = 0;
    CallsOutcome m_totals;
};

} // namespace DurableCrash
