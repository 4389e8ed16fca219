// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace DurableCliTest {

// `durable serve` as a child process on an ephemeral port: start() waits for its
// "listening on http://127.0.0.1:PORT" line and returns the port (0 on failure).
class ServedProcess
{
public:
    ServedProcess(QString program, QStringList arguments);
    ~ServedProcess();

    quint16 start(int timeoutMs = 30000);
    qint64 pid() const { return m_process.processId(); }
    // Sends SIGTERM and waits for the exit; returns the exit code (-1 if it crashed or hung).
    int terminate(int timeoutMs = 60000);
    QString standardError();
    QProcess &process() { return m_process; }

private:
    QString m_program;
    QStringList m_arguments;
    QProcess m_process;
    QByteArray m_stdout;
};

} // namespace DurableCliTest
