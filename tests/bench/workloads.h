// SPDX-License-Identifier: MIT
#pragma once

#include "limits.h"

#include <QHash>
#include <QStringList>

#include <algorithm>

namespace DurableBench {

class BenchLine;

// The benchmark's workloads and the limits they are compared with. Each workload runs an
// engine on a fresh temporary data directory, checks its own results exactly and prints one
// JSON line; a limit is measured once, the first time a workload needs it, and printed as a
// line of its own. quick scales every workload down about 20x (the CTest smoke run).
class Workloads
{
public:
    explicit Workloads(bool quick) : m_quick(quick) { }

    static QStringList names();
    // Runs one workload (or limit) by name and prints its line; returns its "ok".
    bool run(const QString &name);

private:
    QHash<QString, double> m_callsPerSecond;
    bool counter(const QString &name, qint64 objects, qint64 callsPerObject, bool fullDurability,
                 bool journal = true);
    bool create();
    bool echo();
    bool disk();
    bool sql();
    bool activation();
    bool scale();
    bool alarms();
    bool alarmsVirtual();
    bool timeTravel();
    bool feed();
    bool stream();

    // A measured limit, cached by name; its line is printed when first measured.
    const LimitFigure &limit(const QString &name);
    void addLimit(BenchLine &line, const QString &limitName, const QString &key, double figure);
    // The limits that build object files by hand, with the schema of a file the engine made.
    LimitFigure objectFileLimit(const QString &name, BenchLine &line);

    qint64 scaled(qint64 full) const { return m_quick ? std::max<qint64>(1, full / 20) : full; }

    bool m_quick = false;
    QHash<QString, LimitFigure> m_limits;
    QStringList m_objectSchema;
};

} // namespace DurableBench
