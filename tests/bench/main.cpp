// SPDX-License-Identifier: MIT
// durable-bench: throughput and latency of the engine next to the limits of the machine.
#include "workloads.h"

#include <durable/core/engine.h>

#include <QCoreApplication>
#include <QStringList>
#include <QTemporaryDir>

#include <cstdio>

namespace {

void usage()
{
    std::fputs("usage: durable-bench [--json] [--quick] [workload...]\n"
               "Prints one JSON object per line per workload; exits 1 when any is not ok.\n"
               "  --json   JSON lines (the only format)\n"
               "  --quick  every workload scaled down about 20x (the CTest smoke run)\n"
               "workloads (all when none named):\n",
               stdout);
    for (const QString &name : DurableBench::Workloads::names())
        std::printf("  %s\n", qPrintable(name));
}

// The engine configures SQLite for the whole process the first time one starts (no memory
// statistics, no bulk page-cache per connection), which works only before SQLite's first use.
// The raw limits use SQLite too, and some run first: start one engine before anything, so every
// workload and limit runs with the configuration a program running an engine has.
bool applyEngineSqliteConfiguration()
{
    QTemporaryDir dir;
    Durable::EngineOptions options;
    options.dataDir = dir.path();
    Durable::Engine engine(options);
    const bool started = engine.start().ok();
    engine.shutdown();
    return started;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    bool quick = false;
    QStringList chosen;
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    for (const QString &argument : arguments) {
        if (argument == QLatin1String("--json")) {
            continue;
        } else if (argument == QLatin1String("--quick")) {
            quick = true;
        } else if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
            usage();
            return 0;
        } else if (DurableBench::Workloads::names().contains(argument)) {
            chosen << argument;
        } else {
            std::fprintf(stderr, "durable-bench: unknown workload or option '%s'\n",
                         qPrintable(argument));
            usage();
            return 2;
        }
    }
    if (chosen.isEmpty())
        chosen = DurableBench::Workloads::names();

    if (!applyEngineSqliteConfiguration()) {
        std::fputs("durable-bench: could not start an engine\n", stderr);
        return 1;
    }
    DurableBench::Workloads workloads(quick);
    bool allOk = true;
    for (const QString &name : std::as_const(chosen))
        allOk = workloads.run(name) && allOk;
    return allOk ? 0 : 1;
}
