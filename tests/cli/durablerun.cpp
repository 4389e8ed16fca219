// SPDX-License-Identifier: MIT
#include "durablerun.h"

#include <QProcess>

namespace DurableTest {

DurableRun runDurable(const QString &executable, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(executable, arguments);
    DurableRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace DurableTest
