// SPDX-License-Identifier: MIT
// Damaged or missing object data is quarantined, never served as a new empty object; a
// damaged catalog is rebuilt from the object files; Inspector::repair brings objects back.
#include "objectfiles.h"
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/engine.h>
#include <durable/core/inspector.h>

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace DurableTest;

namespace {

QString objectFile(const QString &dir, const QString &name)
{
    return objectFilePath(dir, "Counter", name);
}

// An engine that ran count increments on Counter/name and shut down cleanly.
void increment(const QString &dir, const QString &name, int count)
{
    auto engine = startTestEngine(dir);
    for (int i = 0; i < count; ++i)
        QVERIFY(call(*engine, "Counter", name, "increment").ok());
}

// The file cut to 0 bytes and its WAL gone: a damaged disk, or a careless copy.
bool truncateToNothing(const QString &path)
{
    QFile::remove(path + "-wal");
    QFile file(path);
    return file.resize(0);
}

QStringList asideCopies(const QString &path)
{
    const QFileInfo info(path);
    return info.dir().entryList({info.fileName() + ".damaged-*"}, QDir::Files);
}

} // namespace

class TestDamagedObjects : public QObject
{
    Q_OBJECT
private slots:
    void missingFileIsQuarantinedNotRecreated()
    {
        QTemporaryDir dir;
        increment(dir.path(), "anna", 3);
        const QString file = objectFile(dir.path(), "anna");
        removeDatabase(file);
        auto engine = startTestEngine(dir.path());
        const auto result = call(*engine, "Counter", "anna", "increment");
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code(), ErrorCode::Quarantined);
        QVERIFY2(result.error().message().contains("is missing"),
                 qPrintable(result.error().message()));
        QVERIFY(result.error().message().contains(file));
        QVERIFY(!QFile::exists(file)); // never recreated empty
        // Every later call keeps failing the same way, and the inspector says so.
        QCOMPARE(call(*engine, "Counter", "anna", "get").error().code(), ErrorCode::Quarantined);
        Inspector inspector(engine.get());
        const auto summary = awaitValue(
            inspector.object("Counter", ObjectId::fromName("Counter", "anna")));
        QVERIFY(summary.ok());
        QCOMPARE(summary.value().status, ObjectStatus::Quarantined);
    }

    void missingFileIsQuarantinedWhenOnlyLookedAt()
    {
        // Reading a recorded object whose file is gone says it is damaged, not that it never
        // existed (the HTTP gateway answered 404 here).
        QTemporaryDir dir;
        increment(dir.path(), "finn", 2);
        removeDatabase(objectFile(dir.path(), "finn"));
        auto engine = startTestEngine(dir.path());
        Inspector inspector(engine.get());
        const auto read = awaitValue(
            inspector.keyValues("Counter", ObjectId::fromName("Counter", "finn")));
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code(), ErrorCode::Quarantined);
        QVERIFY2(read.error().message().contains("is missing"), qPrintable(read.error().message()));
        // An object that was never called is still simply not there.
        const auto never = awaitValue(
            inspector.keyValues("Counter", ObjectId::fromName("Counter", "nobody")));
        QCOMPARE(never.error().code(), ErrorCode::NotFound);
    }

    void emptyFileIsQuarantined()
    {
        QTemporaryDir dir;
        increment(dir.path(), "ben", 4);
        const QString file = objectFile(dir.path(), "ben");
        QVERIFY(truncateToNothing(file));
        auto engine = startTestEngine(dir.path());
        const auto result = call(*engine, "Counter", "ben", "increment");
        QCOMPARE(result.error().code(), ErrorCode::Quarantined);
        QVERIFY2(result.error().message().contains("is empty"),
                 qPrintable(result.error().message()));
        QCOMPARE(QFileInfo(file).size(), 0);
    }

    void fileBehindTheCatalogIsQuarantinedAndCanBeAccepted()
    {
        QTemporaryDir dir;
        increment(dir.path(), "cleo", 2);
        const QString file = objectFile(dir.path(), "cleo");
        copyDatabase(file, dir.path() + "/old.sqlite"); // a backup at turn 2
        increment(dir.path(), "cleo", 3);
        removeDatabase(file);
        copyDatabase(dir.path() + "/old.sqlite", file); // an old copy put back: turns lost
        auto engine = startTestEngine(dir.path());
        const auto result = call(*engine, "Counter", "cleo", "get");
        QCOMPARE(result.error().code(), ErrorCode::Quarantined);
        QVERIFY2(result.error().message().contains("catalog recorded turn #5"),
                 qPrintable(result.error().message()));

        // The user takes the old copy as it is: the object serves what it holds.
        Inspector inspector(engine.get());
        const ObjectId id = ObjectId::fromName("Counter", "cleo");
        const auto repaired = awaitValue(inspector.repair("Counter", id, RepairAction::Accept));
        QVERIFY2(repaired.ok(), qPrintable(repaired.error().message()));
        QVERIFY(repaired.value().contains("accepted as found"));
        QCOMPARE(call(*engine, "Counter", "cleo", "get").value().toInt(), 2);
        QCOMPARE(call(*engine, "Counter", "cleo", "increment").value().toInt(), 3);
    }

    void resetKeepsTheDamagedFilesAsideAndStartsEmpty()
    {
        QTemporaryDir dir;
        increment(dir.path(), "dora", 4);
        const QString file = objectFile(dir.path(), "dora");
        QVERIFY(truncateToNothing(file));
        {
            auto engine = startTestEngine(dir.path());
            QCOMPARE(call(*engine, "Counter", "dora", "get").error().code(),
                     ErrorCode::Quarantined);
            Inspector inspector(engine.get());
            const auto repaired = awaitValue(inspector.repair(
                "Counter", ObjectId::fromName("Counter", "dora"), RepairAction::Reset));
            QVERIFY2(repaired.ok(), qPrintable(repaired.error().message()));
            QVERIFY(repaired.value().contains("was reset"));
            QCOMPARE(asideCopies(file).size(), 1);
            QCOMPARE(call(*engine, "Counter", "dora", "increment").value().toInt(), 1);
        }
        // The reset and the new life survive a restart: not quarantined again.
        auto engine = startTestEngine(dir.path());
        QCOMPARE(call(*engine, "Counter", "dora", "increment").value().toInt(), 2);
    }

    void repairRefusesHealthyAndUnknownObjects()
    {
        QTemporaryDir dir;
        increment(dir.path(), "eve", 1);
        auto engine = startTestEngine(dir.path());
        Inspector inspector(engine.get());
        const auto healthy = awaitValue(
            inspector.repair("Counter", ObjectId::fromName("Counter", "eve"), RepairAction::Reset));
        QCOMPARE(healthy.error().code(), ErrorCode::Conflict);
        QCOMPARE(call(*engine, "Counter", "eve", "get").value().toInt(), 1);
        const auto unknown = awaitValue(inspector.repair(
            "Counter", ObjectId::fromName("Counter", "nobody"), RepairAction::Reset));
        QCOMPARE(unknown.error().code(), ErrorCode::NotFound);
    }

    void garbledCatalogIsRebuiltFromTheObjectFiles_data()
    {
        QTest::addColumn<qint64>("offset");
        QTest::newRow("header") << qint64(0);
        QTest::newRow("pages") << qint64(100);
    }

    void garbledCatalogIsRebuiltFromTheObjectFiles()
    {
        QFETCH(qint64, offset);
        QTemporaryDir dir;
        increment(dir.path(), "finn", 3);
        const QString catalog = dir.path() + "/engine.sqlite";
        {
            QFile file(catalog);
            QVERIFY(file.open(QIODevice::ReadWrite));
            const qint64 size = file.size();
            QVERIFY(size > offset + 512);
            file.seek(offset);
            file.write(QByteArray(int(size - offset), '\xab'));
        }
        EngineOptions options;
        options.dataDir = dir.path();
        Engine engine(options);
        registerTestClasses(engine);
        QSignalSpy errors(&engine, &Engine::errorOccurred);
        const auto started = engine.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message()));
        QTRY_VERIFY(!errors.isEmpty()); // reported through a queued signal
        const auto notice = errors.first().first().value<Error>();
        QVERIFY2(notice.message().contains("moved aside"), qPrintable(notice.message()));
        QCOMPARE(asideCopies(catalog).size(), 1);
        QCOMPARE(call(engine, "Counter", "finn", "get").value().toInt(), 3);
        Inspector inspector(&engine);
        const auto objects = awaitValue(inspector.objects());
        QVERIFY(objects.ok());
        QCOMPARE(objects.value().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestDamagedObjects)
#include "tst_damagedobjects.moc"
