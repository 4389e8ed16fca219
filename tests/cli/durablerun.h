// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace DurableTest {

// One finished run of the built `durable` executable (DURABLE_CLI_PATH of the CLI tests).
struct DurableRun
{
    int exitCode = -1; // -1: it crashed or did not finish within the timeout (then killed)
    QString out;
    QString err;
};

DurableRun runDurable(const QString &executable, const QStringList &arguments,
                      int timeoutMs = 120000);

} // namespace DurableTest
