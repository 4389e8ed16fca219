// SPDX-License-Identifier: MIT
#include "sigkillchild.h"

#include <QProcess>
#include <signal.h>

namespace DurableCrash {

namespace {

constexpr int StallMs = 30000;

QString killAndFail(QProcess &child, const QString &why)
{
    child.kill();
    child.waitForFinished(StallMs);
    return why;
}

} // namespace

QString runUntilKilled(const QString &program, const QStringList &arguments,
                       const LineTaker &takeLine, const std::function<bool()> &enough)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(program, arguments);
    if (!child.waitForStarted(StallMs))
        return QStringLiteral("could not start %1: %2").arg(program, child.errorString());
    qint64 lines = 0;
    while (!enough()) {
        if (!child.canReadLine()) {
            if (!child.waitForReadyRead(StallMs)) {
                return killAndFail(child,
                                   QStringLiteral("the child stopped printing after %1 lines "
                                                  "(state %2, exit code %3)")
                                       .arg(lines)
                                       .arg(int(child.state()))
                                       .arg(child.exitCode()));
            }
            continue;
        }
        ++lines;
        if (const QString wrong = takeLine(child.readLine()); !wrong.isEmpty())
            return killAndFail(child, wrong);
    }
    // Mid-load: the child has work in flight and keeps issuing more.
    if (child.state() != QProcess::Running)
        return QStringLiteral("the child exited before it was killed");
    ::kill(pid_t(child.processId()), SIGKILL);
    if (!child.waitForFinished(StallMs))
        return QStringLiteral("the child did not die");
    if (child.exitStatus() != QProcess::CrashExit)
        return QStringLiteral("the child exited normally instead of being killed");
    // Lines written before the kill count too: each is one write(2) of a short line to a pipe,
    // so it is there whole or not at all.
    const QList<QByteArray> rest = child.readAllStandardOutput().split('\n');
    for (const QByteArray &line : rest) {
        if (const QString wrong = takeLine(line); !wrong.isEmpty())
            return wrong;
    }
    return {};
}

} // namespace DurableCrash
