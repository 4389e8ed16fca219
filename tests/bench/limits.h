// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace DurableBench {

// What a limit measurement found: a rate, whether it verified its own result, and why not.
struct LimitFigure
{
    double perSecond = 0;
    qint64 count = 0;
    double seconds = 0;
    bool ok = false;
    QString error;
};

// The ceilings the engine's figures are compared with: the raw sqlite3 C API doing the same
// storage work, and a plain locked queue between two threads. Each runs in a fresh directory.
namespace Limits {

// rows inserted with one prepared statement, rowsPerTransaction per BEGIN/COMMIT, in a WAL
// database with synchronous=NORMAL.
LimitFigure rawInserts(qint64 rows, int rowsPerTransaction);
// One-row commits (an upsert in autocommit mode), WAL; synchronous NORMAL or FULL.
LimitFigure rawCommits(qint64 commits, bool fullSync);
// Messages handed from a producer to a consumer thread through a std::mutex +
// std::condition_variable protected deque.
LimitFigure queueHandoff(qint64 messages);

} // namespace Limits

} // namespace DurableBench
