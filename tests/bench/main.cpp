// SPDX-License-Identifier: MIT
// durable-bench: throughput and latency of the engine next to the limits of the machine.
#include "workloads.h"

#include <QCoreApplication>
#include <QStringList>

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

    DurableBench::Workloads workloads(quick);
    bool allOk = true;
    for (const QString &name : std::as_const(chosen))
        allOk = workloads.run(name) && allOk;
    return allOk ? 0 : 1;
}
