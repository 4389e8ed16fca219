// SPDX-License-Identifier: MIT
// Saving a session as a scenario: a session driven in-process is recorded, saved, and replayed by
// the ScenarioRunner on a fresh engine to the same final state; an altered recorded reply makes
// the replay fail; `durable serve --record` writes what its HTTP clients did.
#include "awaitresult.h"
#include "demoagentsloader.h"
#include "enginesession.h"
#include "httptestclient.h"
#include "scenariorunner.h"
#include "servedprocess.h"
#include <durable/core/scenario.h>

#include <durable/core/agentdirectory.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/scenariorecorder.h>
#include <durable/core/virtualclock.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace Durable::Cli;
using namespace DurableCliTest;
using namespace std::chrono_literals;

namespace {

const QString s_durable = QStringLiteral(DURABLE_CLI_PATH);
const QDateTime s_start(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC);

// What a replay must reproduce of one object: its key/value entries and its agent state.
struct ObjectState
{
    QJsonObject kv;
    QJsonObject state;
    QString step;
};

// Human request ids are random UUIDs: the one part of an agent's state no replay can repeat.
QJsonValue withoutRequestIds(const QJsonValue &value)
{
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it)
            out.insert(it.key(), withoutRequestIds(it.value()));
        return out;
    }
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &element : value.toArray())
            out.append(withoutRequestIds(element));
        return out;
    }
    if (value.isString() && uuid.match(value.toString()).hasMatch())
        return QStringLiteral("<request id>");
    return value;
}

ObjectState stateOf(EngineSession &session, const QString &className, const QString &name)
{
    const ObjectId id = ObjectId::fromName(className, name);
    ObjectState state;
    for (const KeyValue &entry :
         awaitResult(session.inspector().keyValues(className, id)).valueOr({}))
        state.kv.insert(entry.key, entry.value);
    state.state =
        withoutRequestIds(
            awaitResult(AgentDirectory(&session.engine()).state(className, id)).valueOr({}))
            .toObject();
    state.step = awaitResult(session.inspector().object(className, id)).valueOr({}).step;
    return state;
}

std::unique_ptr<EngineSession> openSession(const QString &dir)
{
    EngineOptions options;
    options.dataDir = dir;
    options.workerThreads = 2;
    options.clock = std::make_shared<VirtualClock>(s_start);
    auto session = EngineSession::open(options, &DurableTest::demoAgents());
    if (!session)
        qWarning() << session.error().message();
    return session ? std::move(session.value()) : nullptr;
}

Result<QJsonValue> call(EngineSession &session, const QString &className, const QString &name,
                        const QString &method, const QJsonValue &args = {})
{
    const auto stub = session.engine().stub(className, name);
    if (!stub)
        return stub.error();
    return awaitResult(stub->call(method, args));
}

QString describe(const ScenarioResult &result)
{
    QStringList lines {result.error};
    for (const StepResult &step : result.steps) {
        if (step.outcome == StepResult::Outcome::Failed)
            lines << QStringLiteral("step %1 %2: %3 (expected %4, actual %5)")
                         .arg(step.index)
                         .arg(step.title, step.message, step.expected, step.actual);
    }
    return lines.join(QLatin1Char('\n'));
}

const QList<QPair<QString, QString>> s_objects {
    {QStringLiteral("Counter"), QStringLiteral("anna")},
    {QStringLiteral("Reminder"), QStringLiteral("standup")},
    {QStringLiteral("Recruitment"), QStringLiteral("grace")}};

} // namespace

class TestRecorder : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_file = m_dir.filePath(QStringLiteral("scenarios/session.json"));
        auto session = openSession(m_dir.filePath(QStringLiteral("session")));
        QVERIFY(session);
        recordSession(*session);
        for (const auto &[className, name] : s_objects)
            m_original.insert(className + QLatin1Char('/') + name,
                              stateOf(*session, className, name));
    }

    void savedScenarioParses()
    {
        const auto scenario = Scenario::load(m_file);
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        QCOMPARE(scenario->start, s_start);
        QStringList kinds;
        for (const ScenarioStep &step : scenario->steps)
            kinds.append(step.kind);
        // The session's operations in order, then the final-state checks.
        for (const char *kind : {"call", "answer", "advance", "crash", "settle", "assertStep",
                                 "assertPending", "assertStorage", "assertAlarm"})
            QVERIFY2(kinds.contains(QLatin1String(kind)), kind);
        QVERIFY(kinds.indexOf(QStringLiteral("answer")) < kinds.indexOf(QStringLiteral("advance")));
        QVERIFY(kinds.indexOf(QStringLiteral("advance")) < kinds.indexOf(QStringLiteral("crash")));
        // The refused call is asserted as an error, not dropped.
        QVERIFY(QString::fromUtf8(fileText()).contains(QStringLiteral("\"unknown-method\"")));
    }

    void replayReachesTheSameState()
    {
        const auto scenario = Scenario::load(m_file);
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        const QString replayDir = m_dir.filePath(QStringLiteral("replay"));
        ScenarioRunner runner(&DurableTest::demoAgents());
        runner.setDataDir(replayDir);
        const ScenarioResult result = runner.run(scenario.value());
        QVERIFY2(result.passed(), qPrintable(describe(result)));

        auto replay = openSession(replayDir);
        QVERIFY(replay);
        for (const auto &[className, name] : s_objects) {
            const QString key = className + QLatin1Char('/') + name;
            const ObjectState replayed = stateOf(*replay, className, name);
            const ObjectState &original = m_original.value(key);
            QVERIFY2(!original.kv.isEmpty() || !original.state.isEmpty(), qPrintable(key));
            QCOMPARE(replayed.kv, original.kv);
            QCOMPARE(replayed.state, original.state);
            QCOMPARE(replayed.step, original.step);
        }
    }

    void alteredReplyFailsTheReplay()
    {
        QJsonObject json = QJsonDocument::fromJson(fileText()).object();
        QJsonArray steps = json.value(QStringLiteral("steps")).toArray();
        int altered = -1;
        for (qsizetype i = 0; i < steps.size() && altered < 0; ++i) {
            QJsonObject step = steps.at(i).toObject();
            if (step.value(QStringLiteral("method")).toString() == QLatin1String("increment")) {
                QCOMPARE(step.value(QStringLiteral("expect")).toInt(), 2);
                step.insert(QStringLiteral("expect"), 99);
                steps[i] = step;
                altered = int(i) + 1;
            }
        }
        QVERIFY(altered > 0);
        json.insert(QStringLiteral("steps"), steps);
        const auto scenario = Scenario::fromJson(json, QStringLiteral("altered.json"));
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        const ScenarioResult result =
            ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
        QVERIFY(!result.passed());
        const StepResult &failed = result.steps.at(altered - 1);
        QCOMPARE(failed.outcome, StepResult::Outcome::Failed);
        QCOMPARE(failed.message, QStringLiteral("unexpected reply"));
        QCOMPARE(failed.expected, QStringLiteral("99"));
        QCOMPARE(failed.actual, QStringLiteral("2"));
    }

    void secondRecordingIsRefused()
    {
        QTemporaryDir dir;
        auto session = openSession(dir.path());
        QVERIFY(session);
        QVERIFY(ScenarioRecorder::start(&session->engine()).ok());
        const auto again = ScenarioRecorder::start(&session->engine());
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code(), ErrorCode::Conflict);
        QVERIFY(ScenarioRecorder::stop(&session->engine()));
        QVERIFY(!ScenarioRecorder::stop(&session->engine()));
    }

    void emptyRecordingIsNotSaved()
    {
        QTemporaryDir dir;
        auto session = openSession(dir.path());
        QVERIFY(session);
        QVERIFY(ScenarioRecorder::start(&session->engine()).ok());
        const auto recorder = ScenarioRecorder::stop(&session->engine());
        const QString file = dir.filePath(QStringLiteral("empty.json"));
        const Result<int> saved = awaitResult(
            recorder->save(&session->engine(), &session->inspector(), file));
        QVERIFY(!saved.ok());
        QVERIFY2(saved.error().message().contains(QStringLiteral("Nothing to save")),
                 qPrintable(saved.error().message()));
        QVERIFY(!QFile::exists(file));
    }

    void callsMadeByTurnsAreNotRecorded()
    {
        // The recruitment agent's model call and tool turns follow from the recorded call: only
        // the user's own call is a step.
        QTemporaryDir dir;
        auto session = openSession(dir.path());
        QVERIFY(session);
        auto recorder = ScenarioRecorder::start(&session->engine());
        QVERIFY(recorder.ok());
        QSignalSpy recorded(recorder->get(), &ScenarioRecorder::stepRecorded);
        QVERIFY(recorded.isValid());
        QVERIFY(call(*session, QStringLiteral("Recruitment"), QStringLiteral("ada"),
                     QStringLiteral("submitResume"),
                     QJsonObject {{QStringLiteral("candidate"), QStringLiteral("Ada Lovelace")}})
                    .ok());
        QTRY_COMPARE(awaitResult(session->inspector().object(
                                     QStringLiteral("Recruitment"),
                                     ObjectId::fromName(QStringLiteral("Recruitment"),
                                                        QStringLiteral("ada"))))
                         .valueOr({})
                         .step,
                     QStringLiteral("awaiting-recruiter"));
        QCOMPARE(recorder.value()->stepCount(), 1);
        QCOMPARE(recorded.count(), 1);
        QVERIFY(!recorder.value()->timeFlowed());
    }

    void serveRecordsWhatClientsDid()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("served.json"));
        ServedProcess served(
            s_durable, {QStringLiteral("serve"), QStringLiteral("--demo"), QStringLiteral("--data"),
                        dir.filePath(QStringLiteral("data")), QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet"),
                        QStringLiteral("--virtual-clock"), QStringLiteral("--clock-start"),
                        QStringLiteral("2030-01-01T09:00:00Z"), QStringLiteral("--record"), file});
        const quint16 port = served.start();
        QVERIFY2(port != 0, qPrintable(served.standardError()));
        HttpTestClient client(port);
        QCOMPARE(client.post("/objects/Counter/zoe/increment", "{\"by\": 4}").status, 200);
        QCOMPARE(client.post("/clock/advance", "{\"by\": \"2h\"}").status, 200);
        QCOMPARE(client.post("/objects/Counter/zoe/increment", "{}").status, 200);
        QCOMPARE(served.terminate(), 0);
        QVERIFY2(served.standardError().contains(QStringLiteral("recorded 3 operation(s)")),
                 qPrintable(served.standardError()));

        const auto scenario = Scenario::load(file);
        QVERIFY2(scenario.ok(), qPrintable(scenario.error().message()));
        QCOMPARE(scenario->steps.at(0).kind, QStringLiteral("call"));
        QCOMPARE(scenario->steps.at(0).params.value(QStringLiteral("expect")).toInt(), 4);
        const ScenarioResult result =
            ScenarioRunner(&DurableTest::demoAgents()).run(scenario.value());
        QVERIFY2(result.passed(), qPrintable(describe(result)));
    }

private:
    // Calls (one refused), a human answer to the recruitment agent, a day's jump, a crash.
    void recordSession(EngineSession &session)
    {
        auto recorder = ScenarioRecorder::start(&session.engine());
        QVERIFY(recorder.ok());
        QCOMPARE(call(session, QStringLiteral("Counter"), QStringLiteral("anna"),
                      QStringLiteral("increment"), QJsonObject {{QStringLiteral("by"), 2}})
                     .valueOr({}),
                 QJsonValue(2));
        QCOMPARE(call(session, QStringLiteral("Counter"), QStringLiteral("anna"),
                      QStringLiteral("explode"))
                     .error()
                     .code(),
                 ErrorCode::UnknownMethod);
        QVERIFY(call(session, QStringLiteral("Reminder"), QStringLiteral("standup"),
                     QStringLiteral("remind"),
                     QJsonObject {{QStringLiteral("text"), QStringLiteral("Stand-up")},
                                  {QStringLiteral("inMinutes"), 60}})
                    .ok());
        QVERIFY(
            call(session, QStringLiteral("Recruitment"), QStringLiteral("grace"),
                 QStringLiteral("submitResume"),
                 QJsonObject {{QStringLiteral("candidate"), QStringLiteral("Grace Hopper")},
                              {QStringLiteral("role"), QStringLiteral("Compiler engineer")},
                              {QStringLiteral("resume"), QStringLiteral("COBOL and compilers.")}})
                .ok());

        const HumanInbox inbox(&session.engine());
        QList<HumanRequestInfo> pending;
        QTRY_VERIFY((pending = awaitResult(inbox.pending()).valueOr({})).size() == 1);
        HumanResponse approve;
        approve.action = HumanAction::Approve;
        approve.text = QStringLiteral("Book her.");
        approve.answeredBy = QStringLiteral("recruiter");
        QVERIFY(awaitResult(inbox.answer(pending.first(), approve)).ok());
        const ObjectId grace = ObjectId::fromName(QStringLiteral("Recruitment"),
                                                  QStringLiteral("grace"));
        QTRY_COMPARE(awaitResult(session.inspector().object(QStringLiteral("Recruitment"), grace))
                         .valueOr({})
                         .step,
                     QStringLiteral("follow-up-scheduled"));

        QVERIFY(session.virtualClock()->advance(24h) >= 2); // the reminder and the follow-up
        QVERIFY(awaitResult(session.engine().crash(ObjectId::fromName(QStringLiteral("Counter"),
                                                                      QStringLiteral("anna"))))
                    .ok());
        QCOMPARE(
            call(session, QStringLiteral("Counter"), QStringLiteral("anna"), QStringLiteral("get"))
                .valueOr({}),
            QJsonValue(2));

        const auto stopped = ScenarioRecorder::stop(&session.engine());
        QCOMPARE(stopped, recorder.value());
        QCOMPARE(stopped->stepCount(), 8);
        const Result<int> saved = awaitResult(
            stopped->save(&session.engine(), &session.inspector(), m_file));
        QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message()));
        QCOMPARE(saved.value(), 8);
    }

    QByteArray fileText() const
    {
        QFile file(m_file);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QTemporaryDir m_dir;
    QString m_file;
    QHash<QString, ObjectState> m_original;
};

QTEST_GUILESS_MAIN(TestRecorder)
#include "tst_recorder.moc"
