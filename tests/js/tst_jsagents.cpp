// SPDX-License-Identifier: MIT
// JavaScript agents: a file's exported classes run as agents with the C++ Agent's API (handlers,
// continuations, state and its validation, steps, key/value, SQL, schedules, tools, model calls,
// human requests); a JavaScript exception fails the turn with file:line, a file that does not
// load is refused with file:line before anything runs, and the JavaScript recruitment agent
// walks the same workflow as the C++ one.
#include "testutil.h"

#include "feedutil.h"

#include <durable/core/agentconnections.h>
#include <durable/core/agentpackageloader.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/jsagentfile.h>
#include <durable/core/jslimits.h>
#include <durable/core/virtualclock.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>

using namespace Durable;
using namespace DurableTest;
using namespace std::chrono_literals;

namespace {

const char *const s_counter = R"JS(
export class Counter extends Agent {
    static get steps() { return ["counting", "done"]; }
    constructor() {
        super();
        this.handle("add", this.add);
        this.handle("get", this.count);
        this.handle("remember", this.remember);
        this.handle("table", this.table);
        this.handle("later", this.later);
        this.handle("finish", this.finish);
        this.handle("badStep", this.badStep);
        this.handle("boom", this.boom);
        this.continuation("onLater", this.onLater);
    }
    count() { return this.state().count ?? 0; }
    remember(args) { this.put(args.key, args.value); return this.get(args.key); }
    later(args) { return this.schedule(args.ms, "onLater", { note: args.note }); }
    onLater(payload) { this.put("later", payload.note); }
    finish() { this.setStep("done"); return this.step(); }
    badStep() { this.setStep("flying"); }
    initialState() { return { count: 0 }; }
    validateState(next) { return next.count > 100 ? "count stops at 100" : undefined; }
    add(args) {
        const next = this.state();
        next.count += args.by ?? 1;
        this.setState(next);
        this.setStep("counting");
        return next.count;
    }
    table(args) {
        this.sql("CREATE TABLE IF NOT EXISTS notes(text TEXT)");
        this.sql("INSERT INTO notes(text) VALUES (?1)", [args.text]);
        return this.sql("SELECT count(*) FROM notes").rows[0][0];
    }
    boom() {
        const nothing = null;
        return nothing.field;
    }
}
)JS";

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("could not write %s", qPrintable(path));
    return path;
}

QString problem(const AgentPackageReport &report)
{
    return report.error ? report.error->message() : QString();
}

struct Fixture
{
    std::shared_ptr<VirtualClock> clock;
    std::unique_ptr<Engine> engine;
};

Fixture start(const QString &dataDir, const QString &agentFile)
{
    Fixture f;
    f.clock = std::make_shared<VirtualClock>(QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC));
    EngineOptions options;
    options.dataDir = dataDir;
    options.clock = f.clock;
    f.engine = std::make_unique<Engine>(options);
    const Result<JsAgentFile> file = JsAgentFile::load(agentFile);
    if (!file)
        qFatal("%s", qPrintable(file.error().message()));
    if (auto ok = file->registerClasses(*f.engine); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    if (auto ok = f.engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    return f;
}

} // namespace

class TestJsAgents : public QObject
{
    Q_OBJECT
private slots:
    void aJavaScriptAgentUsesTheAgentApi()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "counter.js", s_counter);
        const Result<JsAgentFile> loaded = JsAgentFile::load(file);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error().message()));
        QCOMPARE(loaded->classNames(), QStringList {"Counter"});
        QCOMPARE(loaded->classes().constFirst().steps, QStringList({"counting", "done"}));
        QVERIFY(loaded->classes().constFirst().handlers.contains("add"));

        auto f = start(dir.filePath("data"), file);
        Engine &engine = *f.engine;
        QCOMPARE(call(engine, "Counter", "a", "add", QJsonObject {{"by", 2}}).value().toInt(), 2);
        QCOMPARE(call(engine, "Counter", "a", "add", QJsonObject {{"by", 3}}).value().toInt(), 5);
        const Result<QJsonValue> remembered = call(
            engine, "Counter", "a", "remember", QJsonObject {{"key", "colour"}, {"value", "blue"}});
        QVERIFY2(remembered.ok(), qPrintable(remembered.error().message()));
        QCOMPARE(remembered.value().toString(), QStringLiteral("blue"));
        QCOMPARE(call(engine, "Counter", "a", "table", QJsonObject {{"text", "x"}}).value().toInt(),
                 1);
        // Rebuilt from storage: state, key/value and tables were committed, not kept in JS.
        QVERIFY(await(engine.evict(ObjectId::fromName("Counter", "a"))).ok());
        QCOMPARE(call(engine, "Counter", "a", "get").value().toInt(), 5);
        QCOMPARE(call(engine, "Counter", "a", "table", QJsonObject {{"text", "y"}}).value().toInt(),
                 2);
        QCOMPARE(call(engine, "Counter", "a", "finish").value().toString(), QStringLiteral("done"));

        // A schedule runs its continuation on the engine's clock.
        QVERIFY(call(engine, "Counter", "a", "later", QJsonObject {{"ms", 60000}, {"note", "hi"}})
                    .ok());
        QCOMPARE(f.clock->advance(1min), 1);
        QTRY_COMPARE(
            call(engine, "Counter", "a", "remember", QJsonObject {{"key", "probe"}, {"value", 1}})
                .ok(),
            true);
        Inspector inspector(&engine);
        QFuture<QList<KeyValue>> kv = inspector.keyValues("Counter",
                                                          ObjectId::fromName("Counter", "a"));
        kv.waitForFinished();
        bool laterRan = false;
        for (const KeyValue &entry : kv.result())
            laterRan |= entry.key == "later" && entry.value.toString() == "hi";
        QVERIFY(laterRan);

        // The inspection API says which file the class's code is in.
        QFuture<QList<ClassSummary>> classes = inspector.classes();
        classes.waitForFinished();
        QCOMPARE(classes.result().size(), 1);
        QCOMPARE(classes.result().first().source, QFileInfo(file).absoluteFilePath());
        QFuture<ObjectSummary> object = inspector.object("Counter",
                                                         ObjectId::fromName("Counter", "a"));
        object.waitForFinished();
        QCOMPARE(object.result().classSource, QFileInfo(file).absoluteFilePath());
    }

    // WebSocket clients of a JavaScript agent: its onConnect/onMessage/onClose run as turns, and
    // this.send/this.broadcast leave after the commit; without onMessage, calls reach handlers.
    void aJavaScriptAgentTakesWebSocketClients()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "room.js", R"JS(
export class Room extends Agent {
    constructor() { super(); this.handle("who", this.who); this.handle("lastClose", this.lastClose); }
    who() { return this.state().members; }
    lastClose() { return this.state().lastClose; }
    initialState() { return { members: [] }; }
    onConnect(connection) {
        this.setState({ members: this.state().members.concat([connection.query.user]) });
        this.broadcast({ joined: connection.query.user }, [connection.id]);
    }
    onMessage(connection, message) {
        if (message === "who")
            this.send(connection.id, this.state().members.join(","));
        else
            this.broadcast(message);
    }
    onClose(connection, code, reason) {
        this.setState({ members: this.state().members.filter((m) => m !== connection.query.user),
                        lastClose: code + " " + reason });
    }
}
export class Plain extends Agent {
    constructor() { super(); this.handle("ping", this.ping); }
    ping() { return "pong"; }
}
)JS");
        auto f = start(dir.filePath("data"), file);
        Inspector inspector(f.engine.get());
        inspector.setFeedInterval(5);
        QSignalSpy spy(&inspector, &Inspector::changesAvailable);
        AgentConnections connections(f.engine.get());
        const AgentConnection ann {QStringLiteral("c-a"), {{"user", "ann"}}};
        const AgentConnection bob {QStringLiteral("c-b"), {{"user", "bob"}}};
        QVERIFY(await(connections.connect("Room", "r", ann)).ok());
        QVERIFY(await(connections.connect("Room", "r", bob)).ok());
        QVERIFY(await(connections.message("Room", "r", bob, "who")).ok());
        QVERIFY(await(connections.message("Room", "r", ann, "hi all")).ok());
        QVERIFY(await(connections.close("Room", "r", ann, 1000, "bye")).ok());
        QTRY_COMPARE(eventsOf(spy, ChangeEvent::Kind::ConnectionMessage).size(), 6);
        QStringList data;
        for (const ChangeEvent &event : eventsOf(spy, ChangeEvent::Kind::ConnectionMessage))
            data.append(event.detail.value("data").toString());
        // Each hello, then the joining to the others; bob's answer; ann's message to all.
        QVERIFY2(data.at(0).contains("\"type\":\"hello\"") && data.at(2).contains("\"hello\""),
                 qPrintable(data.join('\n')));
        QCOMPARE(data.at(1), QStringLiteral("{\"joined\":\"ann\"}"));
        QCOMPARE(data.at(3), QStringLiteral("{\"joined\":\"bob\"}"));
        QCOMPARE(data.at(4), QStringLiteral("ann,bob"));
        QCOMPARE(data.at(5), QStringLiteral("hi all"));
        const auto who = call(*f.engine, "Room", "r", "who");
        QVERIFY2(who.ok(), qPrintable(who.error().message()));
        QCOMPARE(who.value().toArray(), QJsonArray {"bob"});
        QCOMPARE(call(*f.engine, "Room", "r", "lastClose").value().toString(),
                 QStringLiteral("1000 bye")); // all three arguments of onClose

        // No onMessage: a call reaches the handler and its reply goes back to the caller.
        QVERIFY(await(connections.connect("Plain", "p", ann)).ok());
        QVERIFY(await(connections.message("Plain", "p", ann,
                                          R"({"type":"call","id":"q","method":"ping"})"))
                    .ok());
        QTRY_VERIFY(
            eventsOf(spy, ChangeEvent::Kind::ConnectionMessage).last().detail.value("data") ==
            QJsonValue(R"({"id":"q","result":"pong","type":"reply"})"));
    }

    void errorsNameTheCodeOrTheFileAndLine()
    {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "counter.js", s_counter);
        auto f = start(dir.filePath("data"), file);
        Engine &engine = *f.engine;
        // A JavaScript exception fails the turn, with where it was thrown.
        const Result<QJsonValue> boom = call(engine, "Counter", "b", "boom");
        QVERIFY(!boom.ok());
        QCOMPARE(boom.error().code(), ErrorCode::HandlerFailed);
        const QString source = QString::fromUtf8(s_counter);
        const int line = int(source.left(source.indexOf("nothing.field")).count(u'\n')) + 1;
        QVERIFY2(boom.error().message().contains(QStringLiteral("counter.js:%1").arg(line)),
                 qPrintable(boom.error().message()));
        QVERIFY2(boom.error().message().contains("Counter.boom"),
                 qPrintable(boom.error().message()));
        // The Agent API's own errors keep their code and message.
        const Result<QJsonValue> step = call(engine, "Counter", "b", "badStep");
        QVERIFY2(step.error().code() == ErrorCode::InvalidArgument,
                 qPrintable(step.error().message()));
        QVERIFY2(step.error().message().contains("flying"), qPrintable(step.error().message()));
        const Result<QJsonValue> tooMany = call(engine, "Counter", "b", "add",
                                                QJsonObject {{"by", 500}});
        QVERIFY2(!tooMany.ok() && tooMany.error().message().contains("count stops at 100"),
                 qPrintable(tooMany.error().message()));
        QCOMPARE(call(engine, "Counter", "b", "get").value().toInt(), 0); // rolled back

        // A file that does not load is refused before any object runs it.
        const QString broken = writeFile(dir, "broken.js",
                                         "export class X extends Agent {\n  oops(\n}\n");
        const Result<JsAgentFile> refused = JsAgentFile::load(broken);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message().contains("broken.js"),
                 qPrintable(refused.error().message()));
        const QString empty = writeFile(dir, "empty.js", "export const x = 1;\n");
        QVERIFY2(JsAgentFile::load(empty).error().message().contains("exports no agent class"),
                 qPrintable(JsAgentFile::load(empty).error().message()));
        const QString throwing = writeFile(dir, "throwing.js",
                                           "export class T extends Agent {\n  constructor() { "
                                           "super(); this.handle(\"x\", 3); }\n}\n");
        QVERIFY2(JsAgentFile::load(throwing).error().message().contains("throwing.js:2"),
                 qPrintable(JsAgentFile::load(throwing).error().message()));
    }

    // A call that does not end, or that eats memory, is stopped by the watchdog with a message
    // that says which limit; the turn rolls back and the object's next call runs normally.
    void aRunawayCallIsStoppedByItsLimits()
    {
        const JsLimits defaults = JsLimits::current();
        JsLimits tight;
        tight.cpu = 300ms;
        tight.memoryBytes = qint64(64) * 1024 * 1024;
        JsLimits::set(tight);
        const auto restore = qScopeGuard([&] { JsLimits::set(defaults); });
        QTemporaryDir dir;
        const QString file = writeFile(dir, "runaway.js", R"JS(
export class Runaway extends Agent {
    constructor() {
        super();
        this.handle("spin", this.spin);
        this.handle("hog", this.hog);
        this.handle("count", this.count);
    }
    initialState() { return { calls: 0 }; }
    count() {
        const next = this.state();
        next.calls += 1;
        this.setState(next);
        return next.calls;
    }
    spin() {
        this.count();
        let i = 0;
        for (;;) {
            try { i += 1; } catch (e) { /* a loop that swallows errors still stops */ }
        }
    }
    hog() {
        this.count();
        const kept = [];
        for (;;)
            kept.push("a string that takes room " + kept.length);
    }
}
)JS");
        auto f = start(dir.filePath("data"), file);
        Engine &engine = *f.engine;
        QCOMPARE(call(engine, "Runaway", "r", "count").value().toInt(), 1);

        const Result<QJsonValue> spun = call(engine, "Runaway", "r", "spin");
        QVERIFY(!spun.ok());
        QCOMPARE(spun.error().code(), ErrorCode::LimitExceeded);
        QVERIFY2(spun.error().message().contains("Runaway.spin was stopped after 300 ms of CPU"),
                 qPrintable(spun.error().message()));
        QCOMPARE(call(engine, "Runaway", "r", "count").value().toInt(), 2); // spin rolled back

        JsLimits roomy = tight;
        roomy.cpu = 60s; // only the memory limit can stop it
        JsLimits::set(roomy);
        const Result<QJsonValue> hogged = call(engine, "Runaway", "r", "hog");
        QVERIFY(!hogged.ok());
        QCOMPARE(hogged.error().code(), ErrorCode::LimitExceeded);
        QVERIFY2(hogged.error().message().contains("more than 64 MB"),
                 qPrintable(hogged.error().message()));
        QCOMPARE(call(engine, "Runaway", "r", "count").value().toInt(), 3);

        // A module whose top level does not end is refused when it loads.
        JsLimits::set(tight);
        const QString endless = writeFile(dir, "endless.js",
                                          "for (;;) {}\nexport class E extends Agent {}\n");
        const Result<JsAgentFile> refused = JsAgentFile::load(endless);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code(), ErrorCode::LimitExceeded);
        QVERIFY2(refused.error().message().contains("endless.js does not load"),
                 qPrintable(refused.error().message()));
    }

    // A .js file is an agent package: loaded by --agents, and reloaded between turns when it
    // changes (objects keep their state); a broken edit keeps the old code and says why.
    void aJavaScriptFileReloadsLikeAPackage()
    {
        QTemporaryDir dir;
        const auto version = [](const char *greeting) {
            return QByteArray("export class Greeter extends Agent {\n"
                              "    constructor() { super(); this.handle(\"hello\", this.hello); }\n"
                              "    hello(args) {\n"
                              "        const s = this.state(); s.count = (s.count ?? 0) + 1; "
                              "this.setState(s);\n"
                              "        return `") +
                   greeting + "${args.name} (${s.count})`;\n    }\n}\n";
        };
        const QString file = writeFile(dir, "greeter.js", version("Hello, "));
        AgentPackageLoader loader;
        const QList<AgentPackageReport> loaded = loader.load(file);
        QCOMPARE(loaded.size(), 1);
        QVERIFY2(loaded.constFirst().ok(), qPrintable(problem(loaded.constFirst())));
        QCOMPARE(loaded.constFirst().classes, QStringList {"Greeter"});
        EngineOptions options;
        options.dataDir = dir.filePath("data");
        options.clock = std::make_shared<VirtualClock>();
        Engine engine(options);
        QVERIFY(loader.registerClasses(engine).constFirst().ok());
        QVERIFY(engine.start().ok());
        const QJsonObject ada {{"name", "Ada"}};
        QCOMPARE(call(engine, "Greeter", "g", "hello", ada).value().toString(),
                 QStringLiteral("Hello, Ada (1)"));

        writeFile(dir, "greeter.js", version("Welcome back, "));
        QFuture<AgentPackageReport> reloaded = loader.reload(file);
        QTRY_VERIFY(reloaded.isFinished());
        QVERIFY2(reloaded.result().ok(), qPrintable(problem(reloaded.result())));
        QCOMPARE(call(engine, "Greeter", "g", "hello", ada).value().toString(),
                 QStringLiteral("Welcome back, Ada (2)"));

        writeFile(dir, "greeter.js", "export class Greeter extends Agent {\n  hello( {\n}\n");
        QFuture<AgentPackageReport> broken = loader.reload(file);
        QTRY_VERIFY(broken.isFinished());
        QVERIFY(!broken.result().ok());
        QVERIFY2(problem(broken.result()).contains("greeter.js"),
                 qPrintable(problem(broken.result())));
        QCOMPARE(call(engine, "Greeter", "g", "hello", ada).value().toString(),
                 QStringLiteral("Welcome back, Ada (3)"));
    }

    // The JavaScript recruitment agent: screening by the scripted model, the recruiter's
    // approval, the booking through a tool, the follow-up a day later.
    void theJavaScriptRecruitmentAgentRunsTheWorkflow()
    {
        QTemporaryDir dir;
        auto f = start(dir.path(), QStringLiteral(DURABLE_JS_EXAMPLES "/recruitment.js"));
        Engine &engine = *f.engine;
        const auto submitted = call(
            engine, "Recruitment", "ada", "submitResume",
            QJsonObject {{"candidate", "Ada"}, {"role", "Engineer"}, {"resume", "C++."}});
        QVERIFY2(submitted.ok(), qPrintable(submitted.error().message()));
        QCOMPARE(submitted->toObject().value("modelCall").toString(), QStringLiteral("mc-1"));
        const auto stepOf = [&engine] {
            return call(engine, "Recruitment", "ada", "status")
                .value()
                .toObject()
                .value("step")
                .toString();
        };
        QTRY_COMPARE(stepOf(), QStringLiteral("awaiting-recruiter"));
        HumanInbox inbox(&engine);
        QFuture<QList<HumanRequestInfo>> pending = inbox.pending();
        pending.waitForFinished();
        QCOMPARE(pending.result().size(), 1);
        QCOMPARE(pending.result().constFirst().title, QStringLiteral("Review Ada"));
        HumanResponse approve;
        approve.action = HumanAction::Approve;
        QFuture<QJsonValue> answered = inbox.answer(pending.result().constFirst(), approve);
        answered.waitForFinished();
        QCOMPARE(answered.result().toString(), QStringLiteral("interview"));
        QTRY_COMPARE(stepOf(), QStringLiteral("follow-up-scheduled"));
        const QJsonObject status = call(engine, "Recruitment", "ada", "status").value().toObject();
        QCOMPARE(status.value("slot").toObject().value("interviewer").toString(),
                 QStringLiteral("Sam Rivera"));
        QCOMPARE(f.clock->advance(24h), 1);
        QTRY_COMPARE(stepOf(), QStringLiteral("closed"));
        QVERIFY(call(engine, "Recruitment", "ada", "status")
                    .value()
                    .toObject()
                    .value("followUpMessage")
                    .toString()
                    .startsWith("Hello! Thank you"));
    }
};

QTEST_GUILESS_MAIN(TestJsAgents)
#include "tst_jsagents.moc"
