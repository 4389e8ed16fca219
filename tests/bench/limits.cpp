// SPDX-License-Identifier: MIT
#include "limits.h"

#include <QByteArray>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace DurableBench::Limits {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A WAL database in a temporary directory, closed on destruction.
class RawDatabase
{
public:
    explicit RawDatabase(bool fullSync)
    {
        if (!m_dir.isValid()) {
            m_error = QStringLiteral("no temporary directory");
            return;
        }
        const QByteArray path = (m_dir.path() + QStringLiteral("/limit.sqlite")).toUtf8();
        if (sqlite3_open(path.constData(), &m_db) != SQLITE_OK) {
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
            return;
        }
        exec("PRAGMA journal_mode=WAL");
        exec(fullSync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    }
    ~RawDatabase() { sqlite3_close(m_db); }

    bool exec(const char *sql)
    {
        if (!m_error.isEmpty())
            return false;
        char *message = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            m_error = QStringLiteral("%1: %2").arg(QString::fromUtf8(sql),
                                                   QString::fromUtf8(message));
            sqlite3_free(message);
            return false;
        }
        return true;
    }
    sqlite3_stmt *prepare(const char *sql)
    {
        sqlite3_stmt *statement = nullptr;
        if (m_error.isEmpty() &&
            sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr) != SQLITE_OK)
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        return statement;
    }
    bool step(sqlite3_stmt *statement)
    {
        const int rc = sqlite3_step(statement);
        sqlite3_reset(statement);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
            return false;
        }
        return true;
    }
    qint64 scalar(const char *sql)
    {
        sqlite3_stmt *statement = prepare(sql);
        qint64 value = -1;
        if (statement && sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
        return value;
    }
    QString error() const { return m_error; }

private:
    QTemporaryDir m_dir;
    sqlite3 *m_db = nullptr;
    QString m_error;
};

} // namespace

LimitFigure rawInserts(qint64 rows, int rowsPerTransaction)
{
    LimitFigure figure;
    RawDatabase db(false);
    db.exec(
        "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value INTEGER NOT NULL)");
    sqlite3_stmt *insert = db.prepare("INSERT INTO rows (id, name, value) VALUES (?, ?, ?)");
    const Clock::time_point start = Clock::now();
    for (qint64 first = 0; insert && first < rows && db.error().isEmpty();
         first += rowsPerTransaction) {
        db.exec("BEGIN");
        for (qint64 id = first; id < std::min(rows, first + rowsPerTransaction); ++id) {
            const QByteArray name = QByteArray("row-") + QByteArray::number(id);
            sqlite3_bind_int64(insert, 1, id);
            sqlite3_bind_text(insert, 2, name.constData(), int(name.size()), SQLITE_TRANSIENT);
            sqlite3_bind_int64(insert, 3, id % 1000);
            if (!db.step(insert))
                break;
        }
        db.exec("COMMIT");
    }
    figure.seconds = secondsSince(start);
    sqlite3_finalize(insert);
    const qint64 stored = db.scalar("SELECT count(*) FROM rows");
    figure.count = stored;
    figure.ok = db.error().isEmpty() && stored == rows;
    figure.error = db.error().isEmpty() && stored != rows
                       ? QStringLiteral("%1 rows stored, %2 expected").arg(stored).arg(rows)
                       : db.error();
    figure.perSecond = figure.seconds > 0 ? double(stored) / figure.seconds : 0;
    return figure;
}

LimitFigure rawCommits(qint64 commits, bool fullSync)
{
    LimitFigure figure;
    RawDatabase db(fullSync);
    db.exec("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sqlite3_stmt *upsert = db.prepare("INSERT INTO kv (key, value) VALUES ('count', ?) "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const Clock::time_point start = Clock::now();
    qint64 done = 0;
    for (qint64 i = 1; upsert && i <= commits; ++i) {
        sqlite3_bind_int64(upsert, 1, i);
        if (!db.step(upsert))
            break;
        ++done;
    }
    figure.seconds = secondsSince(start);
    sqlite3_finalize(upsert);
    const qint64 last = db.scalar("SELECT value FROM kv WHERE key = 'count'");
    figure.count = done;
    figure.ok = db.error().isEmpty() && done == commits && last == commits;
    figure.error = db.error().isEmpty() && !figure.ok
                       ? QStringLiteral("last value %1, %2 expected").arg(last).arg(commits)
                       : db.error();
    figure.perSecond = figure.seconds > 0 ? double(done) / figure.seconds : 0;
    return figure;
}

LimitFigure queueHandoff(qint64 messages)
{
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<qint64> queue;
    bool consumerWaiting = false;
    qint64 received = 0;
    qint64 sum = 0;

    const Clock::time_point start = Clock::now();
    std::thread consumer([&] {
        std::deque<qint64> taken;
        while (received < messages) {
            {
                std::unique_lock lock(mutex);
                consumerWaiting = true;
                ready.wait(lock, [&queue] { return !queue.empty(); });
                consumerWaiting = false;
                taken.swap(queue);
            }
            for (const qint64 value : taken)
                sum += value;
            received += qint64(taken.size());
            taken.clear();
        }
    });
    for (qint64 i = 0; i < messages; ++i) {
        bool wake = false;
        {
            std::lock_guard lock(mutex);
            queue.push_back(i);
            wake = consumerWaiting;
        }
        if (wake)
            ready.notify_one();
    }
    consumer.join();

    LimitFigure figure;
    figure.seconds = secondsSince(start);
    figure.count = received;
    const qint64 expected = messages * (messages - 1) / 2;
    figure.ok = received == messages && sum == expected;
    if (!figure.ok)
        figure.error = QStringLiteral(
                           "received %1 messages summing to %2; expected %3 summing to %4")
                           .arg(received)
                           .arg(sum)
                           .arg(messages)
                           .arg(expected);
    figure.perSecond = figure.seconds > 0 ? double(received) / figure.seconds : 0;
    return figure;
}

} // namespace DurableBench::Limits
