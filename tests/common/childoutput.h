// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QMutex>

#include <cstdio>

namespace DurableCrash {

// What a SIGKILL child tells its harness: one whole line per write(2), flushed at once, so a
// kill leaves each line there whole or not at all. Any thread.
inline void printLine(const QByteArray &line)
{
    static QMutex s_outputMutex;
    QMutexLocker lock(&s_outputMutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace DurableCrash
