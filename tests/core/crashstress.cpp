// SPDX-License-Identifier: MIT
// durable-crash-stress: the crash tests' SIGKILL cycles, many more of them (not run by CTest).
// The default mode is tst_crashrecovery's writes; "calls" is tst_callsrecovery's durable calls
// between coordinators and researchers.
//
// usage: durable-crash-stress [cycles=100] [seed=1] [maxAcksBeforeKill=600]
//        durable-crash-stress calls [cycles=100] [seed=1] [maxAcksBeforeKill=60]
#include "callscycle.h"
#include "crashcycle.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QStringList>
#include <QTemporaryDir>
#include <cstdio>
#include <functional>
#include <random>

namespace {

struct Settings
{
    int cycles = 100;
    unsigned seed = 1;
    int maxAcks = 600;
};

// Runs the cycles, each killing its child after a seeded number of acknowledgements; returns
// the first failure (empty if none) and counts the cycles that passed in done.
QString runCycles(const Settings &settings, const std::function<QString(int acks)> &runOne,
                  int &done)
{
    std::mt19937 random(settings.seed);
    std::uniform_int_distribution<int> killAfter(1, settings.maxAcks);
    for (done = 0; done < settings.cycles; ++done) {
        const int acks = killAfter(random);
        if (const QString error = runOne(acks); !error.isEmpty())
            return QStringLiteral("cycle %1 (kill after %2 acks): %3")
                .arg(done)
                .arg(acks)
                .arg(error);
    }
    return {};
}

int report(const QString &failure, const QByteArray &figures, const QElapsedTimer &timer)
{
    std::printf("durable-crash-stress: %s: %s, %.1f s%s%s\n", failure.isEmpty() ? "ok" : "FAILED",
                figures.constData(), double(timer.elapsed()) / 1000.0,
                failure.isEmpty() ? "" : ": ", qPrintable(failure));
    return failure.isEmpty() ? 0 : 1;
}

int stressWrites(const Settings &settings, const QString &dir)
{
    DurableCrash::CrashCycle cycle(QStringLiteral(DURABLE_CRASH_CHILD), dir);
    QElapsedTimer timer;
    timer.start();
    qint64 committedUnacknowledged = 0;
    int done = 0;
    const QString failure = runCycles(
        settings,
        [&](int acks) {
            const DurableCrash::CycleOutcome outcome = cycle.run(acks);
            if (!outcome.ok)
                return outcome.error;
            committedUnacknowledged += outcome.committedUnacknowledged;
            return QString();
        },
        done);
    const QByteArray figures =
        QStringLiteral("%1 of %2 cycles, %3 acknowledged writes checked, %4 writes committed "
                       "(%5 committed without their acknowledgement reaching us)")
            .arg(done)
            .arg(settings.cycles)
            .arg(cycle.acknowledgedTotal())
            .arg(cycle.committedTotal())
            .arg(committedUnacknowledged)
            .toUtf8();
    return report(failure, figures, timer);
}

int stressCalls(const Settings &settings, const QString &dir)
{
    DurableCrash::CallsCycle cycle(QStringLiteral(DURABLE_CALLS_CHILD), dir);
    QElapsedTimer timer;
    timer.start();
    int done = 0;
    const QString failure = runCycles(
        settings,
        [&cycle](int acks) {
            const DurableCrash::CallsOutcome outcome = cycle.run(acks);
            return outcome.ok ? QString() : outcome.error;
        },
        done);
    const DurableCrash::CallsOutcome &totals = cycle.totals();
    const QByteArray figures =
        QStringLiteral(
            "calls: %1 of %2 cycles, %3 coordinators started, %4 acknowledged and checked "
            "complete (%5 with a sendTo), %6 committed unacknowledged, %7 calls redelivered "
            "after a restart (%8 answered from the callee's ledger), %9 duplicate replies ignored")
            .arg(done)
            .arg(settings.cycles)
            .arg(totals.issued)
            .arg(totals.acknowledged)
            .arg(totals.noted)
            .arg(totals.committedUnacknowledged)
            .arg(totals.redelivered)
            .arg(totals.fromLedger)
            .arg(totals.ignoredReplies)
            .toUtf8();
    return report(failure, figures, timer);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList arguments = QCoreApplication::arguments();
    const bool calls = arguments.value(1) == QLatin1String("calls");
    if (calls)
        arguments.removeAt(1);
    Settings settings;
    settings.cycles = arguments.size() > 1 ? arguments[1].toInt() : 100;
    settings.seed = arguments.size() > 2 ? arguments[2].toUInt() : 1;
    settings.maxAcks = arguments.size() > 3 ? arguments[3].toInt() : (calls ? 60 : 600);
    if (settings.cycles < 1 || settings.maxAcks < 1) {
        std::fputs("usage: durable-crash-stress [cycles=100] [seed=1] [maxAcksBeforeKill=600]\n",
                   stderr);
        std::fputs(
            "       durable-crash-stress calls [cycles=100] [seed=1] [maxAcksBeforeKill=60]\n",
            stderr);
        return 2;
    }
    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "durable-crash-stress: no temporary directory\n");
        return 2;
    }
    return calls ? stressCalls(settings, dir.path()) : stressWrites(settings, dir.path());
}
