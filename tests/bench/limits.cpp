// SPDX-License-Identifier: MIT
#include "limits.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <malloc.h>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

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

double percentileMs(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

// The engine's pragmas for an object file (ObjectDatabase::open), in its order.
const char ObjectPragmas[] = "PRAGMA locking_mode=EXCLUSIVE;"
                             "PRAGMA synchronous=OFF;"
                             "PRAGMA journal_mode=WAL;"
                             "PRAGMA wal_autocheckpoint=256;"
                             "PRAGMA journal_size_limit=1048576;"
                             "PRAGMA cache_size=-256;"
                             "PRAGMA foreign_keys=ON;";

// Object files by hand: each step does what the engine does, with nothing around it.
class ObjectFiles
{
public:
    explicit ObjectFiles(QStringList schema) : m_schema(std::move(schema))
    {
        if (!m_dir.isValid())
            m_error = QStringLiteral("no temporary directory");
        if (m_schema.isEmpty())
            m_error = QStringLiteral("no object schema to build files with");
    }
    QString error() const { return m_error; }

    sqlite3 *open(qint64 index, bool fresh)
    {
        const QByteArray path =
            (m_dir.path() + QStringLiteral("/object-%1.sqlite").arg(index)).toUtf8();
        sqlite3 *db = nullptr;
        if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            fail(db, "open");
            sqlite3_close(db);
            return nullptr;
        }
        sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 128, 32);
        // A new file becomes a WAL database without a rollback journal file, as the engine's do.
        if (fresh && !exec(db, "PRAGMA journal_mode=MEMORY"))
            return (sqlite3_close(db), nullptr);
        return exec(db, ObjectPragmas) ? db : (sqlite3_close(db), nullptr);
    }
    // Schema and identity in one transaction, then durability on (as ObjectDatabase does).
    bool create(sqlite3 *db)
    {
        if (!exec(db, "BEGIN"))
            return false;
        for (const QString &statement : std::as_const(m_schema)) {
            if (!exec(db, statement.toUtf8().constData()))
                return false;
        }
        return exec(db, "INSERT INTO _durable_meta VALUES ('class', 'Counter'), ('id', 'x'), "
                        "('name', 'x'), ('created_ms', 0);"
                        "PRAGMA user_version=1; COMMIT; PRAGMA synchronous=NORMAL");
    }
    bool write(sqlite3 *db, qint64 value)
    {
        const QByteArray sql = "INSERT INTO _durable_kv(key, value) VALUES ('count', " +
                               QByteArray::number(value) +
                               ") ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        return exec(db, sql.constData());
    }
    qint64 read(sqlite3 *db)
    {
        sqlite3_stmt *stmt = nullptr;
        qint64 value = -1;
        if (sqlite3_prepare_v2(db, "SELECT value FROM _durable_kv WHERE key = 'count'", -1, &stmt,
                               nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            value = sqlite3_column_int64(stmt, 0);
        else
            fail(db, "read");
        sqlite3_finalize(stmt);
        return value;
    }

private:
    bool exec(sqlite3 *db, const char *sql)
    {
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
            return true;
        fail(db, sql);
        return false;
    }
    void fail(sqlite3 *db, const char *what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: %2").arg(QString::fromUtf8(what).left(80),
                                                   QString::fromUtf8(sqlite3_errmsg(db)));
    }

    QTemporaryDir m_dir;
    QStringList m_schema;
    QString m_error;
};

void finishFigure(LimitFigure &figure, qint64 done, qint64 expected, const QString &error)
{
    figure.count = done;
    figure.ok = error.isEmpty() && done == expected;
    figure.error = !error.isEmpty() ? error
                   : figure.ok      ? QString()
                                    : QStringLiteral("%1 of %2 done").arg(done).arg(expected);
    figure.perSecond = figure.seconds > 0 ? double(done) / figure.seconds : 0;
}

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

LimitFigure rawCreates(qint64 files, const QStringList &schema)
{
    LimitFigure figure;
    ObjectFiles objects(schema);
    qint64 done = 0;
    const Clock::time_point start = Clock::now();
    for (qint64 i = 0; i < files && objects.error().isEmpty(); ++i) {
        sqlite3 *db = objects.open(i, true);
        if (db && objects.create(db) && objects.write(db, 1))
            ++done;
        sqlite3_close(db);
    }
    figure.seconds = secondsSince(start);
    finishFigure(figure, done, files, objects.error());
    return figure;
}

LimitFigure rawOpens(qint64 files, const QStringList &schema)
{
    LimitFigure figure;
    ObjectFiles objects(schema);
    for (qint64 i = 0; i < files && objects.error().isEmpty(); ++i) {
        sqlite3 *db = objects.open(i, true);
        if (db && objects.create(db))
            objects.write(db, i);
        sqlite3_close(db);
    }
    std::vector<double> latencies;
    std::vector<sqlite3 *> open;
    qint64 done = 0;
    const Clock::time_point start = Clock::now();
    for (qint64 i = 0; i < files && objects.error().isEmpty(); ++i) {
        const Clock::time_point began = Clock::now();
        sqlite3 *db = objects.open(i, false);
        // Kept open, as an activated object is: the next open does not reuse its memory.
        open.push_back(db);
        if (db && objects.read(db) == i)
            ++done;
        latencies.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - began).count());
    }
    figure.seconds = secondsSince(start);
    for (sqlite3 *db : open)
        sqlite3_close(db);
    figure.p50Ms = percentileMs(latencies, 0.50);
    figure.p99Ms = percentileMs(latencies, 0.99);
    finishFigure(figure, done, files, objects.error());
    return figure;
}

LimitFigure rawConnectionMemory(qint64 connections, const QStringList &schema)
{
    LimitFigure figure;
    ObjectFiles objects(schema);
    std::vector<sqlite3 *> open;
    qint64 done = 0;
    const size_t before = mallinfo2().uordblks;
    const Clock::time_point start = Clock::now();
    for (qint64 i = 0; i < connections && objects.error().isEmpty(); ++i) {
        sqlite3 *db = objects.open(i, true);
        open.push_back(db);
        if (db && objects.create(db) && objects.write(db, i) && objects.read(db) == i)
            ++done;
    }
    figure.seconds = secondsSince(start);
    const size_t after = mallinfo2().uordblks;
    for (sqlite3 *db : open)
        sqlite3_close(db);
    // Hand the freed heap back, so the workloads measured next start from what is live.
    malloc_trim(0);
    figure.bytesEach = done > 0 ? double(after - before) / double(done) : 0;
    finishFigure(figure, done, connections, objects.error());
    return figure;
}

LimitFigure timerLateness(int timers, int delayMs)
{
    LimitFigure figure;
    QThread thread;
    QObject context;
    context.moveToThread(&thread);
    std::vector<double> lateness;
    lateness.reserve(size_t(timers));
    thread.start();
    const Clock::time_point start = Clock::now();
    // Armed from the event loop's own thread, as a worker arms its alarm timers.
    QMetaObject::invokeMethod(&context, [&] {
        for (int i = 0; i < timers; ++i) {
            const qint64 due = QDateTime::currentMSecsSinceEpoch() + delayMs;
            auto *timer = new QTimer(&context);
            timer->setSingleShot(true);
            timer->setTimerType(Qt::PreciseTimer);
            QObject::connect(timer, &QTimer::timeout, &context, [&lateness, due, timers, &thread] {
                lateness.push_back(double(QDateTime::currentMSecsSinceEpoch() - due));
                if (int(lateness.size()) == timers)
                    thread.quit();
            });
            timer->start(delayMs);
        }
    });
    const bool finished = thread.wait(delayMs + 30000);
    if (!finished) {
        thread.quit();
        thread.wait();
    }
    figure.seconds = secondsSince(start);
    figure.p50Ms = percentileMs(lateness, 0.50);
    figure.p99Ms = percentileMs(lateness, 0.99);
    finishFigure(figure, qint64(lateness.size()), timers,
                 finished ? QString() : QStringLiteral("timers did not all fire in time"));
    return figure;
}

} // namespace DurableBench::Limits
