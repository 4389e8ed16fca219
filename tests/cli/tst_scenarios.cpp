// SPDX-License-Identifier: MIT
// `durable test`: scenarios pass and fail readably, in-process (ScenarioRunner) and through the
// real executable (exit codes, output, JUnit XML).
#include "demoagentsloader.h"
#include "durablerun.h"
#include "junitwriter.h"
#include "scenariorunner.h"
#include <durable/core/agentpackageloader.h>
#include <durable/core/duration.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/jsonmatch.h>
#include <durable/core/scenario.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <directorysnapshot.h>

using namespace Durable;
using namespace Durable::Cli;

namespace {

const QString s_durable = QStringLiteral(DURABLE_CLI_PATH);
const QString s_data = QStringLiteral(DURABLE_CLI_TEST_DATA);
const QString s_scenarios = QStringLiteral(DURABLE_SCENARIOS_DIR);

using Run = DurableTest::DurableRun;

Run runDurable(const QStringList &arguments)
{
    return DurableTest::runDurable(s_durable, arguments);
}

} // namespace

class TestScenarios : public QObject
{
    Q_OBJECT
private slots:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("hours") << "24h" << qint64(24 * 3600 * 1000);
        QTest::newRow("minutes") << "90m" << qint64(90 * 60 * 1000);
        QTest::newRow("seconds") << "5s" << qint64(5000);
        QTest::newRow("ms") << "250ms" << qint64(250);
        QTest::newRow("sum") << "1h30m" << qint64(90 * 60 * 1000);
        QTest::newRow("days") << "2d" << qint64(2 * 24 * 3600 * 1000);
        QTest::newRow("bare") << "3" << qint64(3000);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto parsed = Duration::parse(text);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().message()));
        QCOMPARE(parsed->count(), ms);
        QCOMPARE(Duration::parse(Duration::format(parsed.value()))->count(), ms);
    }
    void badDurationsAreRefused()
    {
        for (const char *text : {"", "h", "5 parsecs", "12x"}) {
            const auto parsed = Duration::parse(QString::fromLatin1(text));
            QVERIFY2(!parsed.ok(), text);
            QVERIFY(parsed.error().message().contains(QStringLiteral("Invalid duration")));
        }
    }

    void jsonMatchIsASubsetMatch()
    {
        const QJsonObject actual =
            QJsonDocument::fromJson(
                R"({"a": 1, "profile": {"score": 5, "name": "x"}, "list": [1, 2]})")
                .object();
        QVERIFY(JsonMatch::matches(QJsonDocument::fromJson(R"({"profile": {"score": 5}})").object(),
                                   actual));
        QVERIFY(!JsonMatch::matches(
            QJsonDocument::fromJson(R"({"profile": {"score": 6}})").object(), actual));
        QVERIFY(!JsonMatch::matches(QJsonArray {1}, actual.value(QStringLiteral("list"))));
        QCOMPARE(JsonMatch::find(actual, QStringLiteral("profile.score")).value(), QJsonValue(5));
        QCOMPARE(JsonMatch::find(actual, QStringLiteral("list.1")).value(), QJsonValue(2));
        QVERIFY(!JsonMatch::find(actual, QStringLiteral("profile.missing")));
        const QJsonObject dotted {{QStringLiteral("a.b"), QJsonObject {{QStringLiteral("c"), 1}}}};
        QCOMPARE(JsonMatch::find(dotted, QStringLiteral("a.b.c")).value(), QJsonValue(1));
    }

    void malformedScenarioNamesTheStep()
    {
        const auto scenario = Scenario::load(s_data + QStringLiteral("/malformed.json"));
        QVERIFY(!scenario.ok());
        QVERIFY2(scenario.error().message().contains(QStringLiteral("step 2")),
                 qPrintable(scenario.error().message()));
        QVERIFY(scenario.error().message().contains(QStringLiteral("teleport")));
    }

    void shippedScenariosPassInProcess_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("counter") << s_scenarios + QStringLiteral("/counter.json");
        QTest::newRow("reminder") << s_scenarios + QStringLiteral("/reminder.json");
        QTest::newRow("recruitment") << s_scenarios + QStringLiteral("/recruitment.json");
        QTest::newRow("recruitment-what-if")
            << s_scenarios + QStringLiteral("/recruitment-what-if.json");
    }
    void shippedScenariosPassInProcess()
    {
        QFETCH(QString, file);
        const auto scenario = Scenario::load(file);
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        ScenarioRunner runner(&DurableTest::demoAgents());
        const ScenarioResult result = runner.run(scenario.value());
        QString failures;
        for (const StepResult &step : result.steps) {
            if (step.outcome == StepResult::Outcome::Failed)
                failures += QStringLiteral("%1. %2: %3 expected %4 actual %5\n")
                                .arg(step.index)
                                .arg(step.title, step.message, step.expected, step.actual);
        }
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QVERIFY2(result.passed(), qPrintable(failures));
        QCOMPARE(result.steps.size(), scenario->steps.size());
    }

    void wrongScenarioFailsInProcess()
    {
        const auto scenario = Scenario::load(s_data + QStringLiteral("/wrong.json"));
        QVERIFY(scenario.ok());
        ScenarioRunner runner(&DurableTest::demoAgents());
        const ScenarioResult result = runner.run(scenario.value());
        QVERIFY(!result.passed());
        QCOMPARE(result.steps.size(), 4);
        QCOMPARE(result.steps.at(0).outcome, StepResult::Outcome::Passed);
        QCOMPARE(result.steps.at(1).outcome, StepResult::Outcome::Passed);
        const StepResult &failed = result.steps.at(2);
        QCOMPARE(failed.outcome, StepResult::Outcome::Failed);
        QCOMPARE(failed.title, QStringLiteral("count is four"));
        QVERIFY2(failed.message.contains(QStringLiteral("\"count\"")), qPrintable(failed.message));
        QCOMPARE(failed.expected, QStringLiteral("4"));
        QCOMPARE(failed.actual, QStringLiteral("3"));
        // The object's history comes with the failure: the two requests that ran.
        QVERIFY2(failed.journal.size() >= 2, qPrintable(failed.journal.join(QLatin1Char('\n'))));
        QVERIFY(failed.journal.join(QLatin1Char('\n')).contains(QStringLiteral("increment")));
        QCOMPARE(result.steps.at(3).outcome, StepResult::Outcome::Skipped);
    }

    // Issue 17: a scenario chooses a model call's reply source before the call is made; a
    // choice that comes too late, or names no source, is refused with the reason.
    void modelSourceStepsChooseBeforeTheCall()
    {
        const auto steps = [](const QJsonArray &tail) {
            QJsonArray all {QJsonObject {{"do", "modelSource"},
                                         {"call", "mc-1"},
                                         {"source", "edited"},
                                         {"reply", QJsonObject {{"content", R"({"score": 3})"}}}},
                            QJsonObject {{"do", "call"},
                                         {"method", "submitResume"},
                                         {"args", QJsonObject {{"candidate", "Cy"}}}},
                            QJsonObject {{"do", "assertState"},
                                         {"state", QJsonObject {{"assessment.score", 3}}}}};
            for (const QJsonValue &step : tail)
                all.append(step);
            return QJsonObject {
                {"defaults", QJsonObject {{"class", "Recruitment"}, {"name", "cy"}}},
                {"steps", all}};
        };
        const QJsonObject late {{"do", "modelSource"}, {"call", "mc-1"}, {"source", "live"}};
        const auto scenario = Scenario::fromJson(steps({late}), QStringLiteral("inline"));
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        const ScenarioResult result =
            ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
        QCOMPARE(result.steps.at(2).outcome, StepResult::Outcome::Passed);
        const StepResult &refused = result.steps.at(3);
        QCOMPARE(refused.outcome, StepResult::Outcome::Failed);
        QVERIFY2(refused.message.contains("answered already"), qPrintable(refused.message));

        const QJsonObject unknown {{"do", "modelSource"}, {"call", "mc-2"}, {"source", "psychic"}};
        const auto bad = Scenario::fromJson(steps({unknown}), QStringLiteral("inline"));
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message().contains("step 4"), qPrintable(bad.error().message()));
        const QJsonObject compare {{"do", "assertCompare"}, {"firstDifference", 1}};
        const auto alone = Scenario::fromJson(steps({compare}), QStringLiteral("inline"));
        const ScenarioResult lonely = ScenarioRunner(&DurableTest::demoAgents()).run(alone.value());
        QVERIFY2(lonely.steps.at(3).message.contains("follows a sandbox step"),
                 qPrintable(lonely.steps.at(3).message));
    }

    // assertState reads the agent's state and says so when the value is elsewhere (issue 15:
    // it used to read key/value storage and fail with "actual: missing; entries: {}").
    void assertStateReadsTheAgentsState()
    {
        const auto scenario = Scenario::load(s_data + QStringLiteral("/wrongstate.json"));
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        const ScenarioResult result =
            ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
        QVERIFY(!result.passed());
        const StepResult &failed = result.steps.at(1);
        QCOMPARE(failed.outcome, StepResult::Outcome::Failed);
        QVERIFY2(failed.message.contains(QStringLiteral("the agent's state")),
                 qPrintable(failed.message));
        QVERIFY2(failed.actual.contains(QStringLiteral("the agent's state holds {}")),
                 qPrintable(failed.actual));
    }

    // Every ```json block of docs/SCENARIOS.md is a scenario that passes: the format's
    // documentation cannot drift from what `durable test` does.
    void documentedScenariosPass()
    {
        QFile doc(QStringLiteral(DURABLE_DOCS_DIR "/SCENARIOS.md"));
        QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.fileName()));
        const QString text = QString::fromUtf8(doc.readAll());
        static const QRegularExpression block(QStringLiteral("```json\\n(.*?)```"),
                                              QRegularExpression::DotMatchesEverythingOption);
        int examples = 0;
        for (const QRegularExpressionMatch &match : block.globalMatch(text)) {
            ++examples;
            const QJsonDocument json = QJsonDocument::fromJson(match.captured(1).toUtf8());
            QVERIFY2(json.isObject(), qPrintable(match.captured(1)));
            const auto scenario = Scenario::fromJson(json.object(), doc.fileName());
            QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
            const ScenarioResult result =
                ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
            QString failures = result.error;
            for (const StepResult &step : result.steps) {
                if (step.outcome == StepResult::Outcome::Failed)
                    failures += QStringLiteral("%1 step %2 %3: %4 expected %5 actual %6\n")
                                    .arg(result.name)
                                    .arg(step.index)
                                    .arg(step.title, step.message, step.expected, step.actual);
            }
            QVERIFY2(result.passed(), qPrintable(failures));
        }
        QVERIFY2(examples >= 3, "docs/SCENARIOS.md lost its examples");
    }

    // A failure's history shows alarm times as times, not epoch milliseconds (issue 15).
    void failureHistoryShowsAlarmTimes()
    {
        const QJsonObject json = QJsonDocument::fromJson(R"({
            "start": "2030-01-01T09:00:00Z",
            "defaults": {"class": "Reminder", "name": "r"},
            "steps": [
                {"do": "call", "method": "remind", "args": {"text": "Tea", "inMinutes": 30}},
                {"do": "assertAlarm", "none": true}
            ]})")
                                     .object();
        const auto scenario = Scenario::fromJson(json, QStringLiteral("inline.json"));
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        const ScenarioResult result =
            ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
        QVERIFY(!result.passed());
        const QString history = result.steps.at(1).journal.join(u'\n');
        QVERIFY2(history.contains(QStringLiteral("alarm set for 2030-01-01T09:30:00")),
                 qPrintable(history));
        QVERIFY2(!history.contains(QStringLiteral("\"dueMs\"")), qPrintable(history));
    }

    // The demo agents are a package: without --demo no engine of `durable` has them, and a
    // scenario that calls one is told how to load it.
    void demoAgentsLoadOnlyWithDemo()
    {
        const QString counter = s_scenarios + QStringLiteral("/counter.json");
        const Run bare = runDurable({QStringLiteral("test"), counter});
        QCOMPARE(bare.exitCode, 1);
        QVERIFY2(bare.out.contains(QStringLiteral("Unknown class \"Counter\"")) &&
                     bare.out.contains(QStringLiteral("--demo for the demo agents")),
                 qPrintable(bare.out));
        const Run demo = runDurable({QStringLiteral("test"), QStringLiteral("--demo"), counter});
        QVERIFY2(demo.exitCode == 0, qPrintable(demo.out + demo.err));
        QVERIFY2(demo.err.contains(QStringLiteral("loaded agent package demo")),
                 qPrintable(demo.err));
    }

    void modelIsChosenOnTheCommandLine()
    {
        const QString recruitment = s_scenarios + QStringLiteral("/recruitment.json");
        const Run bogus = runDurable({QStringLiteral("test"), QStringLiteral("--demo"),
                                      QStringLiteral("--model"), QStringLiteral("gpt-9"),
                                      recruitment});
        QCOMPARE(bogus.exitCode, 2);
        QVERIFY2(bogus.err.contains(QStringLiteral(
                     "Unknown model \"gpt-9\": use scripted, openai or cassette:FILE")),
                 qPrintable(bogus.err));
        // A cassette that cannot be read fails at start, not at the first model call.
        const Run missing = runDurable(
            {QStringLiteral("test"), QStringLiteral("--demo"), QStringLiteral("--model"),
             QStringLiteral("cassette:/nonexistent/screening.json"), recruitment});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains(QStringLiteral("/nonexistent/screening.json")),
                 qPrintable(missing.err));

        // The environment names an OpenAI server nobody listens on: without --model the
        // scenario's screening call fails; --model scripted overrides the environment.
        qputenv("DURABLE_MODEL", "openai");
        qputenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        const Run fromEnvironment = runDurable(
            {QStringLiteral("test"), QStringLiteral("--demo"), recruitment});
        const Run scripted = runDurable({QStringLiteral("test"), QStringLiteral("--demo"),
                                         QStringLiteral("--model"), QStringLiteral("scripted"),
                                         recruitment});
        qunsetenv("DURABLE_MODEL");
        qunsetenv("OPENAI_BASE_URL");
        QCOMPARE(fromEnvironment.exitCode, 1);
        QVERIFY2(fromEnvironment.err.contains(QStringLiteral("openai-compatible")),
                 qPrintable(fromEnvironment.err));
        QVERIFY2(scripted.exitCode == 0, qPrintable(scripted.out + scripted.err));
        QVERIFY2(scripted.err.contains(QStringLiteral("scripted (rules of class Recruitment)")),
                 qPrintable(scripted.err));
    }

    void executableReportsPassAndFail()
    {
        QTemporaryDir dir;
        const QString junit = dir.filePath(QStringLiteral("report.xml"));
        const Run run = runDurable({QStringLiteral("test"), QStringLiteral("--demo"),
                                    s_scenarios + QStringLiteral("/counter.json"),
                                    s_data + QStringLiteral("/wrong.json"),
                                    QStringLiteral("--junit"), junit});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(QStringLiteral("PASS counter")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("FAIL deliberately-wrong")), qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("FAIL   3. count is four")));
        QVERIFY(run.out.contains(QStringLiteral("expected: 4")));
        QVERIFY(run.out.contains(QStringLiteral("actual:   3")));
        QVERIFY(run.out.contains(QStringLiteral("recent history of the object")));
        QVERIFY(run.out.contains(QStringLiteral("1 of 2 scenarios passed")));

        // JUnit: one suite per scenario, the failing step marked, the rest skipped.
        QFile file(junit);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        QStringList suites;
        QString failedCase;
        QString failureText;
        int skipped = 0;
        QString currentCase;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("testsuite"))
                suites.append(xml.attributes().value(QStringLiteral("name")).toString());
            else if (xml.name() == QLatin1String("testcase"))
                currentCase = xml.attributes().value(QStringLiteral("name")).toString();
            else if (xml.name() == QLatin1String("failure")) {
                failedCase = currentCase;
                failureText = xml.readElementText();
            } else if (xml.name() == QLatin1String("skipped"))
                ++skipped;
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(suites,
                 QStringList({QStringLiteral("counter"), QStringLiteral("deliberately-wrong")}));
        QCOMPARE(failedCase, QStringLiteral("03. count is four"));
        QVERIFY(failureText.contains(QStringLiteral("expected: 4")));
        QCOMPARE(skipped, 1);
    }

    void executableExitCodes()
    {
        QCOMPARE(runDurable({QStringLiteral("test"), QStringLiteral("/nonexistent/scenario.json")})
                     .exitCode,
                 2);
        QCOMPARE(runDurable({QStringLiteral("test")}).exitCode, 2);
        QCOMPARE(runDurable({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(runDurable({QStringLiteral("run")}).exitCode, 2); // --data missing
        const Run malformed = runDurable(
            {QStringLiteral("test"), s_data + QStringLiteral("/malformed.json")});
        QCOMPARE(malformed.exitCode, 1);
        QVERIFY2(malformed.out.contains(QStringLiteral("teleport")), qPrintable(malformed.out));
        const Run version = runDurable({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(QStringLiteral("durable ")));
        for (const char *command : {"test", "run", "serve", "inspect"}) {
            const Run help = runDurable({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(help.exitCode, 0);
            // The usage line reads as the command is typed, not as the executable's path.
            const QString usage = QStringLiteral("Usage: durable %1 [options]").arg(command);
            QVERIFY2(help.out.startsWith(usage), qPrintable(help.out));
        }
    }

    void inspectComparesAForkWithItsOrigin()
    {
        QTemporaryDir dir;
        {
            EngineOptions options;
            options.dataDir = dir.path();
            Engine engine(options);
            DurableTest::demoAgents().registerClasses(engine);
            QVERIFY(engine.start().ok());
            Inspector inspector(&engine);
            auto orig = engine.stub(QStringLiteral("Counter"), QStringLiteral("orig")).value();
            for (int i = 0; i < 3; ++i)
                orig.call(QStringLiteral("increment"), 1).waitForFinished();
            QFuture<ObjectId> fork = inspector.fork(QStringLiteral("Counter"), orig.id(), 2,
                                                    QStringLiteral("what-if"));
            fork.waitForFinished();
            auto whatIf = engine.stub(QStringLiteral("Counter"), QStringLiteral("what-if")).value();
            whatIf.call(QStringLiteral("increment"), 10).waitForFinished();
            engine.shutdown();
        }
        const Run json = runDurable({QStringLiteral("inspect"), QStringLiteral("--demo"),
                                     QStringLiteral("--data"), dir.path(), QStringLiteral("--json"),
                                     QStringLiteral("compare"), QStringLiteral("Counter/orig"),
                                     QStringLiteral("Counter/what-if")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject comparison = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(comparison.value(QStringLiteral("relation")).toString(), QStringLiteral("fork"));
        QCOMPARE(comparison.value(QStringLiteral("sharedUntil")).toInt(), 2);
        QCOMPARE(comparison.value(QStringLiteral("firstDifference")).toInt(), 3);
        QCOMPARE(comparison.value(QStringLiteral("a")).toObject().value(QStringLiteral("name")),
                 QJsonValue(QStringLiteral("orig")));
        // count differs, and so does "updated" (the demo counter stores when it last changed).
        QJsonObject countDiff;
        for (const QJsonValue &change : comparison.value(QStringLiteral("stateDiff")).toArray()) {
            if (change.toObject().value(QStringLiteral("key")) ==
                QJsonValue(QStringLiteral("count")))
                countDiff = change.toObject();
        }
        QCOMPARE(countDiff.value(QStringLiteral("a")).toInt(), 3);
        QCOMPARE(countDiff.value(QStringLiteral("b")).toInt(), 12);

        const Run text = runDurable({QStringLiteral("inspect"), QStringLiteral("--demo"),
                                     QStringLiteral("--data"), dir.path(),
                                     QStringLiteral("compare"), QStringLiteral("Counter/orig"),
                                     QStringLiteral("Counter/what-if")});
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains(QStringLiteral("B is a fork of A made at turn #2")),
                 qPrintable(text.out));
        QVERIFY2(text.out.contains(QStringLiteral("first difference at turn #3")),
                 qPrintable(text.out));

        const Run missing = runDurable({QStringLiteral("inspect"), QStringLiteral("--demo"),
                                        QStringLiteral("--data"), dir.path(),
                                        QStringLiteral("compare"), QStringLiteral("Counter/orig"),
                                        QStringLiteral("Counter/nobody")});
        QCOMPARE(missing.exitCode, 3);
        const Run malformed = runDurable({QStringLiteral("inspect"), QStringLiteral("--demo"),
                                          QStringLiteral("--data"), dir.path(),
                                          QStringLiteral("compare"), QStringLiteral("orig"),
                                          QStringLiteral("Counter/what-if")});
        QCOMPARE(malformed.exitCode, 3);
        QVERIFY2(malformed.err.contains(QStringLiteral("write CLASS/NAME")),
                 qPrintable(malformed.err));
    }

    // Issue 17: the what-if scenario leaves an original and a sandbox; `inspect compare
    // --sandbox` reads the copy there and compares it with the original, for scripts. Reading
    // changes neither directory.
    void inspectComparesASandboxCopyWithTheOriginal()
    {
        QTemporaryDir dir;
        const auto scenario = Scenario::load(s_scenarios + "/recruitment-what-if.json");
        QVERIFY(scenario.ok());
        ScenarioRunner runner(&DurableTest::demoAgents());
        runner.setDataDir(dir.path());
        QVERIFY(runner.run(scenario.value()).passed());
        const DurableTest::DirectorySnapshot before = DurableTest::snapshotDirectory(dir.path());
        const Run json = runDurable({"inspect", "--demo", "--data", dir.path(), "--json", "compare",
                                     "Recruitment/ada", "--sandbox", "try-reject"});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject comparison = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(comparison.value("relation").toString(), QStringLiteral("fork"));
        QCOMPARE(comparison.value("sharedUntil").toInt(), 1);
        QCOMPARE(comparison.value("firstDifference").toInt(), 2);
        QStringList keys;
        for (const QJsonValue &change : comparison.value("stateDiff").toArray())
            keys.append(change.toObject().value("key").toString());
        QVERIFY2(keys.contains("_durable_agent_step"), qPrintable(keys.join(", ")));
        QCOMPARE(DurableTest::snapshotDirectory(dir.path()), before);

        const Run text = runDurable({"inspect", "--demo", "--data", dir.path(), "compare",
                                     "Recruitment/ada", "--sandbox", "try-reject"});
        QVERIFY2(text.out.contains("first difference at turn #2"), qPrintable(text.out));
        const Run unknown = runDurable({"inspect", "--demo", "--data", dir.path(), "compare",
                                        "Recruitment/ada", "--sandbox", "never"});
        QCOMPARE(unknown.exitCode, 3);
        QVERIFY2(unknown.err.contains("is not a sandbox"), qPrintable(unknown.err));
        const Run misplaced = runDurable(
            {"inspect", "--demo", "--data", dir.path(), "classes", "--sandbox", "try-reject"});
        QVERIFY2(misplaced.err.contains("compare view only"), qPrintable(misplaced.err));
    }

    void inspectPrintsWhatAScenarioLeft()
    {
        // serve-free path: a data dir written by `durable run` is covered in tst_serve; here the
        // inspect command must refuse a missing directory with the data-error exit code.
        const Run run = runDurable({QStringLiteral("inspect"), QStringLiteral("--demo"),
                                    QStringLiteral("--data"), QStringLiteral("/nonexistent/dir"),
                                    QStringLiteral("classes")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains(QStringLiteral("No data directory")));
    }
};

QTEST_GUILESS_MAIN(TestScenarios)
#include "tst_scenarios.moc"
