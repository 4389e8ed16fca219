// SPDX-License-Identifier: MIT
// `durable inspect --wrangler-state` end to end, through the built executable: on a fixture laid
// out as workerd leaves it, and on the folder Miniflare writes when the JavaScript recruitment
// agent runs its scenario (tests/cloudflare/run-scenario.mjs --persist). Every view is read,
// writes are refused, and the folder's bytes are compared before and after. The studio opening
// the Miniflare folder (with its screenshot) leaves it as it was too.
#include "directorysnapshot.h"
#include "durablerun.h"
#include "wranglerfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace DurableTest;

namespace {

DurableRun inspect(const QString &state, const QStringList &arguments)
{
    return runDurable(
        QStringLiteral(DURABLE_CLI_PATH),
        QStringList {QStringLiteral("inspect"), QStringLiteral("--wrangler-state"), state} +
            arguments);
}

QJsonDocument json(const DurableRun &run)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), qPrintable(run.out));
    return doc;
}

} // namespace

class TestWranglerCli : public QObject
{
    Q_OBJECT

private slots:
    void fixtureViews();
    void usageErrors();
    void miniflareFolder();
};

void TestWranglerCli::fixtureViews()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString state = dir.filePath(QStringLiteral(".wrangler/state"));
    QString error;
    QVERIFY2(WranglerTest::writeObject(state, QStringLiteral("my-worker-app-MyAgent"),
                                       WranglerTest::s_annaId, 1900000000000000000, &error),
             qPrintable(error));
    const DirectorySnapshot before = snapshotDirectory(state);

    const DurableRun objects = inspect(state,
                                       {QStringLiteral("objects"), QStringLiteral("--json")});
    QCOMPARE(objects.exitCode, 0);
    const QJsonArray list = json(objects).array();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first()[QLatin1String("class")].toString(), QStringLiteral("MyAgent"));
    QCOMPARE(list.first()[QLatin1String("script")].toString(), QStringLiteral("my-worker-app"));

    const DurableRun object = inspect(state, {QStringLiteral("object"), QStringLiteral("MyAgent"),
                                              QStringLiteral("6aff"), QStringLiteral("--json")});
    QCOMPARE(object.exitCode, 0);
    const QJsonObject detail = json(object).object();
    const QJsonObject storage = detail[QLatin1String("storage")].toObject();
    QCOMPARE(storage[QLatin1String("greeting")].toString(), QStringLiteral("hello"));
    QCOMPARE(storage[QLatin1String("int")].toInteger(), 42);
    QCOMPARE(storage[QLatin1String("arr")].toArray().at(2)[QLatin1String("three")].toInteger(), 3);
    QVERIFY(detail[QLatin1String("undecoded")].toObject().contains(QLatin1String("broken")));
    QCOMPARE(detail[QLatin1String("alarm")][QLatin1String("time")].toString(),
             QStringLiteral("2030-03-17T17:46:40.000Z"));

    const DurableRun text = inspect(
        state, {QStringLiteral("object"), QStringLiteral("MyAgent"), QStringLiteral("6aff")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QLatin1String("greeting  \"hello\"")), qPrintable(text.out));

    const DurableRun sql = inspect(
        state, {QStringLiteral("sql"), QStringLiteral("MyAgent"), QStringLiteral("6aff"),
                QStringLiteral("SELECT name, score FROM candidates"), QStringLiteral("--json")});
    QCOMPARE(sql.exitCode, 0);
    QCOMPARE(json(sql).object()[QLatin1String("rows")].toArray().size(), 2);

    const DurableRun tables = inspect(
        state, {QStringLiteral("tables"), QStringLiteral("MyAgent"), QStringLiteral("6aff")});
    QCOMPARE(tables.exitCode, 0);
    QVERIFY2(tables.out.contains(QLatin1String("candidates")), qPrintable(tables.out));

    const DurableRun alarm = inspect(
        state, {QStringLiteral("alarm"), QStringLiteral("MyAgent"), QStringLiteral("6aff")});
    QCOMPARE(alarm.exitCode, 0);
    QVERIFY2(alarm.out.contains(QLatin1String("2030-03-17T17:46:40.000Z")), qPrintable(alarm.out));

    const DurableRun write = inspect(state, {QStringLiteral("sql"), QStringLiteral("MyAgent"),
                                             QStringLiteral("6aff"),
                                             QStringLiteral("DELETE FROM candidates")});
    QCOMPARE(write.exitCode, 3);
    QVERIFY2(write.err.contains(QLatin1String("read-only")), qPrintable(write.err));

    const DirectorySnapshot after = snapshotDirectory(state);
    QVERIFY2(after == before, qPrintable(describeChanges(before, after)));
}

void TestWranglerCli::usageErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QCOMPARE(inspect(dir.path(), {}).exitCode, 2);
    QCOMPARE(inspect(dir.path(), {QStringLiteral("journal")}).exitCode, 2);
    QCOMPARE(inspect(dir.path(), {QStringLiteral("sql"), QStringLiteral("A"), QStringLiteral("b")})
                 .exitCode,
             2);
    const DurableRun both = runDurable(QStringLiteral(DURABLE_CLI_PATH),
                                       {QStringLiteral("inspect"), QStringLiteral("--data"),
                                        dir.path(), QStringLiteral("--wrangler-state"), dir.path(),
                                        QStringLiteral("objects")});
    QCOMPARE(both.exitCode, 2);
    // An empty folder is not a state folder: a data error that says what was expected.
    const DurableRun empty = inspect(dir.path(), {QStringLiteral("objects")});
    QCOMPARE(empty.exitCode, 3);
    QVERIFY2(empty.err.contains(QLatin1String("v3/do/<script>-<Class>")), qPrintable(empty.err));
    QVERIFY(QDir(dir.path()).isEmpty());
}

void TestWranglerCli::miniflareFolder()
{
    const QString source = QStringLiteral(DURABLE_SOURCE_DIR);
    const QString node = QStringLiteral(DURABLE_NODE_EXECUTABLE);
    if (node.isEmpty() || !QFileInfo::exists(node))
        QFAIL("node was not found: run packaging/install-deps.sh, then configure again");
    if (!QFileInfo::exists(source + QStringLiteral("/resources/cloudflare/node_modules/miniflare")))
        QFAIL("Miniflare is not installed: run packaging/install-deps.sh (npm ci in "
              "resources/cloudflare)");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString state = dir.filePath(QStringLiteral("state"));
    QProcess scenario;
    scenario.setWorkingDirectory(source);
    scenario.setProcessChannelMode(QProcess::MergedChannels);
    scenario.start(node, {QStringLiteral("tests/cloudflare/run-scenario.mjs"),
                          QStringLiteral("--persist"), state});
    QVERIFY(scenario.waitForStarted());
    QVERIFY2(scenario.waitForFinished(150000), "the Miniflare scenario did not finish");
    const QString log = QString::fromUtf8(scenario.readAll());
    QVERIFY2(scenario.exitStatus() == QProcess::NormalExit && scenario.exitCode() == 0,
             qPrintable(log));
    QVERIFY2(QFileInfo(state + QStringLiteral("/v3/do")).isDir(), qPrintable(log));

    const DirectorySnapshot before = snapshotDirectory(state);
    const DurableRun objects = inspect(state,
                                       {QStringLiteral("objects"), QStringLiteral("--json")});
    QCOMPARE(objects.exitCode, 0);
    const QJsonArray list = json(objects).array();
    QString recruitment;
    for (const QJsonValue &object : list) {
        const QString className = object[QLatin1String("class")].toString();
        const QString id = object[QLatin1String("id")].toString();
        if (className == QLatin1String("Recruitment") && recruitment.isEmpty())
            recruitment = id;
        // Every object reads, and every value in its _cf_KV decodes whole.
        const DurableRun detail = inspect(
            state, {QStringLiteral("object"), className, id, QStringLiteral("--json")});
        QCOMPARE(detail.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(detail.out.toUtf8()).object();
        QVERIFY2(!json.contains(QLatin1String("undecoded")), qPrintable(detail.out));
        QVERIFY(json.contains(QLatin1String("alarm")));
        const DurableRun alarm = inspect(state, {QStringLiteral("alarm"), className, id});
        QCOMPARE(alarm.exitCode, 0);
    }
    QVERIFY2(!recruitment.isEmpty(), qPrintable(objects.out));

    // The agent's own tables, through the console: the JS recruitment agent's object row.
    const DurableRun tables = inspect(state,
                                      {QStringLiteral("tables"), QStringLiteral("Recruitment"),
                                       recruitment, QStringLiteral("--json")});
    QCOMPARE(tables.exitCode, 0);
    QVERIFY2(tables.out.contains(QLatin1String("_durable_object")), qPrintable(tables.out));
    const DurableRun sql = inspect(
        state,
        {QStringLiteral("sql"), QStringLiteral("Recruitment"), recruitment.left(12),
         QStringLiteral("SELECT class, step FROM _durable_object"), QStringLiteral("--json")});
    QCOMPARE(sql.exitCode, 0);
    const QJsonArray rows = json(sql).object()[QLatin1String("rows")].toArray();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().toArray().first().toString(), QStringLiteral("Recruitment"));
    const DurableRun write = inspect(
        state, {QStringLiteral("sql"), QStringLiteral("Recruitment"), recruitment,
                QStringLiteral("UPDATE _durable_object SET step = 'x'")});
    QCOMPARE(write.exitCode, 3);
    QVERIFY2(write.err.contains(QLatin1String("read-only")), qPrintable(write.err));

#ifdef DURABLE_STUDIO_PATH
    QTemporaryDir shots;
    QProcess studio;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    studio.setProcessEnvironment(environment);
    studio.start(
        QStringLiteral(DURABLE_STUDIO_PATH),
        {QStringLiteral("--wrangler-state"), state, QStringLiteral("--screenshot"), shots.path()});
    QVERIFY(studio.waitForFinished(60000));
    QCOMPARE(studio.exitCode(), 0);
    QVERIFY(QFileInfo(shots.filePath(QStringLiteral("wrangler-state.png"))).size() > 0);
#endif

    const DirectorySnapshot after = snapshotDirectory(state);
    QVERIFY2(after == before, qPrintable(describeChanges(before, after)));
}

QTEST_GUILESS_MAIN(TestWranglerCli)
#include "tst_wranglercli.moc"
