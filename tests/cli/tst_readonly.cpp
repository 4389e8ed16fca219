// SPDX-License-Identifier: MIT
// Commands that only look change nothing on disk (issue 15): `durable inspect` and `repair` on
// a folder that is not a data directory are refused and create nothing; `inspect` of every view,
// and the studio opening a directory and taking its screenshots, leave every file's bytes as
// they were; the studio gives demo objects to the demo directory only.
#include "demoagentsloader.h"
#include "directorysnapshot.h"
#include "durablerun.h"
#include "testutil.h"

#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <examples/examples.h>

using namespace Durable;
using namespace DurableTest;

namespace {

// A refusal comes at once; a command that wrongly went ahead is stopped after timeoutMs.
DurableRun durable(const QStringList &arguments, int timeoutMs = 120000)
{
    return runDurable(QStringLiteral(DURABLE_CLI_PATH), arguments, timeoutMs);
}

} // namespace

class TestReadOnly : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QString m_data; // a data directory with objects, alarms and an agent waiting on a human

    // A folder of somebody else's (a tool's state folder): not a data directory, not empty.
    QString makeForeignFolder(const QString &name)
    {
        const QString dir = m_tmp.filePath(name);
        QDir().mkpath(dir + QStringLiteral("/state/v3"));
        QFile file(dir + QStringLiteral("/state/v3/cache.json"));
        if (file.open(QIODevice::WriteOnly))
            file.write("{\"mine\": true}\n");
        return dir;
    }

    void verifyUnchanged(const DirectorySnapshot &before, const QString &dir, const QString &what)
    {
        const DirectorySnapshot after = snapshotDirectory(dir);
        QVERIFY2(after == before, qPrintable(what + QStringLiteral(" changed the directory:\n") +
                                             describeChanges(before, after)));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // The studio keeps its settings and demo directory under these: never the user's own.
        qputenv("XDG_CONFIG_HOME", m_tmp.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_tmp.filePath(QStringLiteral("share")).toUtf8());
        m_data = m_tmp.filePath(QStringLiteral("data"));
        EngineOptions options;
        options.dataDir = m_data;
        Engine engine(options);
        DurableExamples::registerDemoClasses(engine);
        const auto started = engine.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message()));
        QVERIFY(call(engine, "Counter", "alice", "increment", 3).ok());
        QVERIFY(call(engine, "Reminder", "standup", "remind",
                     QJsonObject {{"text", "Daily stand-up"}, {"inMinutes", 600}})
                    .ok());
        QVERIFY(call(engine, "Recruitment", "ada", "submitResume",
                     QJsonObject {{"candidate", "Ada Lovelace"},
                                  {"role", "Backend engineer"},
                                  {"resume", "Ten years of C++."}})
                    .ok());
        // The agent screens the resume with its model, then asks a recruiter.
        const HumanInbox inbox(&engine);
        QTRY_VERIFY_WITH_TIMEOUT(!awaitValue(inbox.pending()).value().isEmpty(), 20000);
        engine.shutdown();
    }

    void inspectLeavesTheDataDirectoryAsItWas()
    {
        const DirectorySnapshot before = snapshotDirectory(m_data);
        QVERIFY(before.contains(QStringLiteral("engine.sqlite")));
        const QList<QStringList> views {
            {"classes"},
            {"objects"},
            {"object", "Counter", "alice"},
            {"journal", "Recruitment", "ada"},
            {"alarms"},
            {"inbox"},
            {"object", "Recruitment", "ada"},
        };
        for (const QStringList &view : views) {
            for (const bool json : {false, true}) {
                QStringList arguments {QStringLiteral("inspect"), QStringLiteral("--demo"),
                                       QStringLiteral("--data"), m_data};
                arguments += view;
                if (json)
                    arguments << QStringLiteral("--json");
                const DurableRun run = durable(arguments);
                QVERIFY2(run.exitCode == 0, qPrintable(arguments.join(u' ') + u'\n' + run.err));
                verifyUnchanged(before, m_data, arguments.join(u' '));
            }
        }
    }

    // `inspect object` shows what an agent holds, not only its key/value storage (issue 15).
    void inspectShowsAnAgentsState()
    {
        const DurableRun json = durable(
            {"inspect", "--demo", "--data", m_data, "object", "Recruitment", "ada", "--json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject agent =
            QJsonDocument::fromJson(json.out.toUtf8()).object().value("agent").toObject();
        QCOMPARE(agent.value("step").toString(), QStringLiteral("awaiting-recruiter"));
        QCOMPARE(agent.value("state").toObject().value("candidate").toString(),
                 QStringLiteral("Ada Lovelace"));
        QCOMPARE(agent.value("openRequests").toArray().size(), 1);
        const DurableRun text = durable(
            {"inspect", "--demo", "--data", m_data, "object", "Recruitment", "ada"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("candidate = \"Ada Lovelace\"")),
                 qPrintable(text.out));
        QVERIFY2(text.out.contains(QStringLiteral("Review Ada Lovelace")), qPrintable(text.out));
    }

    void inspectAndRepairRefuseAFolderThatIsNotADataDirectory()
    {
        const QString folder = makeForeignFolder(QStringLiteral("wrangler"));
        const DirectorySnapshot before = snapshotDirectory(folder);
        const QList<QStringList> commands {
            {"inspect", "--demo", "--data", folder, "objects"},
            {"inspect", "--demo", "--data", folder, "classes", "--json"},
            {"repair", "--demo", "--data", folder, "Counter", "alice", "reset"},
        };
        for (const QStringList &arguments : commands) {
            const DurableRun run = durable(arguments);
            QCOMPARE(run.exitCode, 3);
            QVERIFY2(run.err.contains(QStringLiteral("is not a Durable data directory")),
                     qPrintable(run.err));
            QVERIFY2(run.err.contains(QStringLiteral("Nothing was changed")), qPrintable(run.err));
            verifyUnchanged(before, folder, arguments.join(u' '));
        }
    }

    void inspectDoesNotCreateAMissingDirectory()
    {
        const QString missing = m_tmp.filePath(QStringLiteral("no-such-dir"));
        const DurableRun run = durable({"inspect", "--demo", "--data", missing, "objects"});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(QStringLiteral("No data directory")), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(missing));
    }

    void serveRefusesAFolderThatIsNotADataDirectory()
    {
        const QString folder = makeForeignFolder(QStringLiteral("notes"));
        const DirectorySnapshot before = snapshotDirectory(folder);
        const DurableRun run = durable({"run", "--demo", "--data", folder}, 20000);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(QStringLiteral("is not empty")), qPrintable(run.err));
        verifyUnchanged(before, folder, QStringLiteral("durable run"));
    }

#ifdef DURABLE_STUDIO_PATH
    // With the objects' classes loaded, and without (their package not given: the studio shows
    // the objects but must not drop what it cannot run, such as their open human requests).
    void studioScreenshotsLeaveTheDataDirectoryAsItWas_data()
    {
        QTest::addColumn<QStringList>("packages");
        QTest::newRow("classes loaded") << QStringList {"--agents", DurableTest::demoAgentsPath()};
        QTest::newRow("classes not loaded") << QStringList {};
    }

    void studioScreenshotsLeaveTheDataDirectoryAsItWas()
    {
        QFETCH(QStringList, packages);
        const DirectorySnapshot before = snapshotDirectory(m_data);
        const QString shots = m_tmp.filePath(QStringLiteral("shots-%1").arg(packages.size()));
        const DurableRun run = runDurable(QStringLiteral(DURABLE_STUDIO_PATH),
                                          QStringList {"--data", m_data, "--screenshot", shots} +
                                              packages);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(QFileInfo::exists(shots + QStringLiteral("/studio-main.png")));
        verifyUnchanged(before, m_data, QStringLiteral("durable-studio --screenshot"));
    }

    void studioRefusesAFolderThatIsNotADataDirectory()
    {
        const QString folder = makeForeignFolder(QStringLiteral("photos"));
        const DirectorySnapshot before = snapshotDirectory(folder);
        const DurableRun run = runDurable(
            QStringLiteral(DURABLE_STUDIO_PATH),
            {"--data", folder, "--screenshot", m_tmp.filePath(QStringLiteral("shots-refused"))});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("is not a Durable data directory")),
                 qPrintable(run.err));
        verifyUnchanged(before, folder, QStringLiteral("durable-studio --data"));
    }

    // --board points the workflow board (and the screenshots of it) at an author's class; an
    // unknown one is refused with the classes there are. A directory of the user's has only the
    // classes of the packages they load: the demo agents are not forced on it.
    void studioBoardNamesAClass()
    {
        const DirectorySnapshot before = snapshotDirectory(m_data);
        const DurableRun bare = runDurable(
            QStringLiteral(DURABLE_STUDIO_PATH),
            {"--data", m_data, "--board", "Counter", "--screenshot", m_tmp.filePath("shots-bare")});
        QCOMPARE(bare.exitCode, 2);
        QVERIFY2(bare.err.contains(QStringLiteral("no class \"Counter\"")) &&
                     bare.err.contains(QStringLiteral("no agent packages are loaded")),
                 qPrintable(bare.err));
        const QString demo = DurableTest::demoAgentsPath();
        const DurableRun unknown = runDurable(QStringLiteral(DURABLE_STUDIO_PATH),
                                              {"--data", m_data, "--agents", demo, "--board",
                                               "Nope", "--screenshot",
                                               m_tmp.filePath("shots-nope")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains(QStringLiteral("no class \"Nope\"")) &&
                     unknown.err.contains(QStringLiteral("Recruitment")),
                 qPrintable(unknown.err));
        const DurableRun known = runDurable(QStringLiteral(DURABLE_STUDIO_PATH),
                                            {"--data", m_data, "--agents", demo, "--board",
                                             "Reminder", "--screenshot",
                                             m_tmp.filePath(QStringLiteral("shots-board"))});
        QVERIFY2(known.exitCode == 0, qPrintable(known.err));
        QVERIFY(
            QFileInfo::exists(m_tmp.filePath(QStringLiteral("shots-board/workflow-board.png"))));
        verifyUnchanged(before, m_data, QStringLiteral("durable-studio --board"));
    }

    // A directory the user names is theirs: it starts empty, the demo objects stay in the demo
    // directory.
    void studioGivesDemoObjectsToTheDemoDirectoryOnly()
    {
        const QString empty = m_tmp.filePath(QStringLiteral("mine"));
        QVERIFY(QDir().mkpath(empty));
        const DurableRun run = runDurable(
            QStringLiteral(DURABLE_STUDIO_PATH),
            {"--data", empty, "--screenshot", m_tmp.filePath(QStringLiteral("shots-mine"))});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const DurableRun objects = durable(
            {"inspect", "--demo", "--data", empty, "objects", "--json"});
        QCOMPARE(objects.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(objects.out.toUtf8()).array().size(), 0);
    }
#endif
};

QTEST_GUILESS_MAIN(TestReadOnly)
#include "tst_readonly.moc"
