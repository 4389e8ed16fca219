// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QString>

namespace DurableCrash {

// What one crash cycle saw.
struct CycleOutcome
{
    bool ok = false;
    QString error;
    qint64 acknowledged = 0; // writes the child acknowledged in this cycle
    qint64 committed = 0;    // writes found in storage after the cycle, all objects
    // Writes that committed but whose acknowledgement the kill cut off (allowed).
    qint64 committedUnacknowledged = 0;
};

// Runs crash cycles on one data directory, which accumulates data across cycles: start
// durable-crash-child on it, read its acknowledgements until killAfterAcks arrived, SIGKILL it
// mid-load, then open the directory in this process with an Engine and check that every
// acknowledged write is there and every turn is whole (CrashWriter's audit).
class CrashCycle
{
public:
    CrashCycle(QString childPath, QString dataDir, int objects = 6);

    // Kills once killAfterAcks writes were acknowledged and, with everyObjectFirst, once every
    // object acknowledged at least one (so no object is still being created).
    CycleOutcome run(int killAfterAcks, bool everyObjectFirst = false);

    qint64 acknowledgedTotal() const { return m_acknowledgedTotal; }
    qint64 committedTotal() const { return m_committedTotal; }

private:
    QString m_childPath;
    QString m_dataDir;
    int m_objects;
    QHash<QString, qint64> m_highestAcked; // object name -> highest acknowledged seq
    qint64 m_acknowledgedTotal = 0;
    qint64 m_committedTotal = 0;
};

} // namespace DurableCrash
