// SPDX-License-Identifier: MIT
// The `durable serve` gateway over real HTTP on 127.0.0.1 (ephemeral port), in-process.
#include "demoagentsloader.h"
#include "enginesession.h"
#include "fakeopenaiserver.h"
#include "gateway.h"
#include "httptestclient.h"
#include "servedgateway.h"

#include "httploadclient.h"
#include "httpserver.h"
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkProxyFactory>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace Durable::Cli;
using namespace DurableCliTest;

class TestGateway : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { m_served = std::make_unique<Served>(true); }
    void cleanupTestCase() { m_served.reset(); }

    void callsAnObjectAndReadsItBack()
    {
        HttpTestClient client(m_served->port);
        HttpTestResponse r = client.post("/objects/Counter/anna/increment", R"({"by": 2})");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.json().value(QStringLiteral("result")).toInt(), 2);
        r = client.post("/objects/Counter/anna/increment", "3");
        QCOMPARE(r.json().value(QStringLiteral("result")).toInt(), 5);
        r = client.post("/objects/Counter/anna/get", "");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("result")).toInt(), 5);

        r = client.get("/objects/Counter/anna");
        QCOMPARE(r.status, 200);
        const QJsonObject detail = r.json();
        QCOMPARE(
            detail.value(QStringLiteral("kv")).toObject().value(QStringLiteral("count")).toInt(),
            5);
        QCOMPARE(detail.value(QStringLiteral("object"))
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("anna"));
        QVERIFY(detail.value(QStringLiteral("alarm")).isNull());

        r = client.get("/objects?class=Counter&text=ann");
        QCOMPARE(r.status, 200);
        const QJsonArray objects = r.json().value(QStringLiteral("objects")).toArray();
        QCOMPARE(objects.size(), 1);
        QCOMPARE(objects.at(0).toObject().value(QStringLiteral("class")).toString(),
                 QStringLiteral("Counter"));

        r = client.get("/classes");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("classes")).toArray().size(),
                 m_served->session->engine().classNames().size());
        QCOMPARE(client.get("/health").status, 200);
    }

    void malformedJsonIs400()
    {
        HttpTestClient client(m_served->port);
        const HttpTestResponse r = client.post("/objects/Counter/anna/increment", R"({"by": )");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("invalid-argument"));
        QVERIFY(!r.errorMessage().isEmpty());
        QCOMPARE(client.get("/objects?limit=ten").status, 400);
    }

    void unknownThingsAre404()
    {
        HttpTestClient client(m_served->port);
        HttpTestResponse r = client.get("/nowhere");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("not-found"));
        r = client.post("/objects/NoSuchClass/x/get", "");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("unknown-class"));
        r = client.get("/objects/NoSuchClass/x");
        QCOMPARE(r.status, 404);
        r = client.get("/objects/Counter/never-called");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("not-found"));
    }

    void unknownMethodIsAnError()
    {
        HttpTestClient client(m_served->port);
        const HttpTestResponse r = client.post("/objects/Counter/anna/explode", "{}");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("unknown-method"));
        QVERIFY2(r.errorMessage().contains(QStringLiteral("explode")),
                 qPrintable(r.errorMessage()));
    }

    void handlerErrorsKeepTheirCode()
    {
        HttpTestClient client(m_served->port);
        const HttpTestResponse r = client.post("/objects/Reminder/r/remind", R"({"inMinutes": 5})");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("invalid-argument"));
    }

    void oversizedBodyIs413()
    {
        HttpTestClient client(m_served->port);
        const QByteArray big = "\"" + QByteArray(MaxBody + 10, 'x') + "\"";
        const HttpTestResponse r = client.post("/objects/Counter/anna/increment", big);
        QCOMPARE(r.status, 413);
    }

    void concurrentClients()
    {
        constexpr int objects = 8;
        constexpr qint64 total = 2000;
        HttpLoadClient::Options options;
        options.port = m_served->port;
        options.connections = 32;
        options.totalRequests = total;
        options.method = "POST";
        options.body = "1";
        options.headers = {{"Content-Type", "application/json"}};
        options.pathFor = [](qint64 index) {
            return "/objects/Counter/load-" + QByteArray::number(index % objects) + "/increment";
        };
        options.check = [](qint64, int status, const QByteArray &body) {
            return status == 200 &&
                   QJsonDocument::fromJson(body).object().value(QStringLiteral("result")).toInt() >
                       0;
        };
        options.timeoutMs = 60000;
        HttpLoadClient load(options);
        const HttpLoadClient::Report report = load.run();
        QVERIFY2(!report.timedOut && report.failed == 0 && report.mismatches == 0,
                 qPrintable(report.summary()));
        QCOMPARE(report.completed, total);
        HttpTestClient client(m_served->port);
        int sum = 0;
        for (int i = 0; i < objects; ++i) {
            const HttpTestResponse r = client.post(
                "/objects/Counter/load-" + QByteArray::number(i) + "/get", "");
            QCOMPARE(r.status, 200);
            sum += r.json().value(QStringLiteral("result")).toInt();
        }
        QCOMPARE(sum, int(total));
    }

    void eventStreamSeesTurnCompleted()
    {
        HttpTestClient events(m_served->port);
        events.send(HttpTestClient::request("GET", "/events?class=Counter"));
        const QByteArray head = events.readUntil(": durable change feed");
        QVERIFY2(head.contains("text/event-stream"), head.constData());
        QTRY_COMPARE(m_served->gateway->eventStreamCount(), 1);

        HttpTestClient client(m_served->port);
        QCOMPARE(client.post("/objects/Counter/sse/increment", "7").status, 200);
        // Wait for the turn's own event, to the end of its data line (keys are sorted, "name" is
        // last): the object's created/activated events may arrive in an earlier read.
        const QByteArray stream = events.readUntil(
            "\"kind\":\"turn-completed\",\"name\":\"sse\"}\n");
        QVERIFY2(stream.contains("event: turn-completed"), stream.constData());
        const qsizetype at = stream.indexOf("event: turn-completed");
        const qsizetype dataAt = stream.indexOf("data: ", at);
        const QByteArray line = stream.mid(dataAt + 6, stream.indexOf('\n', dataAt) - dataAt - 6);
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        QCOMPARE(event.value(QStringLiteral("kind")).toString(), QStringLiteral("turn-completed"));
        QCOMPARE(event.value(QStringLiteral("class")).toString(), QStringLiteral("Counter"));
        QVERIFY(!stream.contains("\"class\":\"Reminder\""));
    }

    // GET /objects/{class}/{name}/events: a snapshot first, then that object's events only,
    // an agent's state among them, each after its turn committed.
    void anObjectEventStreamFollowsOneObject()
    {
        HttpTestClient unknown(m_served->port);
        QCOMPARE(unknown.get("/objects/Nope/x/events").status, 404);

        HttpTestClient events(m_served->port);
        const int before = m_served->gateway->eventStreamCount();
        events.send(HttpTestClient::request("GET", "/objects/Recruitment/follow/events"));
        const QByteArray head = events.readUntil("event: snapshot");
        QVERIFY2(head.contains("text/event-stream"), head.constData());
        QVERIFY2(events.readUntil("{\"exists\":false}\n").contains("data: {\"exists\":false}"),
                 "a snapshot of an object not created yet says so");
        QTRY_COMPARE(m_served->gateway->eventStreamCount(), before + 1);

        HttpTestClient client(m_served->port);
        QCOMPARE(client.post("/objects/Counter/not-followed/increment", "1").status, 200);
        QCOMPARE(client
                     .post("/objects/Recruitment/follow/submitResume",
                           R"({"candidate": "Grace Hopper", "role": "Engineer"})")
                     .status,
                 200);
        // The screening reply arrives as a later turn: its state carries the assessment.
        const QByteArray stream = events.readUntil("\"assessment\"");
        QVERIFY2(stream.contains("event: turn-completed"), stream.constData());
        QVERIFY2(stream.contains("event: state-changed"), stream.constData());
        QVERIFY2(stream.contains("Grace Hopper"), stream.constData());
        QVERIFY2(!stream.contains("not-followed"), stream.constData());

        // A second client of an existing object gets its detail as the snapshot.
        HttpTestClient late(m_served->port);
        late.send(HttpTestClient::request("GET", "/objects/Recruitment/follow/events"));
        const QByteArray snapshot = late.readUntil("\"candidate\":\"Grace Hopper\"");
        QVERIFY2(snapshot.contains("event: snapshot"), snapshot.constData());
    }

    // A streamed model reply reaches a client of the object as it streams: model-delta events
    // with the text, then the reply's committed turn with the whole answer in the state.
    void anObjectEventStreamCarriesStreamedText()
    {
        QNetworkProxyFactory::setUseSystemConfiguration(false);
        Testing::FakeOpenAiServer model;
        QVERIFY(model.listen());
        model.enqueue(Testing::FakeResponse::textStream(
            {QStringLiteral("Hello"), QStringLiteral(", "), QStringLiteral("streaming "),
             QStringLiteral("world")},
            60));
        Served served(true, {}, openAiModelAt(model.baseUrl()));
        HttpTestClient events(served.port);
        events.send(HttpTestClient::request("GET", "/objects/Assistant/streamer/events"));
        QVERIFY(events.readUntil("{\"exists\":false}\n").contains("event: snapshot"));

        HttpTestClient client(served.port);
        QCOMPARE(client.post("/objects/Assistant/streamer/chat", R"({"text": "hi"})").status, 200);
        const QByteArray stream = events.readUntil("\"lastAnswer\":\"Hello, streaming world\"");
        const qsizetype firstDelta = stream.indexOf("event: model-delta");
        QVERIFY2(firstDelta >= 0, stream.constData());
        QVERIFY2(stream.indexOf("\"delta\":\"Hello\"") > firstDelta, stream.constData());
        QVERIFY2(firstDelta < stream.indexOf("\"lastAnswer\""), stream.constData());
    }

    void virtualClockAdvancesAndFiresAlarms()
    {
        HttpTestClient client(m_served->port);
        HttpTestResponse r = client.post("/objects/Reminder/daily/remind",
                                         R"({"text": "tomorrow", "inMinutes": 1440})");
        QCOMPARE(r.status, 200);
        r = client.get("/alarms");
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json().value(QStringLiteral("alarms")).toArray().isEmpty());
        r = client.post("/clock/advance", R"({"by": "24h"})");
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QStringLiteral("virtual")).toBool());
        QCOMPARE(r.json().value(QStringLiteral("fired")).toInt(), 1);
        r = client.get("/objects/Reminder/daily");
        QCOMPARE(r.json()
                     .value(QStringLiteral("kv"))
                     .toObject()
                     .value(QStringLiteral("pending"))
                     .toInt(),
                 0);
        QCOMPARE(client.post("/clock/advance", R"({"by": "soon"})").status, 400);
    }

    void clockOfASystemClockServerIs409()
    {
        Served live(false);
        HttpTestClient client(live.port);
        const HttpTestResponse r = client.post("/clock/advance", R"({"by": "24h"})");
        QCOMPARE(r.status, 409);
        QVERIFY(r.errorMessage().contains(QStringLiteral("--virtual-clock")));
        QCOMPARE(client.get("/clock").json().value(QStringLiteral("virtual")).toBool(), false);
    }

    void inboxRoutes()
    {
        HttpTestClient client(m_served->port);
        HttpTestResponse r = client.get("/inbox");
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QStringLiteral("requests")).isArray());
        r = client.post("/inbox/no-such-request", R"({"action": "approve"})");
        QCOMPARE(r.status, 404);
        r = client.post("/inbox/no-such-request", R"({"action": "dance"})");
        QCOMPARE(r.status, 400);
        // A bare word is not JSON: the refusal shows the shape an answer has.
        r = client.post("/inbox/no-such-request", "approve");
        QCOMPARE(r.status, 400);
        QVERIFY2(r.errorMessage().contains(QStringLiteral(R"({"action": "approve"})")),
                 qPrintable(r.errorMessage()));
    }

    // GET /objects/{class}/{name} shows an agent's own state, step and open requests, not
    // only its key/value storage (issue 15); an object that is not an agent has "agent": null.
    void describesAnAgentsState()
    {
        HttpTestClient client(m_served->port);
        HttpTestResponse r = client.post(
            "/objects/Recruitment/ada/submitResume",
            R"({"candidate": "Ada Lovelace", "role": "Backend engineer", "resume": "C++"})");
        QCOMPARE(r.status, 200);
        // The agent screens the resume with its (scripted) model, then asks a recruiter.
        QJsonObject agent;
        QTRY_VERIFY_WITH_TIMEOUT(
            (agent = client.get("/objects/Recruitment/ada").json().value("agent").toObject(),
             agent.value("step").toString() == QLatin1String("awaiting-recruiter")),
            20000);
        QCOMPARE(agent.value("state").toObject().value("candidate").toString(),
                 QStringLiteral("Ada Lovelace"));
        const QJsonArray requests = agent.value("openRequests").toArray();
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.at(0).toObject().value("title").toString(),
                 QStringLiteral("Review Ada Lovelace"));
        QVERIFY(agent.value("schedules").isArray());
        QVERIFY(agent.value("pendingCalls").isArray());
        QVERIFY(client.post("/objects/Counter/plain/increment", "1").status == 200);
        const QJsonObject counter = client.get("/objects/Counter/plain").json();
        QVERIFY(counter.contains("agent"));
        QVERIFY(counter.value("agent").isNull());
    }

    void tokenIsRequiredWhenSet()
    {
        Served guarded(true, QStringLiteral("s3cret"));
        HttpTestClient anonymous(guarded.port);
        QCOMPARE(anonymous.get("/objects").status, 401);
        HttpTestClient allowed(guarded.port, "s3cret");
        QCOMPARE(allowed.get("/objects").status, 200);
    }

private:
    std::unique_ptr<Served> m_served;
};

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
