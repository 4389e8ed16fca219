// SPDX-License-Identifier: MIT
#pragma once

// Durable object classes shared by the core tests, the crash child and the benchmark.

#include <durable/core/durableobject.h>
#include <durable/core/engine.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QSemaphore>

#include <atomic>
#include <memory>

namespace DurableTest {

using namespace Durable;

// Counts in the key "count"; detects overlapping turns of one object.
class Counter : public DurableObject
{
public:
    static inline std::atomic<int> starts {0};
    static inline std::atomic<int> overlaps {0};

    void onStart() override { ++starts; }

    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        if (m_inside.exchange(true))
            ++overlaps;
        struct Leave
        {
            std::atomic<bool> &flag;
            ~Leave() { flag = false; }
        } leave {m_inside};
        if (method == QLatin1String("increment")) {
            const int by = args.isDouble() ? args.toInt() : 1;
            const int next = storage().get(QStringLiteral("count")).toInt() + by;
            storage().put(QStringLiteral("count"), next);
            return next;
        }
        if (method == QLatin1String("get"))
            return storage().get(QStringLiteral("count")).toInt();
        if (method == QLatin1String("incrementThenFail")) {
            storage().put(QStringLiteral("count"),
                          storage().get(QStringLiteral("count")).toInt() + 1);
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("failing on purpose"));
        }
        if (method == QLatin1String("throwStd"))
            throw std::runtime_error("std failure");
        if (method == QLatin1String("echo"))
            return args;
        if (method == QLatin1String("memberValue"))
            return m_member;
        if (method == QLatin1String("setMember")) {
            m_member = args.toInt();
            return m_member;
        }
        return DurableObject::onRequest(method, args);
    }

private:
    std::atomic<bool> m_inside {false};
    int m_member = 0;
};

// Does no storage work: the executor's own ceiling.
class Echo : public DurableObject
{
public:
    QJsonValue onRequest(const QString &, const QJsonValue &args) override { return args; }
};

// Exposes the storage API to tests: {"op": ..., ...} in, result out.
class StorageProbe : public DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        const QJsonObject a = args.toObject();
        Storage &s = storage();
        if (method == QLatin1String("get"))
            return s.get(a.value(QStringLiteral("key")).toString());
        if (method == QLatin1String("put")) {
            s.put(a.value(QStringLiteral("key")).toString(), a.value(QStringLiteral("value")));
            return true;
        }
        if (method == QLatin1String("remove"))
            return s.remove(a.value(QStringLiteral("key")).toString());
        if (method == QLatin1String("list")) {
            ListOptions o;
            o.prefix = a.value(QStringLiteral("prefix")).toString();
            o.start = a.value(QStringLiteral("start")).toString();
            o.end = a.value(QStringLiteral("end")).toString();
            o.reverse = a.value(QStringLiteral("reverse")).toBool();
            o.limit = a.value(QStringLiteral("limit")).toInt(-1);
            QJsonArray out;
            for (const KeyValue &kv : s.list(o))
                out.append(QJsonArray {kv.key, kv.value});
            return out;
        }
        if (method == QLatin1String("sql")) {
            const SqlResult r = s.sql(a.value(QStringLiteral("query")).toString(),
                                      a.value(QStringLiteral("params")).toArray());
            QJsonArray rows;
            for (const QJsonArray &row : r.rows)
                rows.append(row);
            return QJsonObject {{QStringLiteral("columns"), QJsonArray::fromStringList(r.columns)},
                                {QStringLiteral("rows"), rows},
                                {QStringLiteral("read"), double(r.rowsRead)},
                                {QStringLiteral("written"), double(r.rowsWritten)}};
        }
        if (method == QLatin1String("txFail")) {
            // A nested transaction that throws leaves nothing; the outer turn still commits.
            s.put(QStringLiteral("outer"), 1);
            try {
                s.transaction([&s] {
                    s.put(QStringLiteral("inner"), 1);
                    throw Error(ErrorCode::InvalidArgument, QStringLiteral("inner failure"));
                });
            } catch (const Error &) { }
            return s.get(QStringLiteral("inner")).isUndefined();
        }
        if (method == QLatin1String("deleteAll")) {
            s.deleteAll();
            return true;
        }
        if (method == QLatin1String("putMany")) {
            // Writes N keys then optionally throws: used to prove all-or-nothing turns.
            const int n = a.value(QStringLiteral("n")).toInt();
            for (int i = 0; i < n; ++i)
                s.put(QStringLiteral("k%1").arg(i, 5, 10, QLatin1Char('0')), i);
            if (a.value(QStringLiteral("fail")).toBool())
                throw Error(ErrorCode::InvalidArgument, QStringLiteral("fail after writes"));
            return n;
        }
        if (method == QLatin1String("setAlarm")) {
            s.setAlarm(qint64(a.value(QStringLiteral("at")).toDouble()));
            return true;
        }
        if (method == QLatin1String("block")) {
            // Holds the strand (see Gate) so later calls queue up behind it.
            blockEntered.release();
            blockRelease.acquire();
            return true;
        }
        return DurableObject::onRequest(method, args);
    }
    static inline QSemaphore blockEntered {0};
    static inline QSemaphore blockRelease {0};
};

// Blocks inside its handler until the test releases it: makes queues fill deterministically.
class Gate : public DurableObject
{
public:
    static inline QSemaphore entered {0};
    static inline QSemaphore release {0};
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        if (method == QLatin1String("block")) {
            entered.release();
            release.acquire();
        }
        return args;
    }
};

// Sends a message to a Counter inside its turn, then optionally fails: the message must
// leave only if the turn commits.
class Sender : public DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        const QString target = args.toObject().value(QStringLiteral("target")).toString();
        context()
            .stub(QStringLiteral("Counter"), target)
            .call(QStringLiteral("increment"), 1, nullptr);
        storage().put(QStringLiteral("sent"), storage().get(QStringLiteral("sent")).toInt() + 1);
        if (method == QLatin1String("sendThenFail"))
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("failing after send"));
        if (method == QLatin1String("sendThenBreakCommit")) {
            // Every statement passes; the deferred foreign key fails only the COMMIT.
            storage().sql(
                QStringLiteral("CREATE TABLE IF NOT EXISTS parent(id INTEGER PRIMARY KEY)"));
            storage().sql(QStringLiteral("CREATE TABLE IF NOT EXISTS child(pid INTEGER REFERENCES "
                                         "parent(id) DEFERRABLE INITIALLY DEFERRED)"));
            storage().sql(QStringLiteral("INSERT INTO child VALUES (42)"));
        }
        return true;
    }
};

// Records every alarm it gets; "fail" makes onAlarm throw while the key failAlarms > 0.
class AlarmProbe : public DurableObject
{
public:
    static inline std::atomic<int> fired {0};
    static inline std::atomic<int> failNext {0}; // the next N onAlarm calls throw
    struct Firing
    {
        QString name;
        qint64 nowMs;
        qint64 scheduledMs;
        int retry;
    };
    // Every onAlarm call, recorded outside the transaction so failed attempts show too.
    static inline QMutex firingsMutex;
    static inline QList<Firing> firings;
    static void resetFirings()
    {
        QMutexLocker lock(&firingsMutex);
        firings.clear();
        fired = 0;
        failNext = 0;
    }
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        const QJsonObject a = args.toObject();
        if (method == QLatin1String("set")) {
            storage().setAlarm(qint64(a.value(QStringLiteral("at")).toDouble()));
            if (a.contains(QStringLiteral("chainEveryMs")))
                storage().put(QStringLiteral("chainEveryMs"),
                              a.value(QStringLiteral("chainEveryMs")));
            if (a.value(QStringLiteral("rollback")).toBool())
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("roll back the alarm change"));
            return true;
        }
        if (method == QLatin1String("delete")) {
            storage().deleteAlarm();
            return true;
        }
        if (method == QLatin1String("alarm")) {
            const auto at = storage().alarm();
            return at ? QJsonValue(double(at->toMSecsSinceEpoch())) : QJsonValue();
        }
        if (method == QLatin1String("log"))
            return storage().get(QStringLiteral("log"));
        return DurableObject::onRequest(method, args);
    }
    void onAlarm(const AlarmInfo &info) override
    {
        ++fired;
        {
            QMutexLocker lock(&firingsMutex);
            firings.append({context().name(), context().nowMs(),
                            info.scheduledTime.toMSecsSinceEpoch(), info.retryCount});
        }
        QJsonArray log = storage().get(QStringLiteral("log")).toArray();
        log.append(QJsonObject {
            {QStringLiteral("now"), double(context().nowMs())},
            {QStringLiteral("scheduled"), double(info.scheduledTime.toMSecsSinceEpoch())},
            {QStringLiteral("retry"), info.retryCount},
            {QStringLiteral("alarmInside"), storage().alarm().has_value()}});
        storage().put(QStringLiteral("log"), log);
        if (failNext.fetch_sub(1) > 0)
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("alarm handler fails on purpose"));
        failNext = std::max(0, failNext.load());
        const qint64 chain = qint64(storage().get(QStringLiteral("chainEveryMs")).toDouble());
        if (chain > 0)
            storage().setAlarm(context().nowMs() + chain);
    }
};

inline void registerTestClasses(Engine &engine)
{
    (void)engine.registerClass<Counter>(QStringLiteral("Counter"));
    (void)engine.registerClass<Echo>(QStringLiteral("Echo"));
    (void)engine.registerClass<StorageProbe>(QStringLiteral("StorageProbe"));
    (void)engine.registerClass<Gate>(QStringLiteral("Gate"));
    (void)engine.registerClass<Sender>(QStringLiteral("Sender"));
    (void)engine.registerClass<AlarmProbe>(QStringLiteral("AlarmProbe"));
}

// A started engine on dir with the test classes; a test cannot go on without one.
inline std::unique_ptr<Engine> startTestEngine(const QString &dir, EngineOptions options = {})
{
    options.dataDir = dir;
    auto engine = std::make_unique<Engine>(options);
    registerTestClasses(*engine);
    const auto started = engine->start();
    if (!started)
        qFatal("engine did not start: %s", qPrintable(started.error().message()));
    return engine;
}

} // namespace DurableTest
