// SPDX-License-Identifier: MIT
#include "servedprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

#include <csignal>

namespace DurableCliTest {

ServedProcess::ServedProcess(QString program, QStringList arguments)
    : m_program(std::move(program)), m_arguments(std::move(arguments))
{ }

ServedProcess::~ServedProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
}

quint16 ServedProcess::start(int timeoutMs)
{
    m_process.start(m_program, m_arguments);
    if (!m_process.waitForStarted(timeoutMs))
        return 0;
    static const QRegularExpression listening(
        QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(int(qMin<qint64>(200, deadline.remainingTime())));
        m_stdout += m_process.readAllStandardOutput();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_stdout));
        if (match.hasMatch())
            return quint16(match.captured(1).toUInt());
    }
    return 0;
}

int ServedProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString ServedProcess::standardError()
{
    return QString::fromUtf8(m_process.readAllStandardError());
}

} // namespace DurableCliTest
