// SPDX-License-Identifier: MIT
#include "workloads.h"

#include "benchline.h"
#include "benchobjects.h"
#include "callpump.h"
#include "fakeopenaiserver.h"
#include "resourcesampler.h"
#include "testobjects.h"

#include <durable/core/agent.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/jsagentfile.h>
#include <durable/core/objectcontext.h>
#include <durable/core/openaichatmodel.h>
#include <durable/core/storage.h>
#include <durable/core/virtualclock.h>

#include <QDateTime>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkProxyFactory>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <malloc.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <random>

namespace DurableBench {

namespace {

using namespace Durable;
using Clock = std::chrono::steady_clock;

constexpr int InFlight = 64;
constexpr int SqlBatchRows = 1000;

const QString LimitInserts = QStringLiteral("limit-sqlite-inserts");
const QString LimitCommits = QStringLiteral("limit-sqlite-commits");
const QString LimitCommitsFull = QStringLiteral("limit-sqlite-commits-full");
const QString LimitQueue = QStringLiteral("limit-queue-handoff");
const QString LimitCreates = QStringLiteral("limit-sqlite-creates");
const QString LimitOpens = QStringLiteral("limit-sqlite-opens");
const QString LimitConnectionMemory = QStringLiteral("limit-sqlite-connection-memory");
const QString LimitTimers = QStringLiteral("limit-qtimer-lateness");

const QString Increment = QStringLiteral("increment");
const QString Get = QStringLiteral("get");

// An engine on its own temporary data directory; the engine goes first on destruction.
struct BenchEngine
{
    QTemporaryDir dir;
    QTemporaryDir scriptDir; // JsCounter's file: a data directory holds only the engine's files
    std::unique_ptr<Engine> engine;
    QString error;

    explicit BenchEngine(Durability durability, bool journal = true)
        : m_durability(durability), m_journal(journal)
    {
        start();
    }
    ~BenchEngine() { stop(); }

    bool start()
    {
        if (!dir.isValid()) {
            error = QStringLiteral("no temporary directory: %1").arg(dir.errorString());
            return false;
        }
        EngineOptions options;
        options.dataDir = dir.path();
        options.durability = m_durability;
        options.journal = m_journal;
        engine = std::make_unique<Engine>(options);
        DurableTest::registerTestClasses(*engine);
        (void)engine->registerClass<SqlWriter>(QStringLiteral("SqlWriter"));
        (void)engine->registerClass<AgentCounter>(QStringLiteral("AgentCounter"));
        if (!registerJsCounter())
            return false;
        if (auto started = engine->start(); !started) {
            error = QStringLiteral("engine did not start: %1").arg(started.error().message());
            engine.reset();
            return false;
        }
        return true;
    }
    void stop()
    {
        if (engine)
            engine->shutdown();
        engine.reset();
    }
    bool ok() const { return engine != nullptr; }

    bool registerJsCounter()
    {
        QFile file(scriptDir.filePath(QStringLiteral("jscounter.js")));
        if (!file.open(QIODevice::WriteOnly) || file.write(JsCounterSource) < 0) {
            error = QStringLiteral("could not write %1").arg(file.fileName());
            return false;
        }
        file.close();
        const Result<JsAgentFile> loaded = JsAgentFile::load(file.fileName());
        Result<void> registered = loaded ? loaded->registerClasses(*engine)
                                         : Result<void>(loaded.error());
        if (!registered) {
            error = QStringLiteral("JsCounter: %1").arg(registered.error().message());
            engine.reset();
            return false;
        }
        return true;
    }

    std::vector<Stub> stubs(const QString &className, const QString &prefix, qint64 count)
    {
        std::vector<Stub> out;
        out.reserve(size_t(count));
        for (qint64 i = 0; i < count; ++i) {
            auto stub = engine->stub(className, prefix + QString::number(i));
            if (!stub) {
                error = stub.error().message();
                return {};
            }
            out.push_back(stub.value());
        }
        return out;
    }

private:
    Durability m_durability;
    bool m_journal = true;
};

QString describe(const PumpOutcome &outcome, const QString &phase)
{
    if (!outcome.finished || outcome.failures > 0) {
        return QStringLiteral("%1: %2 of %3 calls failed; first: %4")
            .arg(phase)
            .arg(outcome.failures)
            .arg(outcome.calls)
            .arg(outcome.firstFailure);
    }
    return {};
}

void addLatency(BenchLine &line, const PumpOutcome &outcome, const QString &prefix = {})
{
    line.setFigure(prefix + QStringLiteral("p50_ms"), outcome.percentileMs(0.50));
    line.setFigure(prefix + QStringLiteral("p99_ms"), outcome.percentileMs(0.99));
}

// Fails the line with the first problem found; returns whether there was none.
bool finish(BenchLine &line, const QStringList &problems)
{
    line.setOk(problems.isEmpty());
    if (!problems.isEmpty())
        line.set(QStringLiteral("error"), problems.join(QStringLiteral("; ")));
    line.print();
    return problems.isEmpty();
}

// Records which reply values each object returned: a counter's increments by 1 must return
// exactly 1..n, each once.
class ReplyLedger
{
public:
    ReplyLedger(qint64 objects, qint64 perObject)
        : m_perObject(perObject), m_seen(size_t(objects * perObject))
    { }
    QString note(qint64 object, const QJsonValue &reply)
    {
        if (!reply.isDouble())
            return QStringLiteral("reply is not a number");
        const qint64 value = qint64(reply.toDouble());
        if (value < 1 || value > m_perObject)
            return QStringLiteral("object %1 replied %2, outside 1..%3")
                .arg(object)
                .arg(value)
                .arg(m_perObject);
        if (m_seen[size_t(object * m_perObject + value - 1)].exchange(true))
            return QStringLiteral("object %1 replied %2 twice").arg(object).arg(value);
        return {};
    }
    qint64 missing() const
    {
        return std::count_if(m_seen.begin(), m_seen.end(),
                             [](const std::atomic<bool> &b) { return !b.load(); });
    }

private:
    qint64 m_perObject;
    std::vector<std::atomic<bool>> m_seen;
};

// The statements that build an object's file, read back from one the engine made, so the raw
// limits build theirs with exactly the engine's schema.
QStringList objectSchema(QString &error)
{
    BenchEngine bench(Durability::Normal);
    if (!bench.ok()) {
        error = bench.error;
        return {};
    }
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"),
                                                QStringLiteral("schema-"), 1);
    const PumpOutcome made = CallPump::run(1, 1,
                                           [&stubs](qint64) {
                                               return CallSpec {stubs.front(), Increment, 1};
                                           },
                                           {});
    if (const QString p = describe(made, QStringLiteral("schema object")); !p.isEmpty()) {
        error = p;
        return {};
    }
    bench.stop(); // the engine holds its files exclusively
    QDirIterator it(bench.dir.path() + QStringLiteral("/objects"), {QStringLiteral("*.sqlite")},
                    QDir::Files, QDirIterator::Subdirectories);
    if (!it.hasNext()) {
        error = QStringLiteral("the engine made no object file");
        return {};
    }
    const QString path = it.next();
    sqlite3 *db = nullptr;
    sqlite3_stmt *stmt = nullptr;
    QStringList statements;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
                           -1, &stmt, nullptr) == SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW)
            statements << QString::fromUtf8(
                reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    }
    if (statements.isEmpty())
        error = QStringLiteral("could not read the schema of %1: %2")
                    .arg(path, QString::fromUtf8(sqlite3_errmsg(db)));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return statements;
}

// Object database files (not WALs) under dataDir.
qint64 diskFiles(const QString &dataDir)
{
    qint64 files = 0;
    QDirIterator it(dataDir + QStringLiteral("/objects"), {QStringLiteral("*.sqlite")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++files;
    }
    return files;
}

} // namespace

QStringList Workloads::names()
{
    return {QStringLiteral("counter"),
            QStringLiteral("counter-agent"),
            QStringLiteral("counter-js"),
            QStringLiteral("counter-nojournal"),
            QStringLiteral("counter-full"),
            QStringLiteral("create"),
            QStringLiteral("hot"),
            QStringLiteral("hot-agent"),
            QStringLiteral("hot-js"),
            QStringLiteral("hot-nojournal"),
            QStringLiteral("echo"),
            QStringLiteral("disk"),
            QStringLiteral("sql"),
            QStringLiteral("activation"),
            QStringLiteral("scale"),
            QStringLiteral("alarms"),
            QStringLiteral("alarms-virtual"),
            QStringLiteral("timetravel"),
            QStringLiteral("feed"),
            QStringLiteral("stream"),
            LimitInserts,
            LimitCommits,
            LimitCommitsFull,
            LimitQueue,
            LimitCreates,
            LimitOpens,
            LimitConnectionMemory,
            LimitTimers};
}

bool Workloads::run(const QString &name)
{
    // -agent: the counter as a C++ Agent; -js: the same agent in JavaScript.
    if (name == QLatin1String("counter") || name == QLatin1String("counter-agent") ||
        name == QLatin1String("counter-js"))
        return counter(name, scaled(1000), 20, false);
    if (name == QLatin1String("counter-full"))
        return counter(name, scaled(1000), 20, true);
    if (name == QLatin1String("hot") || name == QLatin1String("hot-agent") ||
        name == QLatin1String("hot-js"))
        return counter(name, 1, scaled(20000), false);
    if (name == QLatin1String("create"))
        return create();
    // The journal switch exists for this measurement only: journaling's cost on the same load.
    if (name == QLatin1String("counter-nojournal"))
        return counter(name, scaled(1000), 20, false, false);
    if (name == QLatin1String("hot-nojournal"))
        return counter(name, 1, scaled(20000), false, false);
    if (name == QLatin1String("echo"))
        return echo();
    if (name == QLatin1String("disk"))
        return disk();
    if (name == QLatin1String("sql"))
        return sql();
    if (name == QLatin1String("activation"))
        return activation();
    if (name == QLatin1String("scale"))
        return scale();
    if (name == QLatin1String("alarms"))
        return alarms();
    if (name == QLatin1String("alarms-virtual"))
        return alarmsVirtual();
    if (name == QLatin1String("timetravel"))
        return timeTravel();
    if (name == QLatin1String("feed"))
        return feed();
    if (name == QLatin1String("stream"))
        return stream();
    if (name.startsWith(QLatin1String("limit-"))) {
        // Printed when measured, which may have been for an earlier workload.
        return limit(name).ok;
    }
    BenchLine line(name);
    return finish(line, {QStringLiteral("unknown workload")});
}

const LimitFigure &Workloads::limit(const QString &name)
{
    auto it = m_limits.find(name);
    if (it != m_limits.end())
        return *it;
    LimitFigure figure;
    BenchLine line(name);
    if (name == LimitInserts) {
        const qint64 rows = scaled(100000);
        figure = Limits::rawInserts(rows, 1000);
        line.set(QStringLiteral("what"),
                 QStringLiteral("raw sqlite3 C API: prepared INSERT, 1,000 rows per "
                                "transaction, WAL, synchronous=NORMAL"));
        line.set(QStringLiteral("rows"), double(rows));
        line.setFigure(QStringLiteral("rows_per_s"), figure.perSecond, 0);
    } else if (name == LimitCommits || name == LimitCommitsFull) {
        const bool full = name == LimitCommitsFull;
        const qint64 commits = full ? scaled(2000) : scaled(20000);
        figure = Limits::rawCommits(commits, full);
        line.set(QStringLiteral("what"),
                 full ? QStringLiteral("raw sqlite3 C API: one-row upsert per commit, "
                                       "WAL, synchronous=FULL")
                      : QStringLiteral("raw sqlite3 C API: one-row upsert per commit, "
                                       "WAL, synchronous=NORMAL"));
        line.set(QStringLiteral("commits"), double(commits));
        line.setFigure(QStringLiteral("commits_per_s"), figure.perSecond, 0);
    } else if (name == LimitQueue) {
        const qint64 messages = scaled(10000000);
        figure = Limits::queueHandoff(messages);
        line.set(QStringLiteral("what"),
                 QStringLiteral("std::mutex + std::condition_variable deque, one "
                                "producer thread, one consumer thread"));
        line.set(QStringLiteral("messages"), double(messages));
        line.setFigure(QStringLiteral("messages_per_s"), figure.perSecond, 0);
    } else if (name == LimitCreates || name == LimitOpens || name == LimitConnectionMemory) {
        figure = objectFileLimit(name, line);
    } else if (name == LimitTimers) {
        const int timers = int(scaled(1000));
        figure = Limits::timerLateness(timers, 500);
        line.set(QStringLiteral("what"),
                 QStringLiteral("QTimer (precise) single shots 500 ms ahead on one event loop "
                                "thread, armed at once"));
        line.set(QStringLiteral("timers"), timers);
        line.setFigure(QStringLiteral("lateness_p50_ms"), figure.p50Ms, 0);
        line.setFigure(QStringLiteral("lateness_p99_ms"), figure.p99Ms, 0);
    } else {
        figure.error = QStringLiteral("unknown limit");
    }
    line.setFigure(QStringLiteral("seconds"), figure.seconds);
    finish(line, figure.ok ? QStringList() : QStringList {figure.error});
    return *m_limits.insert(name, figure);
}

LimitFigure Workloads::objectFileLimit(const QString &name, BenchLine &line)
{
    if (m_objectSchema.isEmpty()) {
        QString error;
        m_objectSchema = objectSchema(error);
        if (m_objectSchema.isEmpty()) {
            LimitFigure failed;
            failed.error = error;
            return failed;
        }
    }
    LimitFigure figure;
    const qint64 files = scaled(1000);
    if (name == LimitCreates) {
        figure = Limits::rawCreates(files, m_objectSchema);
        line.set(QStringLiteral("what"),
                 QStringLiteral("raw sqlite3 C API, one file after another: open with the "
                                "engine's pragmas, its schema and identity in one transaction, "
                                "one key/value commit, close"));
        line.set(QStringLiteral("files"), double(files));
        line.setFigure(QStringLiteral("files_per_s"), figure.perSecond, 0);
    } else if (name == LimitOpens) {
        figure = Limits::rawOpens(files, m_objectSchema);
        line.set(
            QStringLiteral("what"),
            QStringLiteral("raw sqlite3 C API: open an existing object file with the "
                           "engine's pragmas and read one key, one file at a time, kept open"));
        line.set(QStringLiteral("files"), double(files));
        line.setFigure(QStringLiteral("p50_ms"), figure.p50Ms);
        line.setFigure(QStringLiteral("p99_ms"), figure.p99Ms);
    } else {
        figure = Limits::rawConnectionMemory(files, m_objectSchema);
        line.set(QStringLiteral("what"),
                 QStringLiteral("raw sqlite3 C API: heap in use per open object file, all open "
                                "at once, each after one write and one read"));
        line.set(QStringLiteral("connections"), double(files));
        line.setFigure(QStringLiteral("kb_per_connection"), figure.bytesEach / 1024.0, 1);
    }
    return figure;
}

void Workloads::addLimit(BenchLine &line, const QString &limitName, const QString &key,
                         double figure)
{
    const LimitFigure &ceiling = limit(limitName);
    line.set(QStringLiteral("limit"), limitName);
    line.setFigure(key, ceiling.perSecond, 0);
    line.setFigure(QStringLiteral("ratio_to_limit"),
                   ceiling.perSecond > 0 ? figure / ceiling.perSecond : 0);
}

bool Workloads::counter(const QString &name, qint64 objects, qint64 callsPerObject,
                        bool fullDurability, bool journal)
{
    // Limits first, so their own work does not overlap the measurement.
    limit(fullDurability ? LimitCommitsFull : LimitCommits);
    if (objects > 1)
        limit(LimitConnectionMemory);
    // What earlier workloads freed goes back to the system first: the floor counts live memory.
    malloc_trim(0);
    const double rssBeforeMb = ResourceSampler::currentRssMb();
    BenchLine line(name);
    QStringList problems;
    BenchEngine bench(fullDurability ? Durability::Full : Durability::Normal, journal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const QString className = name.endsWith(QLatin1String("-js")) ? QStringLiteral("JsCounter")
                              : name.endsWith(QLatin1String("-agent"))
                                  ? QStringLiteral("AgentCounter")
                                  : QStringLiteral("Counter");
    const std::vector<Stub> stubs = bench.stubs(className, name + QLatin1Char('-'), objects);
    if (stubs.empty())
        return finish(line, {bench.error});

    const qint64 total = objects * callsPerObject;
    DurableTest::Counter::overlaps = 0;
    ReplyLedger ledger(objects, callsPerObject);
    ResourceSampler sampler;
    // Call i goes to object i % objects: every object sees its increments spread over the run.
    const PumpOutcome outcome = CallPump::run(
        total, InFlight,
        [&stubs, objects](qint64 i) {
            return CallSpec {stubs[size_t(i % objects)], Increment, 1};
        },
        [&ledger, objects](qint64 i, const QJsonValue &reply) {
            return ledger.note(i % objects, reply);
        });
    sampler.stop();
    if (const QString p = describe(outcome, QStringLiteral("increments")); !p.isEmpty())
        problems << p;

    // Final counts, read back through the engine.
    const PumpOutcome reads = CallPump::run(
        objects, InFlight,
        [&stubs](qint64 i) {
            return CallSpec {stubs[size_t(i)], Get, {}};
        },
        [callsPerObject](qint64 i, const QJsonValue &reply) {
            return reply.toInteger(-1) == callsPerObject
                       ? QString()
                       : QStringLiteral("object %1 counts %2, expected %3")
                             .arg(i)
                             .arg(reply.toInteger(-1))
                             .arg(callsPerObject);
        });
    if (const QString p = describe(reads, QStringLiteral("final counts")); !p.isEmpty())
        problems << p;
    if (const qint64 missing = ledger.missing(); outcome.finished && missing > 0)
        problems << QStringLiteral("%1 increment replies never seen").arg(missing);
    if (DurableTest::Counter::overlaps.load() != 0)
        problems
            << QStringLiteral("%1 overlapping turns").arg(DurableTest::Counter::overlaps.load());

    line.set(QStringLiteral("durability"),
             fullDurability ? QStringLiteral("full") : QStringLiteral("normal"));
    line.set(QStringLiteral("journal"), journal);
    line.set(QStringLiteral("class"), className);
    m_callsPerSecond.insert(name, outcome.callsPerSecond());
    // The JavaScript agent against the same agent in C++, when both ran.
    if (className == QLatin1String("JsCounter")) {
        const QString cpp = name.left(name.size() - 3) + QStringLiteral("-agent");
        if (m_callsPerSecond.value(cpp) > 0) {
            line.setFigure(QStringLiteral("of_cpp_agent_pct"),
                           100.0 * outcome.callsPerSecond() / m_callsPerSecond.value(cpp), 1);
        }
    }
    if (!journal) {
        const QString journaled = name.left(name.size() - int(qstrlen("-nojournal")));
        if (m_callsPerSecond.contains(journaled) && outcome.callsPerSecond() > 0) {
            line.set(QStringLiteral("journaled_workload"), journaled);
            line.setFigure(
                QStringLiteral("journal_cost_pct"),
                100.0 * (1.0 - m_callsPerSecond.value(journaled) / outcome.callsPerSecond()), 1);
        }
    }
    line.set(QStringLiteral("objects"), double(objects));
    line.set(QStringLiteral("calls_per_object"), double(callsPerObject));
    line.set(QStringLiteral("calls"), double(outcome.calls));
    line.set(QStringLiteral("in_flight"), InFlight);
    line.set(QStringLiteral("worker_threads"), bench.engine->options().workerThreads);
    line.setFigure(QStringLiteral("seconds"), outcome.seconds);
    line.setFigure(QStringLiteral("calls_per_s"), outcome.callsPerSecond(), 0);
    addLatency(line, outcome);
    if (objects > 1) {
        // Calls 0..objects-1 are each object's first: they create its file.
        line.setFigure(QStringLiteral("first_call_p50_ms"), outcome.percentileMs(0.50, 0, objects));
        line.setFigure(QStringLiteral("first_call_p99_ms"), outcome.percentileMs(0.99, 0, objects));
        line.setFigure(QStringLiteral("later_call_p50_ms"),
                       outcome.percentileMs(0.50, objects, total));
        line.setFigure(QStringLiteral("later_call_p99_ms"),
                       outcome.percentileMs(0.99, objects, total));
    }
    line.setFigure(QStringLiteral("peak_rss_mb"), sampler.peakRssMb(), 1);
    if (objects > 1) {
        // SQLite's own floor for this many open objects, on top of what the process held before.
        const double floorMb = rssBeforeMb + double(objects) *
                                                 limit(LimitConnectionMemory).bytesEach /
                                                 (1024 * 1024);
        line.setFigure(QStringLiteral("rss_before_mb"), rssBeforeMb, 1);
        line.setFigure(QStringLiteral("rss_limit_mb"), floorMb, 1);
        line.setFigure(QStringLiteral("rss_ratio_to_limit"),
                       floorMb > 0 ? sampler.peakRssMb() / floorMb : 0);
    }
    line.set(QStringLiteral("final_counts_checked"), double(reads.calls));
    addLimit(line, fullDurability ? LimitCommitsFull : LimitCommits,
             QStringLiteral("limit_commits_per_s"), outcome.callsPerSecond());
    return finish(line, problems);
}

bool Workloads::create()
{
    // New objects only: each call is its object's first, so each creates a file. The figure is
    // objects created per second, next to the same work done by hand.
    limit(LimitCreates);
    BenchLine line(QStringLiteral("create"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const qint64 objects = scaled(1000);
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"),
                                                QStringLiteral("create-"), objects);
    if (stubs.empty())
        return finish(line, {bench.error});
    DurableTest::Counter::overlaps = 0;
    const PumpOutcome outcome = CallPump::run(
        objects, InFlight,
        [&stubs](qint64 i) {
            return CallSpec {stubs[size_t(i)], Increment, 1};
        },
        [](qint64 i, const QJsonValue &reply) {
            return reply.toInteger(-1) == 1 ? QString()
                                            : QStringLiteral("object %1 replied %2, expected 1")
                                                  .arg(i)
                                                  .arg(reply.toInteger(-1));
        });
    if (const QString p = describe(outcome, QStringLiteral("creating")); !p.isEmpty())
        problems << p;
    const qint64 files = diskFiles(bench.dir.path());
    if (outcome.finished && files != objects)
        problems << QStringLiteral("%1 object files for %2 objects").arg(files).arg(objects);
    line.set(QStringLiteral("objects"), double(objects));
    line.set(QStringLiteral("in_flight"), InFlight);
    line.set(QStringLiteral("worker_threads"), bench.engine->options().workerThreads);
    line.setFigure(QStringLiteral("seconds"), outcome.seconds);
    line.setFigure(QStringLiteral("objects_per_s"), outcome.callsPerSecond(), 0);
    addLatency(line, outcome);
    line.set(QStringLiteral("object_files_checked"), double(files));
    addLimit(line, LimitCreates, QStringLiteral("limit_files_per_s"), outcome.callsPerSecond());
    return finish(line, problems);
}

// Bytes in the object files (databases and WALs) under dataDir.
struct DiskUse
{
    qint64 total = 0;
    qint64 wal = 0;
};

DiskUse diskUse(const QString &dataDir)
{
    DiskUse use;
    QDirIterator it(dataDir + QStringLiteral("/objects"), QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const qint64 size = it.fileInfo().size();
        use.total += size;
        if (it.fileName().endsWith(QLatin1String("-wal")))
            use.wal += size;
    }
    return use;
}

bool Workloads::disk()
{
    // The counter load, then what it left on disk: with the engine running and after a clean
    // shutdown. Disk use should follow the data (a few KB per counter), not the WAL's size.
    const qint64 objects = scaled(200);
    constexpr qint64 callsPerObject = 550;
    BenchLine line(QStringLiteral("disk"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"), QStringLiteral("d-"),
                                                objects);
    if (stubs.empty())
        return finish(line, {bench.error});
    ReplyLedger ledger(objects, callsPerObject);
    const PumpOutcome outcome = CallPump::run(
        objects * callsPerObject, InFlight,
        [&stubs, objects](qint64 i) {
            return CallSpec {stubs[size_t(i % objects)], Increment, 1};
        },
        [&ledger, objects](qint64 i, const QJsonValue &reply) {
            return ledger.note(i % objects, reply);
        });
    if (const QString p = describe(outcome, QStringLiteral("increments")); !p.isEmpty())
        problems << p;
    if (const qint64 missing = ledger.missing(); outcome.finished && missing > 0)
        problems << QStringLiteral("%1 increment replies never seen").arg(missing);
    const DiskUse live = diskUse(bench.dir.path());
    bench.stop();
    const DiskUse after = diskUse(bench.dir.path());
    line.set(QStringLiteral("objects"), double(objects));
    line.set(QStringLiteral("calls_per_object"), double(callsPerObject));
    line.setFigure(QStringLiteral("seconds"), outcome.seconds);
    line.setFigure(QStringLiteral("calls_per_s"), outcome.callsPerSecond(), 0);
    line.setFigure(QStringLiteral("live_kb_per_object"), double(live.total) / objects / 1024.0, 1);
    line.setFigure(QStringLiteral("live_wal_kb_per_object"), double(live.wal) / objects / 1024.0,
                   1);
    line.setFigure(QStringLiteral("shutdown_kb_per_object"), double(after.total) / objects / 1024.0,
                   1);
    line.setFigure(QStringLiteral("shutdown_wal_kb_per_object"),
                   double(after.wal) / objects / 1024.0, 1);
    return finish(line, problems);
}

bool Workloads::echo()
{
    limit(LimitQueue);
    BenchLine line(QStringLiteral("echo"));
    QStringList problems;
    // The executor's own ceiling: no storage, and no journal entry per turn either.
    BenchEngine bench(Durability::Normal, false);
    if (!bench.ok())
        return finish(line, {bench.error});
    constexpr qint64 objects = 16;
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Echo"), QStringLiteral("echo-"),
                                                objects);
    if (stubs.empty())
        return finish(line, {bench.error});
    const qint64 total = scaled(2000000);
    const QString method = QStringLiteral("echo");
    ResourceSampler sampler;
    const PumpOutcome outcome = CallPump::run(
        total, InFlight,
        [&stubs, &method](qint64 i) {
            return CallSpec {stubs[size_t(i % objects)], method, double(i)};
        },
        [](qint64 i, const QJsonValue &reply) {
            return reply.toDouble(-1) == double(i)
                       ? QString()
                       : QStringLiteral("echoed %1").arg(reply.toDouble(-1));
        });
    sampler.stop();
    if (const QString p = describe(outcome, QStringLiteral("echo")); !p.isEmpty())
        problems << p;

    line.set(QStringLiteral("objects"), double(objects));
    line.set(QStringLiteral("calls"), double(outcome.calls));
    line.set(QStringLiteral("in_flight"), InFlight);
    line.set(QStringLiteral("in_flight_note"),
             QStringLiteral("64 in flight in total over 16 objects"));
    line.set(QStringLiteral("journal"), false);
    line.set(QStringLiteral("worker_threads"), bench.engine->options().workerThreads);
    line.setFigure(QStringLiteral("seconds"), outcome.seconds);
    line.setFigure(QStringLiteral("calls_per_s"), outcome.callsPerSecond(), 0);
    addLatency(line, outcome);
    line.setFigure(QStringLiteral("peak_rss_mb"), sampler.peakRssMb(), 1);
    addLimit(line, LimitQueue, QStringLiteral("limit_messages_per_s"), outcome.callsPerSecond());
    return finish(line, problems);
}

bool Workloads::sql()
{
    limit(LimitInserts);
    BenchLine line(QStringLiteral("sql"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("SqlWriter"), QStringLiteral("sql-"),
                                                1);
    if (stubs.empty())
        return finish(line, {bench.error});
    const Stub &writer = stubs.front();
    const PumpOutcome setup = CallPump::run(
        1, 1,
        [&writer](qint64) {
            return CallSpec {writer, QStringLiteral("setup"), {}};
        },
        {});
    if (const QString p = describe(setup, QStringLiteral("setup")); !p.isEmpty())
        return finish(line, {p});

    const qint64 rows = scaled(100000);
    const qint64 batches = rows / SqlBatchRows;
    const QString insert = QStringLiteral("insertBatch");
    ResourceSampler sampler;
    // One batch in flight: each batch is its own call and its own commit, as in the raw limit.
    const PumpOutcome outcome = CallPump::run(
        batches, 1,
        [&writer, &insert](qint64 i) {
            return CallSpec {writer, insert,
                             QJsonObject {{QStringLiteral("first"), double(i * SqlBatchRows)},
                                          {QStringLiteral("count"), SqlBatchRows}}};
        },
        [](qint64, const QJsonValue &reply) {
            return reply.toInt() == SqlBatchRows ? QString()
                                                 : QStringLiteral("inserted %1").arg(reply.toInt());
        });
    sampler.stop();
    if (const QString p = describe(outcome, QStringLiteral("inserts")); !p.isEmpty())
        problems << p;

    QJsonArray stats;
    const PumpOutcome check = CallPump::run(
        1, 1,
        [&writer](qint64) {
            return CallSpec {writer, QStringLiteral("stats"), {}};
        },
        [&stats](qint64, const QJsonValue &reply) {
            stats = reply.toArray();
            return QString();
        });
    qint64 expectedValueSum = 0;
    for (qint64 id = 0; id < batches * SqlBatchRows; ++id)
        expectedValueSum += id % 1000;
    const qint64 stored = batches * SqlBatchRows;
    if (const QString p = describe(check, QStringLiteral("stats")); !p.isEmpty())
        problems << p;
    else if (stats.size() != 3 || stats[0].toInteger() != stored ||
             stats[1].toInteger() != stored * (stored - 1) / 2 ||
             stats[2].toInteger() != expectedValueSum)
        problems << QStringLiteral(
                        "table holds count/sum(id)/sum(value) %1/%2/%3, expected %4/%5/%6")
                        .arg(stats[0].toInteger())
                        .arg(stats[1].toInteger())
                        .arg(stats[2].toInteger())
                        .arg(stored)
                        .arg(stored * (stored - 1) / 2)
                        .arg(expectedValueSum);

    const double rowsPerSecond = outcome.seconds > 0 ? double(stored) / outcome.seconds : 0;
    line.set(QStringLiteral("rows"), double(stored));
    line.set(QStringLiteral("batch_rows"), SqlBatchRows);
    line.set(QStringLiteral("batches"), double(batches));
    line.set(QStringLiteral("in_flight"), 1);
    line.setFigure(QStringLiteral("seconds"), outcome.seconds);
    line.setFigure(QStringLiteral("rows_per_s"), rowsPerSecond, 0);
    addLatency(line, outcome, QStringLiteral("batch_"));
    line.setFigure(QStringLiteral("peak_rss_mb"), sampler.peakRssMb(), 1);
    line.set(QStringLiteral("rows_checked"), double(stats.isEmpty() ? 0 : stats[0].toInteger()));
    addLimit(line, LimitInserts, QStringLiteral("limit_rows_per_s"), rowsPerSecond);
    return finish(line, problems);
}

bool Workloads::activation()
{
    const LimitFigure &rawOpen = limit(LimitOpens);
    BenchLine line(QStringLiteral("activation"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const qint64 objects = scaled(10000);
    const qint64 cold = scaled(1000);
    const auto valueOf = [](qint64 i) { return i % 97 + 1; };
    const QString prefix = QStringLiteral("act-");

    // Give every object state.
    {
        const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"), prefix, objects);
        if (stubs.empty())
            return finish(line, {bench.error});
        const PumpOutcome fill = CallPump::run(
            objects, InFlight,
            [&stubs, &valueOf](qint64 i) {
                return CallSpec {stubs[size_t(i)], Increment, double(valueOf(i))};
            },
            [&valueOf](qint64 i, const QJsonValue &reply) {
                return reply.toInteger(-1) == valueOf(i)
                           ? QString()
                           : QStringLiteral("fill replied %1").arg(reply.toInteger(-1));
            });
        if (const QString p = describe(fill, QStringLiteral("fill")); !p.isEmpty())
            return finish(line, {p});
    }

    // Shut the engine down and start a new one on the same directory.
    bench.stop();
    const Clock::time_point restartBegin = Clock::now();
    if (!bench.start())
        return finish(line, {bench.error});
    const double restartMs =
        std::chrono::duration<double, std::milli>(Clock::now() - restartBegin).count();

    std::vector<qint64> order(static_cast<size_t>(objects));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 random(20240601);
    std::shuffle(order.begin(), order.end(), random);
    order.resize(size_t(cold));
    std::vector<Stub> picked;
    for (const qint64 i : order)
        picked.push_back(
            bench.engine->stub(QStringLiteral("Counter"), prefix + QString::number(i)).value());

    const auto readBack = [&](const QString &phase) {
        // One call at a time: the latency of an activation, not of a queue.
        const PumpOutcome reads = CallPump::run(
            cold, 1,
            [&picked](qint64 k) {
                return CallSpec {picked[size_t(k)], Get, {}};
            },
            [&order, &valueOf](qint64 k, const QJsonValue &reply) {
                const qint64 expected = valueOf(order[size_t(k)]);
                return reply.toInteger(-1) == expected
                           ? QString()
                           : QStringLiteral("object %1 read %2, expected %3")
                                 .arg(order[size_t(k)])
                                 .arg(reply.toInteger(-1))
                                 .arg(expected);
            });
        if (const QString p = describe(reads, phase); !p.isEmpty())
            problems << p;
        return reads;
    };
    const int startsBefore = DurableTest::Counter::starts.load();
    ResourceSampler sampler;
    const PumpOutcome coldReads = readBack(QStringLiteral("cold reads"));
    sampler.stop();
    const int activations = DurableTest::Counter::starts.load() - startsBefore;
    const PumpOutcome warmReads = readBack(QStringLiteral("warm reads"));
    if (activations != cold)
        problems << QStringLiteral("%1 activations for %2 cold calls").arg(activations).arg(cold);

    line.set(QStringLiteral("objects_with_state"), double(objects));
    line.set(QStringLiteral("cold_calls"), double(coldReads.calls));
    line.set(QStringLiteral("in_flight"), 1);
    line.set(QStringLiteral("activations"), activations);
    line.setFigure(QStringLiteral("restart_ms"), restartMs);
    line.setFigure(QStringLiteral("calls_per_s"), coldReads.callsPerSecond(), 0);
    addLatency(line, coldReads);
    addLatency(line, warmReads, QStringLiteral("warm_"));
    line.setFigure(QStringLiteral("peak_rss_mb"), sampler.peakRssMb(), 1);
    line.set(QStringLiteral("limit"), LimitOpens);
    line.setFigure(QStringLiteral("limit_p50_ms"), rawOpen.p50Ms);
    line.setFigure(QStringLiteral("limit_p99_ms"), rawOpen.p99Ms);
    line.setFigure(QStringLiteral("p99_ratio_to_limit"),
                   rawOpen.p99Ms > 0 ? coldReads.percentileMs(0.99) / rawOpen.p99Ms : 0);
    line.set(
        QStringLiteral("note"),
        QStringLiteral("cold = first call after an engine restart; the OS page cache is warm"));
    return finish(line, problems);
}

bool Workloads::scale()
{
    BenchLine line(QStringLiteral("scale"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const qint64 objects = scaled(100000);
    const auto valueOf = [](qint64 i) { return i % 1000 + 1; };
    ResourceSampler sampler(100, true);
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"), QStringLiteral("scale-"),
                                                objects);
    if (stubs.empty())
        return finish(line, {bench.error});
    const int startsBefore = DurableTest::Counter::starts.load();
    const PumpOutcome writes = CallPump::run(
        objects, InFlight,
        [&stubs, &valueOf](qint64 i) {
            return CallSpec {stubs[size_t(i)], Increment, double(valueOf(i))};
        },
        [&valueOf](qint64 i, const QJsonValue &reply) {
            return reply.toInteger(-1) == valueOf(i)
                       ? QString()
                       : QStringLiteral("write replied %1").arg(reply.toInteger(-1));
        });
    if (const QString p = describe(writes, QStringLiteral("writes")); !p.isEmpty())
        problems << p;
    const PumpOutcome reads = CallPump::run(
        objects, InFlight,
        [&stubs](qint64 i) {
            return CallSpec {stubs[size_t(i)], Get, {}};
        },
        [&valueOf](qint64 i, const QJsonValue &reply) {
            return reply.toInteger(-1) == valueOf(i)
                       ? QString()
                       : QStringLiteral("object %1 read %2, expected %3")
                             .arg(i)
                             .arg(reply.toInteger(-1))
                             .arg(valueOf(i));
        });
    sampler.stop();
    if (const QString p = describe(reads, QStringLiteral("reads")); !p.isEmpty())
        problems << p;
    const int activations = DurableTest::Counter::starts.load() - startsBefore;

    rlimit files {};
    getrlimit(RLIMIT_NOFILE, &files);
    const int maxOpen = bench.engine->options().maxOpenObjects;
    if (sampler.peakOpenFiles() >= qint64(files.rlim_cur))
        problems << QStringLiteral("open files reached the limit %1").arg(qint64(files.rlim_cur));

    const double seconds = writes.seconds + reads.seconds;
    line.set(QStringLiteral("objects"), double(objects));
    line.set(QStringLiteral("calls"), double(writes.calls + reads.calls));
    line.set(QStringLiteral("in_flight"), InFlight);
    line.setFigure(QStringLiteral("seconds"), seconds);
    line.setFigure(QStringLiteral("calls_per_s"),
                   seconds > 0 ? double(writes.calls + reads.calls) / seconds : 0, 0);
    line.setFigure(QStringLiteral("write_calls_per_s"), writes.callsPerSecond(), 0);
    line.setFigure(QStringLiteral("read_calls_per_s"), reads.callsPerSecond(), 0);
    addLatency(line, writes, QStringLiteral("write_"));
    addLatency(line, reads, QStringLiteral("read_"));
    line.set(QStringLiteral("reads_checked"), double(reads.calls));
    line.set(QStringLiteral("activations"), activations);
    line.set(QStringLiteral("peak_open_files"), sampler.peakOpenFiles());
    line.set(QStringLiteral("max_open_objects"), maxOpen);
    line.set(QStringLiteral("file_limit"), double(files.rlim_cur));
    line.setFigure(QStringLiteral("peak_rss_mb"), sampler.peakRssMb(), 1);
    return finish(line, problems);
}

namespace {

// Re-arms its alarm every chainEveryMs and records each firing: the alarms-virtual load.
class ChainAlarm : public DurableObject
{
public:
    static inline QMutex mutex;
    static inline std::vector<std::pair<qint64, qint64>> firings; // (now, scheduled)

    QJsonValue onRequest(const QString &, const QJsonValue &args) override
    {
        storage().put(QStringLiteral("every"), args[QStringLiteral("chainEveryMs")]);
        storage().setAlarm(qint64(args[QStringLiteral("at")].toDouble()));
        return true;
    }
    void onAlarm(const AlarmInfo &info) override
    {
        const qint64 now = context().nowMs();
        {
            QMutexLocker lock(&mutex);
            firings.emplace_back(now, info.scheduledTime.toMSecsSinceEpoch());
        }
        storage().put(QStringLiteral("fired"), storage().get(QStringLiteral("fired")).toInt() + 1);
        storage().setAlarm(now + qint64(storage().get(QStringLiteral("every")).toDouble()));
    }
};

double percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1,
                                  size_t(std::ceil(p * double(values.size())) - 1));
    return double(values[index]);
}

} // namespace

bool Workloads::alarms()
{
    // 1,000 objects each set an alarm 500 ms ahead on the system clock; lateness is the time
    // the handler ran minus the time the alarm was due, as the engine clock reports it.
    const LimitFigure &timers = limit(LimitTimers);
    BenchLine line(QStringLiteral("alarms"));
    QStringList problems;
    DurableTest::AlarmProbe::resetFirings();
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const qint64 objects = scaled(1000);
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("AlarmProbe"),
                                                QStringLiteral("alarm-"), objects);
    // Objects exist first (creating a file is not what this measures), then each call sets its
    // alarm 500 ms after the moment it is issued.
    const PumpOutcome created = CallPump::run(
        objects, InFlight,
        [&stubs](qint64 i) {
            return CallSpec {stubs[size_t(i)], QStringLiteral("alarm"), QJsonValue()};
        },
        [](qint64, const QJsonValue &) { return QString(); });
    if (const QString p = describe(created, QStringLiteral("creating")); !p.isEmpty())
        problems << p;
    const PumpOutcome armed = CallPump::run(
        objects, InFlight,
        [&stubs](qint64 i) {
            const double due = double(QDateTime::currentMSecsSinceEpoch() + 500);
            return CallSpec {stubs[size_t(i)], QStringLiteral("set"),
                             QJsonObject {{QStringLiteral("at"), due}}};
        },
        [](qint64, const QJsonValue &) { return QString(); });
    if (const QString p = describe(armed, QStringLiteral("arming")); !p.isEmpty())
        problems << p;
    QElapsedTimer waited;
    waited.start();
    while (DurableTest::AlarmProbe::fired.load() < objects && waited.elapsed() < 30000)
        QThread::msleep(5);
    QThread::msleep(600); // anything firing twice would show up now
    std::vector<qint64> lateness;
    QHash<QString, int> perObject;
    {
        QMutexLocker lock(&DurableTest::AlarmProbe::firingsMutex);
        for (const auto &firing : std::as_const(DurableTest::AlarmProbe::firings)) {
            lateness.push_back(firing.nowMs - firing.scheduledMs);
            ++perObject[firing.name];
        }
    }
    if (qint64(perObject.size()) != objects)
        problems << QStringLiteral("%1 of %2 objects fired").arg(perObject.size()).arg(objects);
    for (auto it = perObject.cbegin(); it != perObject.cend(); ++it) {
        if (it.value() != 1)
            problems << QStringLiteral("%1 fired %2 times").arg(it.key()).arg(it.value());
    }
    line.set(QStringLiteral("objects"), double(objects));
    line.setFigure(QStringLiteral("arming_seconds"), armed.seconds);
    line.set(QStringLiteral("fired"), double(lateness.size()));
    line.setFigure(QStringLiteral("lateness_p50_ms"), percentile(lateness, 0.50), 0);
    line.setFigure(QStringLiteral("lateness_p99_ms"), percentile(lateness, 0.99), 0);
    line.setFigure(
        QStringLiteral("lateness_max_ms"),
        lateness.empty() ? 0 : double(*std::max_element(lateness.begin(), lateness.end())), 0);
    line.set(QStringLiteral("limit"), LimitTimers);
    line.setFigure(QStringLiteral("limit_lateness_p50_ms"), timers.p50Ms, 0);
    line.setFigure(QStringLiteral("limit_lateness_p99_ms"), timers.p99Ms, 0);
    return finish(line, problems);
}

bool Workloads::alarmsVirtual()
{
    // 1,000 objects whose alarms re-arm themselves every 100.8 minutes: 100,000 alarms over a
    // simulated week, crossed by one VirtualClock::advance().
    limit(LimitCommits); // each alarm is at least one turn, one commit
    BenchLine line(QStringLiteral("alarms-virtual"));
    QStringList problems;
    {
        QMutexLocker lock(&ChainAlarm::mutex);
        ChainAlarm::firings.clear();
    }
    QTemporaryDir dir;
    auto clock = std::make_shared<VirtualClock>();
    EngineOptions options;
    options.dataDir = dir.path();
    options.clock = clock;
    Engine engine(options);
    (void)engine.registerClass<ChainAlarm>(QStringLiteral("ChainAlarm"));
    if (auto ok = engine.start(); !ok)
        return finish(line, {ok.error().message()});
    const qint64 objects = scaled(1000);
    const qint64 every = 6048 * 1000; // a week / 100
    const qint64 t0 = clock->nowMs();
    std::vector<Stub> stubs;
    for (qint64 i = 0; i < objects; ++i)
        stubs.push_back(
            engine.stub(QStringLiteral("ChainAlarm"), QStringLiteral("chain-%1").arg(i)).value());
    const PumpOutcome armed = CallPump::run(
        objects, InFlight,
        [&stubs, t0, objects](qint64 i) {
            const qint64 first = t0 + 1 + (every * i) / objects; // spread over the first interval
            return CallSpec {stubs[size_t(i)], QStringLiteral("set"),
                             QJsonObject {{QStringLiteral("at"), double(first)},
                                          {QStringLiteral("chainEveryMs"), double(every)}}};
        },
        [](qint64, const QJsonValue &) { return QString(); });
    if (const QString p = describe(armed, QStringLiteral("arming")); !p.isEmpty())
        problems << p;
    QElapsedTimer timer;
    timer.start();
    const int fired = clock->advance(std::chrono::milliseconds(every * 100));
    const double seconds = timer.nsecsElapsed() / 1e9;
    const qint64 expected = objects * 100;
    if (fired != expected)
        problems << QStringLiteral("fired %1 alarms, expected %2").arg(fired).arg(expected);
    {
        QMutexLocker lock(&ChainAlarm::mutex);
        const auto &firings = ChainAlarm::firings;
        if (qint64(firings.size()) != expected)
            problems << QStringLiteral("%1 handler runs for %2 alarms")
                            .arg(firings.size())
                            .arg(expected);
        for (size_t i = 1; i < firings.size(); ++i) {
            if (firings[i].second < firings[i - 1].second) {
                problems << QStringLiteral("alarms fired out of due order");
                break;
            }
        }
        for (const auto &[now, scheduled] : firings) {
            if (now != scheduled) {
                problems << QStringLiteral("an alarm saw the time %1, not its due time %2")
                                .arg(now)
                                .arg(scheduled);
                break;
            }
        }
    }
    engine.shutdown();
    line.set(QStringLiteral("objects"), double(objects));
    line.set(QStringLiteral("alarms"), double(fired));
    line.set(QStringLiteral("simulated_days"), 7);
    line.setFigure(QStringLiteral("seconds"), seconds);
    line.setFigure(QStringLiteral("alarms_per_s"), seconds > 0 ? fired / seconds : 0, 0);
    addLimit(line, LimitCommits, QStringLiteral("limit_commits_per_s"),
             seconds > 0 ? fired / seconds : 0);
    return finish(line, problems);
}

template<typename T>
static Result<T> waitFor(QFuture<T> future)
{
    try {
        future.waitForFinished();
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

bool Workloads::timeTravel()
{
    // One object with 100,000 journaled turns; stateAt and diff at random turns.
    BenchLine line(QStringLiteral("timetravel"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    const qint64 turns = scaled(100000);
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"),
                                                QStringLiteral("history-"), 1);
    const PumpOutcome outcome = CallPump::run(
        turns, InFlight,
        [&stubs](qint64) {
            return CallSpec {stubs[0], Increment, 1};
        },
        [](qint64, const QJsonValue &) { return QString(); });
    if (const QString p = describe(outcome, QStringLiteral("increments")); !p.isEmpty())
        problems << p;
    Inspector inspector(bench.engine.get());
    std::mt19937_64 random(42);
    std::vector<qint64> stateUs, diffUs;
    for (int i = 0; i < 200; ++i) {
        const qint64 seq = qint64(random() % quint64(turns)) + 1;
        QElapsedTimer timer;
        timer.start();
        const auto state = waitFor(
            inspector.stateAt(QStringLiteral("Counter"), stubs[0].id(), seq));
        stateUs.push_back(timer.nsecsElapsed() / 1000);
        // The counter's value after turn seq is seq: the reconstruction must say so.
        if (!state.ok() || state.value().size() != 1 ||
            state.value().first().value.toInteger() != seq) {
            problems << QStringLiteral("stateAt(%1) is wrong").arg(seq);
            break;
        }
        const qint64 other = qint64(random() % quint64(turns)) + 1;
        timer.restart();
        const auto diff = waitFor(
            inspector.diff(QStringLiteral("Counter"), stubs[0].id(), seq, other));
        diffUs.push_back(timer.nsecsElapsed() / 1000);
        if (!diff.ok() ||
            (seq != other && (diff.value().keys.size() != 1 ||
                              diff.value().keys.first().after.toInteger() != other))) {
            problems << QStringLiteral("diff(%1, %2) is wrong").arg(seq).arg(other);
            break;
        }
    }
    line.set(QStringLiteral("turns"), double(turns));
    line.setFigure(QStringLiteral("state_at_p50_ms"), percentile(stateUs, 0.5) / 1000.0);
    line.setFigure(QStringLiteral("state_at_p99_ms"), percentile(stateUs, 0.99) / 1000.0);
    line.setFigure(QStringLiteral("diff_p50_ms"), percentile(diffUs, 0.5) / 1000.0);
    line.setFigure(QStringLiteral("diff_p99_ms"), percentile(diffUs, 0.99) / 1000.0);
    line.set(QStringLiteral("target_ms"), 50);
    return finish(line, problems);
}

namespace {

// Lives on its own thread (the bench's main thread blocks while calls run): an Inspector
// there drains the change feed and counts what it delivers.
class FeedCounter : public QObject
{
public:
    std::atomic<qint64> turnEvents {0};
    std::atomic<qint64> batches {0};
    std::unique_ptr<Inspector> inspector;
    void attach(Engine *engine)
    {
        inspector = std::make_unique<Inspector>(engine);
        QObject::connect(inspector.get(), &Inspector::changesAvailable, this,
                         [this](const QList<ChangeEvent> &batch) {
                             ++batches;
                             for (const ChangeEvent &event : batch) {
                                 if (event.kind == ChangeEvent::Kind::TurnCompleted)
                                     ++turnEvents;
                             }
                         });
    }
};

} // namespace

bool Workloads::feed()
{
    // The change feed under load: every turn's event must reach a subscriber, in batches.
    BenchLine line(QStringLiteral("feed"));
    QStringList problems;
    BenchEngine bench(Durability::Normal);
    if (!bench.ok())
        return finish(line, {bench.error});
    QThread thread;
    FeedCounter counter;
    counter.moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(
        &counter, [&counter, &bench] { counter.attach(bench.engine.get()); },
        Qt::BlockingQueuedConnection);
    const qint64 objects = 16;
    const qint64 total = scaled(200000);
    const std::vector<Stub> stubs = bench.stubs(QStringLiteral("Counter"), QStringLiteral("feed-"),
                                                objects);
    const PumpOutcome outcome = CallPump::run(
        total, InFlight,
        [&stubs](qint64 i) {
            return CallSpec {stubs[size_t(i % objects)], Increment, 1};
        },
        [](qint64, const QJsonValue &) { return QString(); });
    if (const QString p = describe(outcome, QStringLiteral("increments")); !p.isEmpty())
        problems << p;
    QElapsedTimer drained;
    drained.start();
    while (counter.turnEvents.load() < total && drained.elapsed() < 10000)
        QThread::msleep(10);
    const double seconds = outcome.seconds + drained.elapsed() / 1000.0;
    if (counter.turnEvents.load() != total)
        problems << QStringLiteral("%1 turn events delivered for %2 turns")
                        .arg(counter.turnEvents.load())
                        .arg(total);
    QMetaObject::invokeMethod(
        &counter, [&counter] { counter.inspector.reset(); }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    line.set(QStringLiteral("turns"), double(total));
    line.setFigure(QStringLiteral("turns_per_s"), outcome.callsPerSecond(), 0);
    line.setFigure(QStringLiteral("events_per_s_delivered"), counter.turnEvents.load() / seconds,
                   0);
    line.set(QStringLiteral("batches"), double(counter.batches.load()));
    line.setFigure(
        QStringLiteral("events_per_batch"),
        counter.batches.load() ? double(counter.turnEvents.load()) / counter.batches.load() : 0, 0);
    return finish(line, problems);
}

namespace {

// Streams one model reply per "ask"; the reply's text is what the benchmark follows.
class StreamAsker : public Agent
{
public:
    StreamAsker()
    {
        handle("ask", &StreamAsker::ask);
        handle("replies", &StreamAsker::replies);
        continuation("onReply", &StreamAsker::onReply);
    }
    QJsonValue ask(const QJsonValue &args)
    {
        ChatRequest request;
        request.messages = {ChatMessage::user(args.toString())};
        return callModel(request, QStringLiteral("onReply"));
    }
    void onReply(const QJsonValue &, const ChatReply &reply)
    {
        QJsonObject next = state();
        next.insert(QStringLiteral("replies"), next.value(QStringLiteral("replies")).toInt() + 1);
        next.insert(QStringLiteral("length"), double(reply.content.size()));
        setState(next);
    }
    QJsonValue replies() const { return state(); }
};

} // namespace

bool Workloads::stream()
{
    // Streamed model tokens through the engine: a loopback fake OpenAI server paces text deltas
    // (slower than the engine's 20 ms coalescing, so each one is published on its own), and a
    // feed subscriber (an Inspector draining every 1 ms) notes when each arrives. Latency is
    // arrival minus the moment the server wrote that delta, so the server's pacing is not in it.
    BenchLine line(QStringLiteral("stream"));
    QStringList problems;
    QNetworkProxyFactory::setUseSystemConfiguration(false);
    using Durable::Testing::FakeOpenAiServer;
    using Durable::Testing::FakeResponse;
    FakeOpenAiServer server;
    if (!server.listen())
        return finish(line, {QStringLiteral("the fake model server could not listen")});
    const int streams = m_quick ? 2 : 8;
    const int pieces = m_quick ? 20 : 100;
    const int paceMs = 25;
    const QString piece = QStringLiteral("tok567 "); // 7 characters: length / 7 = pieces so far
    const QStringList texts(pieces, piece);
    for (int i = 0; i < streams; ++i)
        server.enqueue(FakeResponse::textStream(texts, paceMs));

    QTemporaryDir dir;
    EngineOptions options;
    options.dataDir = dir.path();
    OpenAiConfig config;
    config.baseUrl = server.baseUrl();
    config.model = QStringLiteral("bench-model");
    config.timeoutMs = 120000;
    options.modelProvider = [config](Durable::Clock *) -> std::unique_ptr<ChatModel> {
        return std::make_unique<OpenAiChatModel>(config);
    };
    Engine engine(options);
    (void)engine.registerClass<StreamAsker>(QStringLiteral("StreamAsker"));
    if (auto started = engine.start(); !started)
        return finish(line, {started.error().message()});
    Inspector inspector(&engine);
    inspector.setFeedInterval(1);

    QElapsedTimer clock;
    clock.start();
    // Per request (in the server's order): its stream number (the "s<n>" asked) and the write
    // time of each event; event k + 1 is piece k (event 0 is the role chunk).
    QList<int> streamOfRequest;
    QHash<int, QList<qint64>> sentAt; // by stream
    QObject::connect(&server, &FakeOpenAiServer::requestReceived, &server, [&] {
        const QJsonObject body = server.requests().last().json();
        const QString asked = body.value(QStringLiteral("messages"))
                                  .toArray()
                                  .last()
                                  .toObject()
                                  .value(QStringLiteral("content"))
                                  .toString();
        streamOfRequest.append(asked.mid(1).toInt());
    });
    QObject::connect(&server, &FakeOpenAiServer::streamEventSent, &server,
                     [&](int request, int index) {
                         QList<qint64> &times = sentAt[streamOfRequest.value(request, -1)];
                         times.resize(std::max<qsizetype>(times.size(), index + 1));
                         times[index] = clock.nsecsElapsed();
                     });
    std::vector<qint64> latencyNs;
    int coalesced = 0;
    int replies = 0;
    QHash<QString, qint64> streamedLength;
    QEventLoop loop;
    QObject::connect(
        &inspector, &Inspector::changesAvailable, &loop, [&](const QList<ChangeEvent> &batch) {
            const qint64 now = clock.nsecsElapsed();
            for (const ChangeEvent &event : batch) {
                if (event.kind == ChangeEvent::Kind::TurnCompleted &&
                    event.detail.value(QStringLiteral("trigger")).toString() ==
                        QLatin1String("model-reply")) {
                    if (++replies == streams)
                        loop.quit();
                    continue;
                }
                if (event.kind != ChangeEvent::Kind::ModelDelta)
                    continue;
                const QString delta = event.detail.value(QStringLiteral("delta")).toString();
                const auto length = qint64(event.detail.value(QStringLiteral("length")).toDouble());
                streamedLength[event.name] += delta.size();
                if (delta.size() > piece.size())
                    ++coalesced;
                const int stream = event.name.mid(1).toInt();
                const qsizetype lastEvent = length / piece.size();
                const QList<qint64> times = sentAt.value(stream);
                if (lastEvent < times.size() && times.at(lastEvent) > 0)
                    latencyNs.push_back(now - times.at(lastEvent));
            }
        });
    for (int i = 0; i < streams; ++i) {
        const QString name = QStringLiteral("s%1").arg(i);
        Result<Stub> stub = engine.stub(QStringLiteral("StreamAsker"), name);
        if (!stub || !waitFor(stub->call(QStringLiteral("ask"), name)))
            problems << QStringLiteral("could not ask %1").arg(name);
    }
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    if (problems.isEmpty())
        loop.exec();
    if (replies != streams)
        problems << QStringLiteral("%1 of %2 replies arrived").arg(replies).arg(streams);
    for (auto it = streamedLength.cbegin(); it != streamedLength.cend(); ++it) {
        if (it.value() != qint64(piece.size()) * pieces)
            problems << QStringLiteral("%1 streamed %2 characters, expected %3")
                            .arg(it.key())
                            .arg(it.value())
                            .arg(piece.size() * pieces);
    }
    if (streamedLength.size() != streams)
        problems
            << QStringLiteral("%1 of %2 objects streamed").arg(streamedLength.size()).arg(streams);
    std::vector<qint64> micros;
    for (const qint64 ns : latencyNs)
        micros.push_back(ns / 1000);
    line.set(QStringLiteral("streams"), streams);
    line.set(QStringLiteral("deltas_per_stream"), pieces);
    line.set(QStringLiteral("pace_ms"), paceMs);
    line.set(QStringLiteral("deltas_measured"), double(micros.size()));
    line.set(QStringLiteral("deltas_coalesced"), coalesced);
    line.setFigure(QStringLiteral("added_latency_p50_ms"), percentile(micros, 0.50) / 1000.0, 3);
    line.setFigure(QStringLiteral("added_latency_p99_ms"), percentile(micros, 0.99) / 1000.0, 3);
    line.setFigure(QStringLiteral("added_latency_max_ms"), percentile(micros, 1.0) / 1000.0, 3);
    return finish(line, problems);
}

} // namespace DurableBench
