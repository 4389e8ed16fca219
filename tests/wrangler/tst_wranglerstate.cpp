// SPDX-License-Identifier: MIT
// WranglerState and WranglerObject on a folder laid out as workerd leaves it: the layouts it is
// found from, classes split from folder names, decoded _cf_KV, tables, the alarm, the read-only
// console, and not one byte of the folder written.
#include "directorysnapshot.h"
#include "wranglerfixture.h"

#include <durable/core/wranglerobject.h>
#include <durable/core/wranglerstate.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;

class TestWranglerState : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void findsTheObjectsFolder_data();
    void findsTheObjectsFolder();
    void missingFolderIsAnError();
    void listsObjectsByClass();
    void findsByIdPrefix();
    void readsEntriesTablesAndAlarm();
    void deletedOrMissingAlarm();
    void consoleRefusesWrites_data();
    void consoleRefusesWrites();
    void consoleReads();
    void notSqliteIsAnError();
    void writesNothing();

private:
    WranglerObjectInfo anna() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_state;
};

// 2030-03-17T17:46:40Z
static constexpr qint64 s_alarmNs = 1900000000000000000;

void TestWranglerState::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_state = m_dir->filePath(QStringLiteral(".wrangler/state"));
    QString error;
    QVERIFY2(WranglerTest::writeObject(m_state, QStringLiteral("my-worker-app-MyAgent"),
                                       WranglerTest::s_annaId, s_alarmNs, &error),
             qPrintable(error));
    QVERIFY2(WranglerTest::writeObject(m_state, QStringLiteral("my-worker-app-MyAgent"),
                                       QStringLiteral("00aa") + QString(60, QLatin1Char('1')), 0,
                                       &error),
             qPrintable(error));
    QVERIFY2(WranglerTest::writeObject(m_state, QStringLiteral("-Other"),
                                       QString(64, QLatin1Char('b')), -1, &error),
             qPrintable(error));
}

WranglerObjectInfo TestWranglerState::anna() const
{
    const auto state = WranglerState::open(m_state);
    Q_ASSERT(state.ok());
    return state->find(QStringLiteral("MyAgent"), WranglerTest::s_annaId).value();
}

void TestWranglerState::findsTheObjectsFolder_data()
{
    QTest::addColumn<QString>("given");
    QTest::newRow(".wrangler") << QStringLiteral(".wrangler");
    QTest::newRow(".wrangler/state") << QStringLiteral(".wrangler/state");
    QTest::newRow("v3") << QStringLiteral(".wrangler/state/v3");
    QTest::newRow("v3/do") << QStringLiteral(".wrangler/state/v3/do");
    QTest::newRow("v3/do/") << QStringLiteral(".wrangler/state/v3/do/");
}

void TestWranglerState::findsTheObjectsFolder()
{
    QFETCH(QString, given);
    const auto state = WranglerState::open(m_dir->filePath(given));
    QVERIFY2(state.ok(), qPrintable(state.error().message()));
    QCOMPARE(state->objectsDirectory(), m_dir->filePath(QStringLiteral(".wrangler/state/v3/do")));
    QCOMPARE(state->objects().size(), 3);
}

void TestWranglerState::missingFolderIsAnError()
{
    const auto missing = WranglerState::open(m_dir->filePath(QStringLiteral("nope")));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().message().contains(QLatin1String("does not exist")));
    QDir().mkpath(m_dir->filePath(QStringLiteral("empty")));
    const auto empty = WranglerState::open(m_dir->filePath(QStringLiteral("empty")));
    QVERIFY(!empty.ok());
    QVERIFY2(empty.error().message().contains(QLatin1String("v3/do/<script>-<Class>")),
             qPrintable(empty.error().message()));
}

void TestWranglerState::listsObjectsByClass()
{
    const auto state = WranglerState::open(m_state);
    QVERIFY(state.ok());
    const QList<WranglerObjectInfo> objects = state->objects();
    QCOMPARE(objects.size(), 3);
    QCOMPARE(state->classNames(),
             (QStringList {QStringLiteral("MyAgent"), QStringLiteral("Other")}));
    // The script name keeps its own dashes; the class is after the last one.
    QCOMPARE(objects.at(0).className, QStringLiteral("MyAgent"));
    QCOMPARE(objects.at(0).scriptName, QStringLiteral("my-worker-app"));
    QCOMPARE(objects.at(0).directoryName, QStringLiteral("my-worker-app-MyAgent"));
    QCOMPARE(objects.at(0).id, QStringLiteral("00aa") + QString(60, QLatin1Char('1')));
    QCOMPARE(objects.at(1).id, WranglerTest::s_annaId);
    QVERIFY(objects.at(1).sizeBytes > 0);
    QCOMPARE(objects.at(2).className, QStringLiteral("Other"));
    QCOMPARE(objects.at(2).scriptName, QString());
}

void TestWranglerState::findsByIdPrefix()
{
    const auto state = WranglerState::open(m_state);
    QVERIFY(state.ok());
    QCOMPARE(state->find(QStringLiteral("MyAgent"), QStringLiteral("6aff"))->id,
             WranglerTest::s_annaId);
    // The folder name works as the class too.
    QCOMPARE(state->find(QStringLiteral("my-worker-app-MyAgent"), QStringLiteral("00"))->id,
             QStringLiteral("00aa") + QString(60, QLatin1Char('1')));
    const auto noClass = state->find(QStringLiteral("Nope"), QStringLiteral("6aff"));
    QVERIFY(!noClass.ok());
    QVERIFY2(noClass.error().message().contains(QLatin1String("classes: MyAgent, Other")),
             qPrintable(noClass.error().message()));
    const auto noObject = state->find(QStringLiteral("MyAgent"), QStringLiteral("ff"));
    QVERIFY(!noObject.ok());
    QVERIFY(noObject.error().message().contains(WranglerTest::s_annaId));
}

void TestWranglerState::readsEntriesTablesAndAlarm()
{
    const auto snapshot = WranglerObject::snapshot(anna());
    QVERIFY2(snapshot.ok(), qPrintable(snapshot.error().message()));
    // Every row was in the -wal only: a reader that ignored it would see nothing.
    const QList<WranglerEntry> &entries = snapshot->entries;
    QCOMPARE(entries.size(), 5);
    QCOMPARE(entries.at(0).key, QStringLiteral("arr"));
    QCOMPARE(entries.at(0).value.toArray().at(1).toString(), QStringLiteral("two"));
    QCOMPARE(entries.at(1).key, QStringLiteral("broken"));
    QVERIFY(!entries.at(1).error.isEmpty());
    QCOMPARE(entries.at(1)
                 .value.toObject()
                 .value(QLatin1String("a"))
                 .toObject()
                 .value(QLatin1String("$undecoded")),
             QJsonValue(QStringLiteral("2121")));
    QCOMPARE(entries.at(2).value.toObject().value(QLatin1String("$date")).toString(),
             QStringLiteral("2023-11-14T22:13:20.000Z"));
    QCOMPARE(entries.at(3).value.toString(), QStringLiteral("hello"));
    QCOMPARE(entries.at(3).raw, QByteArray::fromHex("ff0f220568656c6c6f"));
    QCOMPARE(entries.at(4).value.toInteger(), 42);

    QStringList names;
    for (const WranglerTable &table : snapshot->tables)
        names.append(table.name);
    QCOMPARE(names, (QStringList {QStringLiteral("_cf_KV"), QStringLiteral("_cf_METADATA"),
                                  QStringLiteral("candidates")}));
    const WranglerTable &candidates = snapshot->tables.at(2);
    QVERIFY(!candidates.internal);
    QVERIFY(snapshot->tables.at(0).internal);
    QCOMPARE(candidates.columns,
             (QStringList {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("score")}));
    QCOMPARE(candidates.rowCount, 2);

    QVERIFY(snapshot->alarm.set);
    QCOMPARE(snapshot->alarm.rawNanoseconds, s_alarmNs);
    QCOMPARE(snapshot->alarm.timeMs, 1900000000000);
}

void TestWranglerState::deletedOrMissingAlarm()
{
    const auto state = WranglerState::open(m_state);
    QVERIFY(state.ok());
    const auto deleted = WranglerObject::snapshot(
        state->find(QStringLiteral("MyAgent"), QStringLiteral("00aa")).value());
    QVERIFY(deleted.ok());
    QVERIFY(!deleted->alarm.set);
    const auto none = WranglerObject::snapshot(
        state->find(QStringLiteral("Other"), QStringLiteral("bb")).value());
    QVERIFY(none.ok());
    QVERIFY(!none->alarm.set);
}

void TestWranglerState::consoleRefusesWrites_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("message");
    const QString readOnly = QStringLiteral("read-only");
    QTest::newRow("insert") << QStringLiteral("INSERT INTO candidates (name) VALUES ('Eve')")
                            << readOnly;
    QTest::newRow("delete") << QStringLiteral("DELETE FROM _cf_KV") << readOnly;
    QTest::newRow("create") << QStringLiteral("CREATE TABLE t (x)") << readOnly;
    QTest::newRow("drop") << QStringLiteral("DROP TABLE candidates") << readOnly;
    QTest::newRow("attach") << QStringLiteral("ATTACH 'x.sqlite' AS x")
                            << QStringLiteral("not authorized");
    QTest::newRow("pragma set") << QStringLiteral("PRAGMA query_only = 0")
                                << QStringLiteral("not authorized");
    QTest::newRow("vacuum into") << QStringLiteral("VACUUM INTO 'copy.sqlite'") << readOnly;
    QTest::newRow("two statements")
        << QStringLiteral("SELECT 1; DELETE FROM candidates") << QStringLiteral("one statement");
    QTest::newRow("bad sql") << QStringLiteral("SELEKT 1") << QStringLiteral("syntax error");
}

void TestWranglerState::consoleRefusesWrites()
{
    QFETCH(QString, sql);
    QFETCH(QString, message);
    const DurableTest::DirectorySnapshot before = DurableTest::snapshotDirectory(m_state);
    const auto result = WranglerObject::query(anna(), sql);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message().contains(message), qPrintable(result.error().message()));
    const auto after = WranglerObject::query(anna(),
                                             QStringLiteral("SELECT count(*) FROM candidates"));
    QVERIFY(after.ok());
    QCOMPARE(after->rows.first().at(0).toInteger(), 2);
    QCOMPARE(DurableTest::snapshotDirectory(m_state), before);
}

void TestWranglerState::consoleReads()
{
    const auto result = WranglerObject::query(
        anna(), QStringLiteral("SELECT name, score, key IS NULL AS k FROM candidates LEFT JOIN "
                               "_cf_KV ON key = 'x' ORDER BY name;"));
    QVERIFY2(result.ok(), qPrintable(result.error().message()));
    QCOMPARE(result->columns,
             (QStringList {QStringLiteral("name"), QStringLiteral("score"), QStringLiteral("k")}));
    QCOMPARE(result->rows.size(), 2);
    QCOMPARE(result->rows.at(0), (QJsonArray {QStringLiteral("Anna"), 8.5, 1}));
    // Reading pragmas and the schema is allowed.
    const auto pragma = WranglerObject::query(anna(), QStringLiteral("PRAGMA table_info(_cf_KV)"));
    QVERIFY2(pragma.ok(), qPrintable(pragma.error().message()));
    QCOMPARE(pragma->rows.size(), 2);
}

void TestWranglerState::notSqliteIsAnError()
{
    const QString folder = m_state + QStringLiteral("/v3/do/app-Broken");
    QDir().mkpath(folder);
    QFile file(folder + QStringLiteral("/") + QString(64, QLatin1Char('c')) +
               QStringLiteral(".sqlite"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    const auto state = WranglerState::open(m_state);
    QVERIFY(state.ok());
    const auto snapshot = WranglerObject::snapshot(
        state->find(QStringLiteral("Broken"), QStringLiteral("c")).value());
    QVERIFY(!snapshot.ok());
    QVERIFY2(snapshot.error().message().contains(QLatin1String("not a database")),
             qPrintable(snapshot.error().message()));
}

void TestWranglerState::writesNothing()
{
    const DurableTest::DirectorySnapshot before = DurableTest::snapshotDirectory(m_state);
    QVERIFY(before.size() > 9);
    const auto state = WranglerState::open(m_state);
    QVERIFY(state.ok());
    for (const WranglerObjectInfo &object : state->objects()) {
        auto opened = WranglerObject::open(object);
        QVERIFY(opened.ok());
        QVERIFY(opened.value()->entries().ok());
        QVERIFY(opened.value()->tables().ok());
        QVERIFY(opened.value()->alarm().ok());
        QVERIFY(opened.value()->query(QStringLiteral("SELECT * FROM sqlite_master")).ok());
    }
    const DurableTest::DirectorySnapshot after = DurableTest::snapshotDirectory(m_state);
    QVERIFY2(after == before, qPrintable(DurableTest::describeChanges(before, after)));
}

QTEST_GUILESS_MAIN(TestWranglerState)
#include "tst_wranglerstate.moc"
