// SPDX-License-Identifier: MIT
// durable-crash-stress: tst_crashrecovery's crash cycles, many more of them (not run by CTest).
//
// usage: durable-crash-stress [cycles=100] [seed=1] [maxAcksBeforeKill=600]
#include "crashcycle.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QStringList>
#include <QTemporaryDir>

#include <cstdio>
#include <random>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    const int cycles = arguments.size() > 1 ? arguments[1].toInt() : 100;
    const unsigned seed = arguments.size() > 2 ? arguments[2].toUInt() : 1;
    const int maxAcks = arguments.size() > 3 ? arguments[3].toInt() : 600;
    if (cycles < 1 || maxAcks < 1) {
        std::fputs("usage: durable-crash-stress [cycles=100] [seed=1] [maxAcksBeforeKill=600]\n", stderr);
        return 2;
    }
    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "durable-crash-stress: no temporary directory\n");
        return 2;
    }
    DurableCrash::CrashCycle cycle(QStringLiteral(DURABLE_CRASH_CHILD), dir.path());
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> killAfter(1, maxAcks);
    QElapsedTimer timer;
    timer.start();
    qint64 committedUnacknowledged = 0;
    int done = 0;
    QString failure;
    for (; done < cycles; ++done) {
        const int acks = killAfter(random);
        const DurableCrash::CycleOutcome outcome = cycle.run(acks);
        if (!outcome.ok) {
            failure = QStringLiteral("cycle %1 (kill after %2 acks): %3").arg(done).arg(acks).arg(outcome.error);
            break;
        }
        committedUnacknowledged += outcome.committedUnacknowledged;
    }
    std::printf("durable-crash-stress: %s: %d of %d cycles, %lld acknowledged writes checked, %lld writes "
                "committed (%lld committed without their acknowledgement reaching us), %.1f s%s%s\n",
                failure.isEmpty() ? "ok" : "FAILED", done, cycles, cycle.acknowledgedTotal(),
                cycle.committedTotal(), committedUnacknowledged, double(timer.elapsed()) / 1000.0,
                failure.isEmpty() ? "" : ": ", qPrintable(failure));
    return failure.isEmpty() ? 0 : 1;
}
