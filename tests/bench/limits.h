// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace DurableBench {

// What a limit measurement found: a rate, whether it verified its own result, and why not.
struct LimitFigure
{
    double perSecond = 0;
    qint64 count = 0;
    double seconds = 0;
    bool ok = false;
    QString error;
    // For limits that measure one operation's latency or size.
    double p50Ms = 0;
    double p99Ms = 0;
    double bytesEach = 0;
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

// The three below do by hand what the engine does with an object's file, with the engine's
// pragmas and its schema (the statements of a file the engine made, passed in).
// New files, one after another: open, schema and identity in one transaction, one key/value
// commit, close. perSecond is files created per second.
LimitFigure rawCreates(qint64 files, const QStringList &schema);
// Existing files opened one at a time and one key read from each, as an activation does:
// p50Ms/p99Ms per open + read; perSecond is opens per second.
LimitFigure rawOpens(qint64 files, const QStringList &schema);
// Heap per open connection (malloc's bytes in use) with connections files open at once, each
// after one write and one read: bytesEach.
LimitFigure rawConnectionMemory(qint64 connections, const QStringList &schema);
// Plain precise QTimers on an event loop thread, timers single shots delayMs ahead: their
// lateness p50Ms/p99Ms (what alarms on the system clock are compared with).
LimitFigure timerLateness(int timers, int delayMs);

} // namespace Limits

} // namespace DurableBench
