// SPDX-License-Identifier: MIT
// The inspection API: snapshots, per-object reads on the strand, the batched change feed.
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace DurableTest;

class TestInspector : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        EngineOptions options;
        options.dataDir = m_dir->path();
        m_clock = std::make_shared<VirtualClock>();
        options.clock = m_clock;
        m_engine = std::make_unique<Engine>(options);
        registerTestClasses(*m_engine);
        QVERIFY(m_engine->start().ok());
        m_inspector = std::make_unique<Inspector>(m_engine.get());
    }
    void cleanup()
    {
        m_inspector.reset();
        m_engine.reset();
    }

    void classesAndObjects()
    {
        for (int i = 0; i < 30; ++i)
            QVERIFY(call(*m_engine, "Counter",
                         QStringLiteral("obj%1").arg(i, 2, 10, QLatin1Char('0')), "increment")
                        .ok());
        QVERIFY(call(*m_engine, "Echo", "e", "x").ok());
        const auto classes = awaitValue(m_inspector->classes()).value();
        QCOMPARE(classes.size(), m_engine->classNames().size());
        const auto counter = std::find_if(
            classes.begin(), classes.end(),
            [](const ClassSummary &c) { return c.name == "Counter"; });
        QCOMPARE(counter->objectCount, 30);
        QCOMPARE(counter->liveCount, 30);

        ObjectQuery query;
        query.className = "Counter";
        auto all = awaitValue(m_inspector->objects(query)).value();
        QCOMPARE(all.size(), 30);
        QCOMPARE(all.first().name, QStringLiteral("obj00"));
        QCOMPARE(all.first().status, ObjectStatus::Idle);
        QCOMPARE(all.first().id, ObjectId::fromName("Counter", "obj00"));
        query.offset = 10;
        query.limit = 5;
        auto page = awaitValue(m_inspector->objects(query)).value();
        QCOMPARE(page.size(), 5);
        QCOMPARE(page.first().name, QStringLiteral("obj10"));
        ObjectQuery text;
        text.text = "J2";
        QCOMPARE(awaitValue(m_inspector->objects(text)).value().size(), 10);

        QVERIFY(await(m_engine->evict(ObjectId::fromName("Counter", "obj05"))).ok());
        ObjectQuery hibernated;
        hibernated.statuses = {ObjectStatus::Hibernated};
        auto sleeping = awaitValue(m_inspector->objects(hibernated)).value();
        QCOMPARE(sleeping.size(), 1);
        QCOMPARE(sleeping.first().name, QStringLiteral("obj05"));
        const QList<ObjectId> ids {ObjectId::fromName("Counter", "obj07"), ObjectId::unique(),
                                   ObjectId::fromName("Counter", "obj05")};
        const QList<ObjectSummary> some = awaitValue(m_inspector->objectsById(ids)).value();
        QCOMPARE(some.size(), 2); // the unknown id is left out
        QCOMPARE(some.at(0).name, QStringLiteral("obj07"));
        QCOMPARE(some.at(0).status, ObjectStatus::Idle);
        QCOMPARE(some.at(1).status, ObjectStatus::Hibernated);
        auto one = awaitValue(
            m_inspector->object("Counter", ObjectId::fromName("Counter", "obj05")));
        QCOMPARE(one.value().status, ObjectStatus::Hibernated);
        QCOMPARE(awaitValue(m_inspector->object("Counter", ObjectId::unique())).error().code(),
                 ErrorCode::NotFound);
    }

    void textFilterIsLiteralAndPagesInTheCatalog()
    {
        for (const char *name : {"g_h", "G%H", "gxh", "g\\h", "zz"})
            QVERIFY(call(*m_engine, "Counter", name, "increment").ok());
        const auto names = [this](const QString &text, int offset = 0, int limit = -1) {
            ObjectQuery query;
            query.text = text;
            query.offset = offset;
            query.limit = limit;
            const QList<ObjectSummary> found = awaitValue(m_inspector->objects(query)).value();
            QStringList result;
            for (const ObjectSummary &o : found)
                result << o.name;
            return result;
        };
        // SQL LIKE's wildcards and escape character match as themselves (the names use letters
        // no hex id has).
        QCOMPARE(names("g_h"), QStringList {"g_h"});
        QCOMPARE(names("g%h"), QStringList {"G%H"}); // case-insensitively
        QCOMPARE(names("g\\h"), QStringList {"g\\h"});
        QCOMPARE(names("h").size(), 4);
        QCOMPARE(names("h", 1, 2), names("h").mid(1, 2)); // a page of the filtered list
        // An id prefix finds its object too.
        const QString id = ObjectId::fromName("Counter", "zz").toString();
        QCOMPARE(names(id.left(12).toUpper()), QStringList {"zz"});
    }

    void storageReadsGoThroughTheStrand()
    {
        for (const char *k : {"a", "b", "c"})
            QVERIFY(
                call(*m_engine, "StorageProbe", "s", "put", QJsonObject {{"key", k}, {"value", k}})
                    .ok());
        QVERIFY(call(*m_engine, "StorageProbe", "s", "sql",
                     QJsonObject {{"query", "CREATE TABLE t(x INTEGER, y TEXT)"}})
                    .ok());
        const ObjectId id = ObjectId::fromName("StorageProbe", "s");
        ListOptions options;
        options.limit = 2;
        auto kv = awaitValue(m_inspector->keyValues("StorageProbe", id, options)).value();
        QCOMPARE(kv.size(), 2);
        QCOMPARE(kv.at(1).key, QStringLiteral("b"));
        auto schemaResult = awaitValue(m_inspector->schema("StorageProbe", id));
        QVERIFY2(schemaResult.ok(), qPrintable(schemaResult.error().message()));
        auto schema = schemaResult.value();
        const auto t = std::find_if(schema.begin(), schema.end(),
                                    [](const TableSchema &s) { return s.name == "t"; });
        QVERIFY(t != schema.end());
        QCOMPARE(t->columns, QStringList({"x", "y"}));
        // The console may read the engine's tables, but never write anything.
        auto read = awaitValue(
            m_inspector->query("StorageProbe", id, "SELECT count(*) FROM _durable_kv"));
        QCOMPARE(read.value().rows.first().at(0).toInt(), 3);
        for (const char *write : {"DELETE FROM _durable_kv", "INSERT INTO t VALUES (1, 'x')",
                                  "DROP TABLE t", "BEGIN"}) {
            auto refused = awaitValue(m_inspector->query("StorageProbe", id, write));
            QVERIFY2(!refused.ok(), write);
            QVERIFY2(refused.error().message().contains("read-only") ||
                         refused.error().message().contains("not allowed"),
                     qPrintable(refused.error().message()));
        }
        QCOMPARE(awaitValue(m_inspector->keyValues("StorageProbe", id)).value().size(), 3);
        // Looking at an object that does not exist does not create it.
        const ObjectId ghost = ObjectId::fromName("StorageProbe", "ghost");
        QCOMPARE(awaitValue(m_inspector->keyValues("StorageProbe", ghost)).error().code(),
                 ErrorCode::NotFound);
        const QString hex = ghost.toString();
        QVERIFY(!QFile::exists(m_dir->path() + "/objects/StorageProbe/" + hex.left(2) + "/" + hex +
                               ".sqlite"));
    }

    void alarmsAreListed()
    {
        const qint64 at = m_clock->nowMs() + 60000;
        QVERIFY(call(*m_engine, "AlarmProbe", "a1", "set", QJsonObject {{"at", double(at)}}).ok());
        QVERIFY(call(*m_engine, "AlarmProbe", "a2", "set", QJsonObject {{"at", double(at - 1000)}})
                    .ok());
        auto alarms = awaitValue(m_inspector->alarms()).value();
        QCOMPARE(alarms.size(), 2);
        QCOMPARE(alarms.at(0).name, QStringLiteral("a2"));
        QCOMPARE(alarms.at(1).dueMs, at);
        auto mine = awaitValue(
                        m_inspector->alarm("AlarmProbe", ObjectId::fromName("AlarmProbe", "a1")))
                        .value();
        QVERIFY(mine.has_value());
        QCOMPARE(mine->dueMs, at);
        ObjectQuery query;
        query.className = "AlarmProbe";
        auto objects = awaitValue(m_inspector->objects(query)).value();
        QCOMPARE(objects.at(0).nextAlarmMs, at);
    }

    void commandsNeverCreateObjects()
    {
        QSignalSpy spy(m_inspector.get(), &Inspector::changesAvailable);
        QVERIFY(spy.isValid());
        const ObjectId ghost = ObjectId::fromName("StorageProbe", "ghost");
        const auto edit = awaitValue(
            m_inspector->editState("StorageProbe", ghost, QJsonObject {{"a", 1}}));
        QCOMPARE(edit.error().code(), ErrorCode::NotFound);
        QVERIFY2(edit.error().message().contains("StorageProbe"),
                 qPrintable(edit.error().message()));
        QCOMPARE(awaitValue(m_inspector->reset("StorageProbe", ghost)).error().code(),
                 ErrorCode::NotFound);
        const QString hex = ghost.toString();
        QVERIFY(!QFile::exists(m_dir->path() + "/objects/StorageProbe/" + hex.left(2) + "/" + hex +
                               ".sqlite"));
        QCOMPARE(awaitValue(m_inspector->object("StorageProbe", ghost)).error().code(),
                 ErrorCode::NotFound);

        // On an object that exists the command is a turn like any other, visible on the feed.
        QVERIFY(
            call(*m_engine, "StorageProbe", "real", "put", QJsonObject {{"key", "a"}, {"value", 0}})
                .ok());
        const ObjectId real = ObjectId::fromName("StorageProbe", "real");
        QCOMPARE(awaitValue(m_inspector->editState("StorageProbe", real, QJsonObject {{"a", 1}}))
                     .value(),
                 2);
        QTRY_VERIFY([&] {
            for (const QList<QVariant> &arguments : std::as_const(spy)) {
                for (const ChangeEvent &event : arguments.at(0).value<QList<ChangeEvent>>()) {
                    if (event.id == real && event.kind == ChangeEvent::Kind::TurnCompleted &&
                        event.detail.value("trigger").toString() == "admin-edit")
                        return true;
                }
            }
            return false;
        }());
    }

    void changeFeedDeliversEveryEventInOrderBatched()
    {
        QSignalSpy spy(m_inspector.get(), &Inspector::changesAvailable);
        QVERIFY(spy.isValid());
        constexpr int objects = 10;
        constexpr int perObject = 1000;
        QList<Stub> stubs;
        for (int i = 0; i < objects; ++i)
            stubs.append(m_engine->stub("Counter", QStringLiteral("feed%1").arg(i)).value());
        QSemaphore done;
        for (int round = 0; round < perObject; ++round) {
            for (const Stub &stub : stubs)
                stub.call("increment", 1, [&done](const Result<QJsonValue> &) { done.release(); });
        }
        QVERIFY(done.tryAcquire(objects * perObject, 60000));
        QHash<QString, int> lastSeen;
        int turnEvents = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            ([&] {
                while (!spy.isEmpty()) {
                    const auto batch = spy.takeFirst().at(0).value<QList<ChangeEvent>>();
                    for (const ChangeEvent &event : batch) {
                        if (event.kind != ChangeEvent::Kind::TurnCompleted)
                            continue;
                        ++turnEvents;
                        // In order per object: each object's journal seqs arrive 1, 2, 3, ...
                        const int seq = event.detail.value("seq").toInt();
                        if (seq != lastSeen.value(event.name) + 1)
                            return false;
                        lastSeen[event.name] = seq;
                        if (!event.detail.value("ok").toBool())
                            return false;
                    }
                }
                return turnEvents == objects * perObject;
            }()),
            10000);
        for (int i = 0; i < objects; ++i)
            QCOMPARE(lastSeen.value(QStringLiteral("feed%1").arg(i)), perObject);
    }

    void metricsCountTurns()
    {
        for (int i = 0; i < 50; ++i)
            QVERIFY(call(*m_engine, "Counter", "m", "increment").ok());
        const Metrics metrics = m_inspector->metrics();
        QVERIFY(metrics.totalTurns >= 50);
        QVERIFY(metrics.totalCommits >= 1);
        QVERIFY(metrics.liveObjects >= 1);
        QSignalSpy updated(m_inspector.get(), &Inspector::metricsUpdated);
        QVERIFY(updated.wait(3000));
        const Metrics later = updated.last().at(0).value<Metrics>();
        QVERIFY(later.windowSeconds >= 1);
        QVERIFY(later.turnsPerSecond > 0);
        QVERIFY(later.turnP99Ms >= later.turnP50Ms);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<VirtualClock> m_clock;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Inspector> m_inspector;
};

QTEST_GUILESS_MAIN(TestInspector)
#include "tst_inspector.moc"
