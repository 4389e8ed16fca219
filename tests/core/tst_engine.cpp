// SPDX-License-Identifier: MIT
// The engine core: strands, storage, output gate, catalog, activation and bad input.
#include "feedutil.h"
#include "objectfiles.h"
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <atomic>
#include <cstring>

using namespace Durable;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

QJsonObject obj(std::initializer_list<QPair<QString, QJsonValue>> pairs)
{
    QJsonObject o;
    for (const auto &[k, v] : pairs)
        o.insert(k, v);
    return o;
}

// A VFS over the default one that counts the rollback journals SQLite opens for object files
// (not the catalog's), and the object files it opens; installed as the default while it lives.
class JournalCountingVfs
{
public:
    JournalCountingVfs() : m_base(sqlite3_vfs_find(nullptr))
    {
        s_self = this;
        m_vfs = *m_base;
        m_vfs.zName = "journal-counting";
        m_vfs.xOpen = &JournalCountingVfs::open;
        sqlite3_vfs_register(&m_vfs, 1);
    }
    ~JournalCountingVfs()
    {
        sqlite3_vfs_unregister(&m_vfs);
        sqlite3_vfs_register(m_base, 1);
        s_self = nullptr;
    }
    int journals() const { return m_journals; }
    int mainDatabases() const { return m_mainDatabases; }

private:
    static int open(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *file, int flags,
                    int *outFlags)
    {
        const bool object = name && std::strstr(name, "/objects/");
        if (object && (flags & SQLITE_OPEN_MAIN_JOURNAL))
            ++s_self->m_journals;
        if (object && (flags & SQLITE_OPEN_MAIN_DB))
            ++s_self->m_mainDatabases;
        return s_self->m_base->xOpen(s_self->m_base, name, file, flags, outFlags);
    }

    static inline JournalCountingVfs *s_self = nullptr;
    sqlite3_vfs *m_base;
    sqlite3_vfs m_vfs {};
    std::atomic<int> m_journals {0};
    std::atomic<int> m_mainDatabases {0};
};

// The first column of the first row of sql in the database file at path, read with a
// connection of its own (the engine that wrote it is shut down).
QByteArray readScalar(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    sqlite3_stmt *stmt = nullptr;
    QByteArray value;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

} // namespace

// The second version of Counter for the reload test: counts in tens, from the same storage.
class CounterInTens : public DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        if (method == QLatin1String("increment")) {
            const int next = storage().get(QStringLiteral("count")).toInt() + 10;
            storage().put(QStringLiteral("count"), next);
            return next;
        }
        if (method == QLatin1String("version"))
            return 2;
        if (method == QLatin1String("memberValue"))
            return m_member;
        return DurableObject::onRequest(method, args);
    }

private:
    int m_member = 0;
};

class TestEngine : public QObject
{
    Q_OBJECT
private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void callsReachTheObjectAndPersist()
    {
        QTemporaryDir dir;
        {
            auto engine = startTestEngine(dir.path());
            for (int i = 1; i <= 5; ++i)
                QCOMPARE(call(*engine, "Counter", "anna", "increment").value().toInt(), i);
        }
        // A new engine on the same directory sees the committed state.
        auto engine = startTestEngine(dir.path());
        QCOMPARE(call(*engine, "Counter", "anna", "get").value().toInt(), 5);
        QVERIFY(QFile::exists(dir.path() + "/engine.sqlite"));
        const QString hex = ObjectId::fromName("Counter", "anna").toString();
        QVERIFY(
            QFile::exists(dir.path() + "/objects/Counter/" + hex.left(2) + "/" + hex + ".sqlite"));
    }

    void aReplacedClassTakesOverBetweenTurnsAndKeepsStorage()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        for (int i = 1; i <= 3; ++i)
            QCOMPARE(call(*engine, "Counter", "anna", "increment").value().toInt(), i);
        QCOMPARE(call(*engine, "Counter", "anna", "setMember", 7).value().toInt(), 7);

        // A turn of a Gate runs while its class is replaced: the replacement waits for it.
        const Stub gate = engine->stub("Gate", "g").value();
        auto blocked = gate.call("block", 1);
        QVERIFY(Gate::entered.tryAcquire(1, 10000));
        QFuture<void> gateReplaced = engine->replaceClass(
            "Gate", [] { return std::unique_ptr<DurableObject>(new Echo); }, {});
        QTest::qWait(50);
        QVERIFY(!gateReplaced.isFinished());
        Gate::release.release();
        QCOMPARE(await(blocked).value().toInt(), 1);
        QVERIFY(await(std::move(gateReplaced)).ok());

        QFuture<void> replaced = engine->replaceClass(
            "Counter", [] { return std::unique_ptr<DurableObject>(new CounterInTens); }, {});
        QVERIFY(await(std::move(replaced)).ok());
        // The new code, on the stored count; the old instance's memory is gone.
        QCOMPARE(call(*engine, "Counter", "anna", "version").value().toInt(), 2);
        QCOMPARE(call(*engine, "Counter", "anna", "increment").value().toInt(), 13);
        QCOMPARE(call(*engine, "Counter", "anna", "memberValue").value().toInt(), 0);
        // New objects of the class, and a class added while running, use what is registered.
        QCOMPARE(call(*engine, "Counter", "ben", "increment").value().toInt(), 10);
        QVERIFY(await(engine->replaceClass(
                          "Added", [] { return std::unique_ptr<DurableObject>(new Echo); }, {}))
                    .ok());
        QCOMPARE(call(*engine, "Added", "a", "any", 5).value().toInt(), 5);
        QVERIFY(engine->classNames().contains("Added"));
        // A bad class is refused and changes nothing.
        const Result<void> refused = await(engine->replaceClass("Counter", {}, {}));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message().contains("no factory"),
                 qPrintable(refused.error().message()));
        QCOMPARE(call(*engine, "Counter", "anna", "version").value().toInt(), 2);
    }

    void thousandObjectsUnderConcurrentCallsEndExact()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.workerThreads = 2;
        auto engine = startTestEngine(dir.path(), options);
        Counter::overlaps = 0;
        constexpr int objects = 1000;
        constexpr int perObject = 10;
        QList<Stub> stubs;
        for (int i = 0; i < objects; ++i)
            stubs.append(engine->stub("Counter", QString::number(i)).value());
        std::atomic<int> ok {0}, failed {0};
        QSemaphore done;
        // Calls issued from two threads at once, interleaved across objects.
        auto issue = [&](int parity) {
            for (int round = 0; round < perObject; ++round) {
                for (int i = parity; i < objects; i += 2) {
                    stubs[i].call("increment", 1, [&](const Result<QJsonValue> &r) {
                        (r.ok() ? ok : failed)++;
                        done.release();
                    });
                }
            }
        };
        std::thread a(issue, 0), b(issue, 1);
        a.join();
        b.join();
        QVERIFY(done.tryAcquire(objects * perObject, 60000));
        QCOMPARE(failed.load(), 0);
        QCOMPARE(ok.load(), objects * perObject);
        for (int i = 0; i < objects; ++i)
            QCOMPARE(await(stubs[i].call("get")).value().toInt(), perObject);
        QCOMPARE(Counter::overlaps.load(), 0);
    }

    void turnsOfOneObjectNeverOverlap()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.workerThreads = 4;
        auto engine = startTestEngine(dir.path(), options);
        Counter::overlaps = 0;
        const Stub stub = engine->stub("Counter", "hot").value();
        QSemaphore done;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 500; ++i)
                    stub.call("increment", 1, [&](const Result<QJsonValue> &) { done.release(); });
            });
        }
        for (auto &t : threads)
            t.join();
        QVERIFY(done.tryAcquire(2000, 60000));
        QCOMPARE(Counter::overlaps.load(), 0);
        QCOMPARE(await(stub.call("get")).value().toInt(), 2000);
    }

    void objectsOnDifferentWorkersRunInParallel()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.workerThreads = 2;
        auto engine = startTestEngine(dir.path(), options);
        // Find two gates pinned to different workers: while one blocks, the other answers.
        const Stub first = engine->stub("Gate", "g0").value();
        auto f1 = first.call("block");
        QVERIFY(Gate::entered.tryAcquire(1, 10000));
        // Some of 16 other objects hash to the other worker and answer while g0 blocks.
        QSemaphore answered;
        for (int i = 1; i < 16; ++i) {
            engine->stub("Gate", QStringLiteral("g%1").arg(i))
                .value()
                .call("pass", i, [&answered](const Result<QJsonValue> &) { answered.release(); });
        }
        const bool parallel = answered.tryAcquire(1, 10000);
        Gate::release.release();
        QVERIFY(parallel);
        QVERIFY(await(f1).ok());
        QVERIFY(answered.tryAcquire(14, 10000)); // the rest once g0's worker is free again
    }

    void fullQueueFailsAtOnceAndDropsNothing()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.maxQueueDepth = 5;
        auto engine = startTestEngine(dir.path(), options);
        const Stub gate = engine->stub("Gate", "q").value();
        auto blocked = gate.call("block");
        QVERIFY(Gate::entered.tryAcquire(1, 10000)); // the worker is inside the first turn
        QList<QFuture<QJsonValue>> queued;
        for (int i = 0; i < 5; ++i)
            queued.append(gate.call("pass", i));
        auto refused = await(gate.call("pass", 99));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code(), ErrorCode::Overloaded);
        QVERIFY2(refused.error().message().contains("overloaded"),
                 qPrintable(refused.error().message()));
        Gate::release.release();
        QVERIFY(await(blocked).ok());
        for (int i = 0; i < 5; ++i)
            QCOMPARE(await(queued[i]).value().toInt(), i);
    }

    void keyValueFace()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        auto p = [&](const QString &method, const QJsonObject &args) {
            return call(*engine, "StorageProbe", "kv", method, args);
        };
        QVERIFY(p("get", obj({{"key", "missing"}})).value().isUndefined() ||
                p("get", obj({{"key", "missing"}})).value().isNull());
        const QJsonValue values[] = {
            QJsonValue(42),
            QJsonValue(3.25),
            QJsonValue("text \"quoted\""),
            QJsonValue(true),
            QJsonValue(QJsonValue::Null),
            QJsonArray {1, "two", QJsonObject {{"three", 3}}},
            QJsonObject {{"nested", QJsonObject {{"deep", QJsonArray {}}}}}};
        int i = 0;
        for (const QJsonValue &v : values) {
            const QString key = QStringLiteral("v%1").arg(i++);
            QVERIFY(p("put", obj({{"key", key}, {"value", v}})).ok());
            QCOMPARE(p("get", obj({{"key", key}})).value(), v);
        }
        for (const char *k : {"a/1", "a/2", "a/3", "b/1", "b/2", "c"})
            QVERIFY(p("put", obj({{"key", k}, {"value", k}})).ok());
        auto keys = [&](const QJsonObject &args) {
            QStringList out;
            for (const QJsonValue &row : p("list", args).value().toArray())
                out.append(row.toArray().at(0).toString());
            return out;
        };
        QCOMPARE(keys(obj({{"prefix", "a/"}})), QStringList({"a/1", "a/2", "a/3"}));
        QCOMPARE(keys(obj({{"prefix", "a/"}, {"reverse", true}, {"limit", 2}})),
                 QStringList({"a/3", "a/2"}));
        QCOMPARE(keys(obj({{"start", "a/2"}, {"end", "b/2"}})), QStringList({"a/2", "a/3", "b/1"}));
        QCOMPARE(keys(obj({{"prefix", "b/"}, {"start", "a"}, {"end", "b/2"}})),
                 QStringList({"b/1"}));
        QCOMPARE(p("remove", obj({{"key", "a/2"}})).value().toBool(), true);
        QCOMPARE(p("remove", obj({{"key", "a/2"}})).value().toBool(), false);
        QCOMPARE(keys(obj({{"prefix", "a/"}})), QStringList({"a/1", "a/3"}));

        // Values are JSON text, readable by any SQLite tool once the object is closed.
        QVERIFY(await(engine->evict(ObjectId::fromName("StorageProbe", "kv"))).ok());
        sqlite3 *db = nullptr;
        const QString hex = ObjectId::fromName("StorageProbe", "kv").toString();
        QCOMPARE(sqlite3_open_v2(QFile::encodeName(dir.path() + "/objects/StorageProbe/" +
                                                   hex.left(2) + "/" + hex + ".sqlite")
                                     .constData(),
                                 &db, SQLITE_OPEN_READONLY, nullptr),
                 SQLITE_OK);
        sqlite3_stmt *stmt = nullptr;
        QCOMPARE(sqlite3_prepare_v2(db, "SELECT value FROM _durable_kv WHERE key = 'v6'", -1, &stmt,
                                    nullptr),
                 SQLITE_OK);
        QCOMPARE(sqlite3_step(stmt), SQLITE_ROW);
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0))),
                 QByteArray(R"({"nested":{"deep":[]}})"));
        sqlite3_finalize(stmt);
        sqlite3_close(db);
    }

    void limitsAreClearErrors()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        auto put = [&](const QString &key, const QJsonValue &value) {
            return call(*engine, "StorageProbe", "limits", "put",
                        obj({{"key", key}, {"value", value}}));
        };
        QVERIFY(put(QString(2048, 'k'), 1).ok());
        auto bigKey = put(QString(2049, 'k'), 1);
        QCOMPARE(bigKey.error().code(), ErrorCode::LimitExceeded);
        QVERIFY2(bigKey.error().message().contains("2048 bytes"),
                 qPrintable(bigKey.error().message()));
        QVERIFY(put("big", QString(2 * 1024 * 1024 - 2, 'v')).ok());
        auto bigValue = put("big", QString(2 * 1024 * 1024, 'v'));
        QCOMPARE(bigValue.error().code(), ErrorCode::LimitExceeded);
        QVERIFY(bigValue.error().message().contains("2097152 bytes"));
        auto empty = put(QString(), 1);
        QCOMPARE(empty.error().code(), ErrorCode::InvalidArgument);
    }

    void sqlFace()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        auto sql = [&](const QString &query, const QJsonArray &params = {}) {
            return call(*engine, "StorageProbe", "sql", "sql",
                        obj({{"query", query}, {"params", params}}));
        };
        QVERIFY(sql("CREATE TABLE people(name TEXT, age INTEGER); CREATE INDEX people_age ON "
                    "people(age)")
                    .ok());
        auto inserted = sql("INSERT INTO people VALUES (?, ?), (?, ?)", {"ann", 31, "bob", 27});
        QVERIFY(inserted.ok());
        QCOMPARE(inserted.value()["written"].toInt(), 2);
        auto rows = sql("SELECT name, age FROM people WHERE age > ? ORDER BY age", {20});
        QCOMPARE(rows.value()["columns"].toArray(), QJsonArray({"name", "age"}));
        QCOMPARE(rows.value()["rows"].toArray(),
                 QJsonArray({QJsonArray {"bob", 27}, QJsonArray {"ann", 31}}));
        QCOMPARE(rows.value()["read"].toInt(), 2);

        auto invalid = sql("SELEC nonsense");
        QCOMPARE(invalid.error().code(), ErrorCode::SqlError);
        QVERIFY2(invalid.error().message().contains("syntax error"),
                 qPrintable(invalid.error().message()));
        for (const char *reserved :
             {"SELECT * FROM _durable_kv", "DELETE FROM _durable_alarm", "DROP TABLE _durable_meta",
              "CREATE TABLE _durable_mine(x)", "INSERT INTO _DURABLE_KV VALUES ('a', '1')"}) {
            auto refused = sql(reserved);
            QCOMPARE(refused.error().code(), ErrorCode::ReservedTable);
            QVERIFY2(refused.error().message().contains("reserved"),
                     qPrintable(refused.error().message()));
        }
        for (const char *control :
             {"BEGIN", "COMMIT", "SAVEPOINT x", "ATTACH 'x.db' AS x", "PRAGMA journal_mode=DELETE"})
            QCOMPARE(sql(control).error().code(), ErrorCode::SqlError);
        QVERIFY(sql("PRAGMA table_info(people)").ok());
        auto tooFew = sql("SELECT ?1 + ?2", {1});
        QCOMPARE(tooFew.error().code(), ErrorCode::InvalidArgument);
    }

    void transactionIsASavepoint()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        QCOMPARE(call(*engine, "StorageProbe", "tx", "txFail", QJsonObject()).value().toBool(),
                 true);
        QCOMPARE(
            call(*engine, "StorageProbe", "tx", "get", obj({{"key", "outer"}})).value().toInt(), 1);
        QVERIFY(call(*engine, "StorageProbe", "tx", "get", obj({{"key", "inner"}}))
                    .value()
                    .isUndefined());
    }

    void deleteAllEmptiesStorage()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        auto p = [&](const QString &m, const QJsonObject &a) {
            return call(*engine, "StorageProbe", "d", m, a);
        };
        QVERIFY(p("put", obj({{"key", "a"}, {"value", 1}})).ok());
        QVERIFY(p("sql", obj({{"query", "CREATE TABLE t(x)"}})).ok());
        QVERIFY(p("deleteAll", {}).ok());
        QCOMPARE(p("list", {}).value().toArray().size(), 0);
        QCOMPARE(p("sql", obj({{"query", "SELECT * FROM t"}})).error().code(), ErrorCode::SqlError);
    }

    void throwingTurnRollsBackAndRebuildsInstance()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        const Stub stub = engine->stub("Counter", "rb").value();
        QCOMPARE(await(stub.call("increment")).value().toInt(), 1);
        QCOMPARE(await(stub.call("setMember", 7)).value().toInt(), 7);
        auto failed = await(stub.call("incrementThenFail"));
        QCOMPARE(failed.error().code(), ErrorCode::InvalidArgument);
        QCOMPARE(failed.error().message(), QStringLiteral("failing on purpose"));
        QCOMPARE(await(stub.call("get")).value().toInt(), 1);         // the write was rolled back
        QCOMPARE(await(stub.call("memberValue")).value().toInt(), 0); // a fresh instance
        auto stdFailure = await(stub.call("throwStd"));
        QCOMPARE(stdFailure.error().code(), ErrorCode::HandlerFailed);
        QVERIFY(stdFailure.error().message().contains("std failure"));
    }

    void failedFirstCallLeavesNothing()
    {
        // A new object exists from its first committed turn: a call it refuses (an unknown
        // method, a throwing handler) creates no file, no catalog row and no event.
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        Inspector inspector(engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        QVERIFY(spy.isValid());
        const ObjectId id = ObjectId::fromName("Counter", "ghost");
        QCOMPARE(call(*engine, "Counter", "ghost", "noSuchMethod").error().code(),
                 ErrorCode::UnknownMethod);
        QCOMPARE(call(*engine, "Counter", "ghost", "throwStd").error().code(),
                 ErrorCode::HandlerFailed);
        const QString file = objectFilePath(dir.path(), "Counter", "ghost");
        QVERIFY(!QFile::exists(file));
        QVERIFY(!QFile::exists(file + "-wal"));
        QCOMPARE(awaitValue(inspector.object("Counter", id)).error().code(), ErrorCode::NotFound);
        QVERIFY(awaitValue(inspector.objects()).value().isEmpty());
        // The next call that commits creates it as usual, announced once.
        QCOMPARE(call(*engine, "Counter", "ghost", "increment").value().toInt(), 1);
        QVERIFY(QFile::exists(file));
        QTRY_COMPARE(eventsOf(spy, ChangeEvent::Kind::TurnCompleted).size(), 1);
        QCOMPARE(eventsOf(spy, ChangeEvent::Kind::ObjectCreated).size(), 1);
        QCOMPARE(awaitValue(inspector.objects()).value().size(), 1);
    }

    void newObjectsAreBuiltWithoutARollbackJournal()
    {
        // Turning an empty file into a WAL database writes its header through a rollback
        // journal: one file created and deleted per new object, for nothing. New objects start
        // from a prebuilt image that is a WAL database already.
        QTemporaryDir dir;
        JournalCountingVfs vfs;
        {
            auto engine = startTestEngine(dir.path());
            const int databasesBefore = vfs.mainDatabases();
            for (int i = 0; i < 5; ++i)
                QCOMPARE(call(*engine, "Counter", QStringLiteral("new-%1").arg(i), "increment")
                             .value()
                             .toInt(),
                         1);
            QCOMPARE(vfs.mainDatabases() - databasesBefore, 5);
            engine->shutdown();
        }
        QCOMPARE(vfs.journals(), 0);
        // Each is a WAL database holding its write, and reopening one (a file with content)
        // keeps it in WAL mode.
        auto engine = startTestEngine(dir.path());
        QCOMPARE(call(*engine, "Counter", "new-3", "increment").value().toInt(), 2);
        engine->shutdown();
        engine.reset();
        QCOMPARE(readScalar(objectFilePath(dir.path(), "Counter", "new-3"), "PRAGMA journal_mode"),
                 QByteArray("wal"));
    }

    void aCreationInterruptedByACrashIsCompleted()
    {
        // A new object's file is its prebuilt image, written beside it and renamed into place,
        // then given its identity. A crash can leave the staging file, or the file without its
        // identity: the next call completes the object either way.
        QTemporaryDir dir;
        const QString staged = objectFilePath(dir.path(), "Counter", "staged");
        QVERIFY(QDir().mkpath(QFileInfo(staged).absolutePath()));
        {
            QFile leftover(staged + ".creating");
            QVERIFY(leftover.open(QIODevice::WriteOnly));
            leftover.write("half an image");
        }
        {
            auto engine = startTestEngine(dir.path());
            QCOMPARE(call(*engine, "Counter", "staged", "increment").value().toInt(), 1);
            QCOMPARE(call(*engine, "Counter", "nameless", "increment").value().toInt(), 1);
            engine->shutdown();
        }
        QVERIFY(QFile::exists(staged));
        QVERIFY(!QFile::exists(staged + ".creating"));

        // The identity gone (as if the crash came between the image and its identity).
        const QString nameless = objectFilePath(dir.path(), "Counter", "nameless");
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(nameless.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "DELETE FROM _durable_meta", nullptr, nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(db);
        auto engine = startTestEngine(dir.path());
        QCOMPARE(call(*engine, "Counter", "nameless", "increment").value().toInt(), 2);
        engine->shutdown();
        engine.reset();
        QCOMPARE(readScalar(nameless, "SELECT value FROM _durable_meta WHERE key = 'class'"),
                 QByteArray("Counter"));
    }

    void coalescedTurnsFailAlone()
    {
        // Many queued turns share one commit; one throwing among them loses only its own writes.
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        const Stub gate = engine->stub("Gate", "unused").value();
        Q_UNUSED(gate);
        const Stub stub = engine->stub("Counter", "co").value();
        QList<QFuture<QJsonValue>> futures;
        for (int i = 0; i < 50; ++i)
            futures.append(stub.call(i % 10 == 5 ? "incrementThenFail" : "increment"));
        int ok = 0, failed = 0;
        for (auto &f : futures)
            await(f).ok() ? ++ok : ++failed;
        QCOMPARE(ok, 45);
        QCOMPARE(failed, 5);
        QCOMPARE(await(stub.call("get")).value().toInt(), 45);
    }

    void failedCommitFailsEveryCoalescedCaller()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        auto sql = [&](const QString &q) {
            return engine->stub("StorageProbe", "fk").value().call("sql", obj({{"query", q}}));
        };
        QVERIFY(await(sql("CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                          "CREATE TABLE child(pid INTEGER REFERENCES parent(id) DEFERRABLE "
                          "INITIALLY DEFERRED)"))
                    .ok());
        // Hold the strand so the next two turns queue up and share one transaction.
        // A deferred foreign key violation passes every statement but fails the COMMIT.
        const Stub probe = engine->stub("StorageProbe", "fk").value();
        auto blocker = probe.call("block");
        QVERIFY(StorageProbe::blockEntered.tryAcquire(1, 10000));
        auto first = probe.call("put", obj({{"key", "before"}, {"value", 1}}));
        auto second = probe.call("sql", obj({{"query", "INSERT INTO child VALUES (42)"}}));
        StorageProbe::blockRelease.release();
        QVERIFY(await(blocker).ok());
        for (const auto &result : {await(first), await(second)}) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code(), ErrorCode::CommitFailed);
            QVERIFY2(result.error().message().contains("Could not commit"),
                     qPrintable(result.error().message()));
            QVERIFY2(result.error().message().contains("FOREIGN KEY"),
                     qPrintable(result.error().message()));
        }
        // The earlier caller's write was lost with the commit, and it was told so.
        QVERIFY(call(*engine, "StorageProbe", "fk", "get", obj({{"key", "before"}}))
                    .value()
                    .isUndefined());
        // The object keeps working afterwards.
        QVERIFY(
            call(*engine, "StorageProbe", "fk", "put", obj({{"key", "after"}, {"value", 1}})).ok());
    }

    void messagesLeaveOnlyAfterCommit()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        QVERIFY(call(*engine, "Sender", "s", "send", obj({{"target", "inbox"}})).ok());
        QTRY_COMPARE(call(*engine, "Counter", "inbox", "get").value().toInt(), 1);
        QVERIFY(!call(*engine, "Sender", "s", "sendThenFail", obj({{"target", "inbox"}})).ok());
        QVERIFY(call(*engine, "Sender", "s", "send", obj({{"target", "inbox"}})).ok());
        QTRY_COMPARE(call(*engine, "Counter", "inbox", "get").value().toInt(), 2);
        QCOMPARE(call(*engine, "Counter", "inbox", "get").value().toInt(),
                 2); // the failed one never arrived
    }

    void failedCommitSendsNoMessage()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        // The sender exists before its failing turn (a new object's failed turns publish nothing).
        QVERIFY(call(*engine, "Sender", "s", "send", obj({{"target", "warmup"}})).ok());
        QTRY_COMPARE(call(*engine, "Counter", "warmup", "get").value().toInt(), 1);
        Inspector inspector(engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        QVERIFY(spy.isValid());
        const auto broken = call(*engine, "Sender", "s", "sendThenBreakCommit",
                                 obj({{"target", "inbox"}}));
        QCOMPARE(broken.error().code(), ErrorCode::CommitFailed);
        QVERIFY(call(*engine, "Sender", "s", "send", obj({{"target", "inbox"}})).ok());
        QTRY_COMPARE(call(*engine, "Counter", "inbox", "get").value().toInt(), 1);
        // The feed reports the failed turn as failed, and nothing of the Counter before the send.
        QTRY_VERIFY(eventsOf(spy, ChangeEvent::Kind::TurnCompleted).size() >= 4);
        const QList<ChangeEvent> turns = eventsOf(spy, ChangeEvent::Kind::TurnCompleted);
        QCOMPARE(turns.first().name, QStringLiteral("s"));
        QCOMPARE(turns.first().detail.value("ok").toBool(), false);
        QCOMPARE(turns.at(1).name, QStringLiteral("s"));
        QCOMPARE(turns.at(2).name, QStringLiteral("inbox"));
    }

    void badInputGivesClearErrors()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        auto unknown = engine->stub("Nope", "x");
        QCOMPARE(unknown.error().code(), ErrorCode::UnknownClass);
        QVERIFY(unknown.error().message().contains("registered classes: AlarmProbe, Counter"));
        auto badId = ObjectId::fromString("xyz");
        QCOMPARE(badId.error().code(), ErrorCode::InvalidArgument);
        auto method = call(*engine, "Counter", "m", "fly");
        QCOMPARE(method.error().code(), ErrorCode::UnknownMethod);
        QCOMPARE(method.error().message(),
                 QStringLiteral("Counter does not handle method \"fly\""));
        QCOMPARE(engine->stub("Counter", QString()).error().code(), ErrorCode::InvalidArgument);
        QCOMPARE(engine->registerClass<Counter>("Late").error().code(), ErrorCode::InvalidArgument);
    }

    void dataDirThatIsNotADirectory()
    {
        QTemporaryDir dir;
        QFile file(dir.path() + "/plainfile");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        EngineOptions options;
        options.dataDir = file.fileName();
        Engine engine(options);
        auto started = engine.start();
        QVERIFY(!started.ok());
        QVERIFY2(started.error().message().contains("is not a directory"),
                 qPrintable(started.error().message()));
        options.dataDir = file.fileName() + "/below";
        Engine below(options);
        auto startedBelow = below.start();
        QVERIFY(!startedBelow.ok());
        QVERIFY2(startedBelow.error().message().contains("Could not create the data directory"),
                 qPrintable(startedBelow.error().message()));
    }

    void dataDirInUseByAnotherEngine()
    {
        QTemporaryDir dir;
        auto first = startTestEngine(dir.path());
        EngineOptions options;
        options.dataDir = dir.path();
        Engine second(options);
        auto started = second.start();
        QCOMPARE(started.error().code(), ErrorCode::Conflict);
        QVERIFY(started.error().message().contains("in use by another engine"));
    }

    void corruptFileIsQuarantinedOthersKeepRunning()
    {
        QTemporaryDir dir;
        {
            auto engine = startTestEngine(dir.path());
            QVERIFY(call(*engine, "Counter", "bad", "increment").ok());
            QVERIFY(call(*engine, "Counter", "good", "increment").ok());
        }
        const QString hex = ObjectId::fromName("Counter", "bad").toString();
        const QString path = dir.path() + "/objects/Counter/" + hex.left(2) + "/" + hex + ".sqlite";
        // Damage the file and drop its WAL (which would otherwise still hold good pages).
        QFile::remove(path + "-wal");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QByteArray(8192, 'x'));
        f.close();
        auto engine = startTestEngine(dir.path());
        QSignalSpy errors(engine.get(), &Engine::errorOccurred);
        auto bad = call(*engine, "Counter", "bad", "increment");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code(), ErrorCode::Quarantined);
        QVERIFY2(bad.error().message().contains(path), qPrintable(bad.error().message()));
        QVERIFY(bad.error().message().contains("quarantined"));
        QCOMPARE(call(*engine, "Counter", "bad", "get").error().code(), ErrorCode::Quarantined);
        QCOMPARE(call(*engine, "Counter", "good", "increment").value().toInt(), 2);
        QTRY_VERIFY(errors.count() >= 1);
        QCOMPARE(QFileInfo(path).size(), 8192); // never "repaired" over the user's data
    }

    void idleObjectsHibernateAndComeBack()
    {
        QTemporaryDir dir;
        auto clock = std::make_shared<VirtualClock>();
        EngineOptions options;
        options.clock = clock;
        options.idleEviction = 10min;
        auto engine = startTestEngine(dir.path(), options);
        Counter::starts = 0;
        const Stub stub = engine->stub("Counter", "sleepy").value();
        QCOMPARE(await(stub.call("setMember", 5)).value().toInt(), 5);
        QCOMPARE(await(stub.call("memberValue")).value().toInt(), 5);
        QCOMPARE(Counter::starts.load(), 1);
        Inspector inspector(engine.get());
        QCOMPARE(inspector.metrics().liveObjects, 1);
        clock->advance(11min); // idle longer than idleEviction: evicted on the sweep
        QTRY_COMPARE(inspector.metrics().liveObjects, 0);
        QCOMPARE(await(stub.call("memberValue")).value().toInt(), 0);
        QCOMPARE(Counter::starts.load(), 2);
    }

    // A clock jump is one instant for hibernation: nothing is evicted while it runs (objects a
    // week of alarms apart would otherwise be closed and reopened at every alarm); what is idle
    // at its end goes on the first sweep after it.
    void aClockJumpEvictsNothingUntilItEnds()
    {
        QTemporaryDir dir;
        auto clock = std::make_shared<VirtualClock>();
        EngineOptions options;
        options.clock = clock;
        options.idleEviction = 20ms; // a sweep every 10 ms of wall time
        auto engine = startTestEngine(dir.path(), options);
        Inspector inspector(engine.get());
        inspector.setFeedInterval(10);
        QSignalSpy feed(&inspector, &Inspector::changesAvailable);
        QVERIFY(feed.isValid());
        const qint64 t0 = clock->nowMs();
        QVERIFY(call(*engine, "Counter", "idle", "increment").ok());
        // 20 chains, an alarm an hour each, a minute apart: 600 alarms over 30 hours, long
        // enough in wall time for many sweeps. The jump ends half a minute after the last.
        constexpr int chains = 20;
        for (int i = 0; i < chains; ++i) {
            const QJsonObject first {{"at", double(t0 + (i + 1) * 60000)},
                                     {"chainEveryMs", 3600000}};
            QVERIFY(
                call(*engine, "AlarmProbe", QStringLiteral("chain-%1").arg(i), "set", first).ok());
        }
        const int fired = clock->advance(30h - 40min + 30s);
        QCOMPARE(fired, chains * 30);
        const qint64 end = clock->nowMs();
        QTRY_VERIFY(!eventsOf(feed, ChangeEvent::Kind::ObjectEvicted).isEmpty());
        QTRY_COMPARE(inspector.metrics().liveObjects, 0);
        for (const ChangeEvent &evicted : eventsOf(feed, ChangeEvent::Kind::ObjectEvicted))
            QCOMPARE(evicted.atMs, end); // after the jump, never inside it
        QCOMPARE(eventsOf(feed, ChangeEvent::Kind::ObjectActivated).size(), chains + 1);
    }

    void evictAndCrashCommands()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        const Stub stub = engine->stub("Counter", "ec").value();
        QCOMPARE(await(stub.call("increment")).value().toInt(), 1);
        QCOMPARE(await(stub.call("setMember", 3)).value().toInt(), 3);
        QVERIFY(await(engine->evict(stub.id())).ok());
        QCOMPARE(await(stub.call("memberValue")).value().toInt(), 0);
        // A crash queued right behind a write: either the write committed and was acknowledged,
        // or it was discarded and its caller was told. Never acknowledged-and-lost.
        int acknowledged = 1;
        for (int i = 0; i < 20; ++i) {
            auto write = stub.call("increment");
            auto crashed = engine->crash(stub.id());
            auto result = await(write);
            QVERIFY(await(crashed).ok());
            if (result.ok())
                ++acknowledged;
            else
                QCOMPARE(result.error().code(), ErrorCode::Crashed);
            QCOMPARE(await(stub.call("get")).value().toInt(), acknowledged);
        }
        QVERIFY(await(engine->crash(ObjectId::unique())).ok()); // nothing in memory: nothing to do
    }

    void catalogIndexesObjectsAndReindexesAfterCrash()
    {
        QTemporaryDir dir;
        {
            auto engine = startTestEngine(dir.path());
            for (int i = 0; i < 20; ++i)
                QVERIFY(call(*engine, "Counter", QStringLiteral("c%1").arg(i), "increment").ok());
        }
        auto countRows = [&] {
            sqlite3 *db = nullptr;
            sqlite3_open(QFile::encodeName(dir.path() + "/engine.sqlite").constData(), &db);
            sqlite3_stmt *stmt = nullptr;
            sqlite3_prepare_v2(db, "SELECT count(*) FROM objects WHERE class = 'Counter'", -1,
                               &stmt, nullptr);
            sqlite3_step(stmt);
            const int n = sqlite3_column_int(stmt, 0);
            sqlite3_finalize(stmt);
            sqlite3_close(db);
            return n;
        };
        QCOMPARE(countRows(), 20);
        // Simulate a crash that lost catalog rows: rows gone, shutdown not clean.
        {
            sqlite3 *db = nullptr;
            sqlite3_open(QFile::encodeName(dir.path() + "/engine.sqlite").constData(), &db);
            QCOMPARE(sqlite3_exec(db,
                                  "DELETE FROM objects WHERE name > 'c15' OR name < 'c10';"
                                  "UPDATE meta SET value = 0 WHERE key = 'clean_shutdown'",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            sqlite3_close(db);
        }
        QVERIFY(countRows() < 20);
        auto engine = startTestEngine(dir.path());
        engine->shutdown();
        QCOMPARE(countRows(), 20);
    }

    void reindexReportsWhatItCannotRead()
    {
        QTemporaryDir dir;
        startTestEngine(dir.path())->shutdown();
        // After a crash, a file the catalog never heard of and that is not a database.
        const QString hex = ObjectId::fromName("Counter", "garbled").toString();
        const QString path = dir.path() + "/objects/Counter/" + hex.left(2) + "/" + hex + ".sqlite";
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile garbage(path);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(8192, 'x'));
        garbage.close();
        {
            sqlite3 *db = nullptr;
            sqlite3_open(QFile::encodeName(dir.path() + "/engine.sqlite").constData(), &db);
            QCOMPARE(sqlite3_exec(db, "UPDATE meta SET value = 0 WHERE key = 'clean_shutdown'",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            sqlite3_close(db);
        }
        EngineOptions options;
        options.dataDir = dir.path();
        Engine engine(options);
        registerTestClasses(engine);
        QSignalSpy errors(&engine, &Engine::errorOccurred);
        QVERIFY(errors.isValid());
        QVERIFY(engine.start().ok()); // one bad file does not stop the engine
        QTRY_COMPARE(errors.count(), 1);
        const QString message = errors.at(0).at(0).value<Error>().message();
        QVERIFY2(message.startsWith("Could not re-index the object file " + path),
                 qPrintable(message));
        // The other objects still work.
        QVERIFY(call(engine, "Counter", "fine", "increment").ok());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
