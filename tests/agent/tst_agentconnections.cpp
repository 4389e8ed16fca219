// SPDX-License-Identifier: MIT
// WebSocket clients of agents, engine side: connect, message and close are journaled turns; what
// an agent sends them leaves as ConnectionMessage events after the commit, never before, and
// not at all when the turn rolls back; a hibernated agent wakes for a message.

#include "agentfixture.h"
#include "feedutil.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <durable/core/agent.h>
#include <durable/core/agentconnections.h>
#include <durable/core/durableobject.h>
#include <durable/core/inspector.h>

using namespace Durable;
using namespace DurableAgentTest;
using namespace DurableTest;

namespace {

// A chat room: members in its state, messages broadcast to everyone.
class Room : public Agent
{
public:
    Room() { handle("count", &Room::count); }

protected:
    QJsonObject initialState() const override { return {{"members", QJsonArray {}}}; }

    void onConnect(const AgentConnection &connection) override
    {
        QJsonObject next = state();
        QJsonArray members = next.value("members").toArray();
        members.append(connection.id);
        next.insert("members", members);
        next.insert("lastQuery", connection.query);
        setState(next);
        broadcast(QJsonObject {{"joined", connection.id}}, {connection.id});
    }

    void onMessage(const AgentConnection &connection, const QString &message) override
    {
        if (message.startsWith("say ")) {
            broadcast(connection.id + ": " + message.mid(4));
        } else if (message == "fail") {
            send(connection.id, QStringLiteral("never sent"));
            QJsonObject next = state();
            next.insert("spoiled", true);
            setState(next);
            throw Error(ErrorCode::Conflict, QStringLiteral("the room refuses"));
        } else {
            Agent::onMessage(connection, message); // calls
        }
    }

    void onClose(const AgentConnection &connection, int code, const QString &reason) override
    {
        QJsonObject next = state();
        QJsonArray members;
        for (const QJsonValue &member : next.value("members").toArray()) {
            if (member.toString() != connection.id)
                members.append(member);
        }
        next.insert("members", members);
        setState(next);
        broadcast(QJsonObject {{"left", connection.id}, {"code", code}, {"reason", reason}});
    }

private:
    QJsonValue count()
    {
        QJsonObject next = state();
        const int n = next.value("count").toInt() + 1;
        next.insert("count", n);
        setState(next);
        return n;
    }
};

// Not an agent: refuses connections.
class NotAnAgent : public DurableObject
{
public:
    QJsonValue onRequest(const QString &, const QJsonValue &) override { return {}; }
};

AgentConnection connection(const QString &id, const QJsonObject &query = {})
{
    return AgentConnection {id, query};
}

// The messages the feed carried, in order, as {to, except, data}.
QList<QJsonObject> sent(QSignalSpy &spy)
{
    QList<QJsonObject> out;
    for (const ChangeEvent &event : eventsOf(spy, ChangeEvent::Kind::ConnectionMessage))
        out.append(event.detail);
    return out;
}

QJsonObject json(const QJsonObject &message)
{
    return QJsonDocument::fromJson(message.value("data").toString().toUtf8()).object();
}

} // namespace

class TestAgentConnections : public QObject
{
    Q_OBJECT

    struct Setup
    {
        QTemporaryDir dir;
        Fixture f;
        std::unique_ptr<Inspector> inspector;
        std::unique_ptr<QSignalSpy> spy;
        std::unique_ptr<AgentConnections> connections;

        Setup()
        {
            f.clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(s_t0, Qt::UTC));
            EngineOptions options;
            options.dataDir = dir.path();
            options.clock = f.clock;
            f.engine = std::make_unique<Engine>(options);
            QVERIFY(f.engine->registerClass<Room>("Room").ok());
            QVERIFY(f.engine->registerClass<NotAnAgent>("Plain").ok());
            QVERIFY(f.engine->start().ok());
            inspector = std::make_unique<Inspector>(f.engine.get());
            inspector->setFeedInterval(5);
            spy = std::make_unique<QSignalSpy>(inspector.get(), &Inspector::changesAvailable);
            connections = std::make_unique<AgentConnections>(f.engine.get());
        }
    };

private slots:
    void aConnectTurnSendsItsHelloAfterTheStateItCommitted()
    {
        Setup s;
        QVERIFY(await(s.connections->connect("Room", "lobby", connection("c-1", {{"who", "ann"}})))
                    .ok());
        QTRY_COMPARE(sent(*s.spy).size(), 2);
        // The state event comes first, then the hello (first of the turn's messages, though
        // onConnect broadcast before it), then the broadcast.
        QList<ChangeEvent> events;
        for (const QList<QVariant> &batch : std::as_const(*s.spy)) {
            for (const ChangeEvent &event : batch.at(0).value<QList<ChangeEvent>>()) {
                if (event.kind == ChangeEvent::Kind::StateChanged ||
                    event.kind == ChangeEvent::Kind::ConnectionMessage)
                    events.append(event);
            }
        }
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(0).kind, ChangeEvent::Kind::StateChanged);
        const QJsonObject hello = events.at(1).detail;
        QCOMPARE(hello.value("to").toArray(), QJsonArray {"c-1"});
        QCOMPARE(json(hello).value("type").toString(), QStringLiteral("hello"));
        QCOMPARE(json(hello).value("connectionId").toString(), QStringLiteral("c-1"));
        QCOMPARE(json(hello).value("name").toString(), QStringLiteral("lobby"));
        QCOMPARE(json(hello).value("id").toString(),
                 ObjectId::fromName("Room", "lobby").toString());
        QCOMPARE(json(hello).value("state").toObject().value("members").toArray(),
                 QJsonArray {"c-1"});
        QCOMPARE(json(hello).value("state").toObject().value("lastQuery").toObject(),
                 (QJsonObject {{"who", "ann"}}));
        const QJsonObject joined = events.at(2).detail;
        QVERIFY(!joined.contains("to")); // every connection
        QCOMPARE(joined.value("except").toArray(), QJsonArray {"c-1"});
        QCOMPARE(json(joined), (QJsonObject {{"joined", "c-1"}}));

        // Journaled with the turn: trigger, input, and the messages it sent.
        const auto journal = awaitValue(
            s.inspector->journal("Room", ObjectId::fromName("Room", "lobby")));
        QVERIFY(journal.ok());
        QCOMPARE(journal->first().trigger, QStringLiteral("connect"));
        QCOMPARE(journal->first().input.toObject().value("connection").toObject().value("id"),
                 QJsonValue("c-1"));
        const QJsonArray messages = journal->first().messages.toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).toObject().value("connections").toArray(), QJsonArray {"c-1"});
        QCOMPARE(messages.at(1).toObject().value("connections").toString(), QStringLiteral("all"));
    }

    void messagesRunAsTurnsAndARolledBackTurnSendsNothing()
    {
        Setup s;
        QVERIFY(await(s.connections->connect("Room", "lobby", connection("c-1"))).ok());
        QVERIFY(await(s.connections->message("Room", "lobby", connection("c-1"), "say hi")).ok());
        QTRY_COMPARE(sent(*s.spy).size(), 3);
        QCOMPARE(sent(*s.spy).last().value("data").toString(), QStringLiteral("c-1: hi"));

        const auto failed = await(
            s.connections->message("Room", "lobby", connection("c-1"), "fail"));
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code(), ErrorCode::Conflict);
        QVERIFY(failed.error().message().contains("the room refuses"));
        // A later turn's message arrives; the failed turn's never did, nor its state.
        QVERIFY(
            await(s.connections->message("Room", "lobby", connection("c-1"), "say after")).ok());
        QTRY_COMPARE(sent(*s.spy).last().value("data").toString(), QStringLiteral("c-1: after"));
        for (const QJsonObject &message : sent(*s.spy))
            QVERIFY(message.value("data").toString() != QLatin1String("never sent"));
        for (const ChangeEvent &event : eventsOf(*s.spy, ChangeEvent::Kind::StateChanged))
            QVERIFY(!event.detail.value("state").toObject().contains("spoiled"));
        const auto failures = awaitValue(
            s.inspector->failures("Room", ObjectId::fromName("Room", "lobby")));
        QVERIFY(failures.ok());
        QCOMPARE(failures->size(), 1);
        QCOMPARE(failures->first().trigger, QStringLiteral("message"));
    }

    void theDefaultOnMessageAnswersCalls()
    {
        Setup s;
        QVERIFY(await(s.connections->connect("Room", "r", connection("c-9"))).ok());
        const QString callText = R"({"type": "call", "id": 7, "method": "count"})";
        QVERIFY(await(s.connections->message("Room", "r", connection("c-9"), callText)).ok());
        QTRY_COMPARE(sent(*s.spy).size(), 3); // hello, joined, reply
        const QJsonObject reply = sent(*s.spy).last();
        QCOMPARE(reply.value("to").toArray(), QJsonArray {"c-9"});
        QCOMPARE(json(reply), (QJsonObject {{"type", "reply"}, {"id", 7}, {"result", 1}}));

        const auto unknown = await(s.connections->message(
            "Room", "r", connection("c-9"), R"({"type": "call", "id": 8, "method": "nope"})"));
        QCOMPARE(unknown.error().code(), ErrorCode::UnknownMethod);
        const auto notACall = await(
            s.connections->message("Room", "r", connection("c-9"), R"({"hello": 1})"));
        QCOMPARE(notACall.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(notACall.error().message().contains("override onMessage()"),
                 qPrintable(notACall.error().message()));
    }

    void aHibernatedAgentWakesForAMessageAndHearsOfTheClose()
    {
        Setup s;
        const ObjectId id = ObjectId::fromName("Room", "quiet");
        QVERIFY(await(s.connections->connect("Room", "quiet", connection("c-1"))).ok());
        QVERIFY(await(s.connections->connect("Room", "quiet", connection("c-2"))).ok());
        QVERIFY(await(s.f.engine->evict(id)).ok());
        QTRY_VERIFY(!eventsOf(*s.spy, ChangeEvent::Kind::ObjectEvicted).isEmpty());
        const int activations = int(eventsOf(*s.spy, ChangeEvent::Kind::ObjectActivated).size());

        QVERIFY(await(s.connections->message("Room", "quiet", connection("c-2"), "say back")).ok());
        QTRY_COMPARE(sent(*s.spy).last().value("data").toString(), QStringLiteral("c-2: back"));
        QCOMPARE(eventsOf(*s.spy, ChangeEvent::Kind::ObjectActivated).size(), activations + 1);

        QVERIFY(await(s.connections->close("Room", "quiet", connection("c-1"), 1000, "bye")).ok());
        QTRY_COMPARE(json(sent(*s.spy).last()),
                     (QJsonObject {{"left", "c-1"}, {"code", 1000}, {"reason", "bye"}}));
        // Who is left, as the next client's hello shows it (second to last: the broadcast of
        // its joining follows).
        QVERIFY(await(s.connections->connect("Room", "quiet", connection("c-3"))).ok());
        QTRY_COMPARE(json(sent(*s.spy).at(sent(*s.spy).size() - 2))
                         .value("state")
                         .toObject()
                         .value("members")
                         .toArray(),
                     (QJsonArray {"c-2", "c-3"}));
    }

    void onlyAgentsOfKnownClassesTakeConnections()
    {
        Setup s;
        const auto plain = await(s.connections->connect("Plain", "p", connection("c-1")));
        QCOMPARE(plain.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(plain.error().message().contains("not an agent"),
                 qPrintable(plain.error().message()));
        const auto unknown = await(s.connections->connect("Nope", "p", connection("c-1")));
        QCOMPARE(unknown.error().code(), ErrorCode::UnknownClass);
    }

    void connectionIdsAreUnique()
    {
        QSet<QString> ids;
        for (int i = 0; i < 1000; ++i)
            ids.insert(AgentConnections::newConnectionId());
        QCOMPARE(ids.size(), 1000);
        QVERIFY(AgentConnections::newConnectionId().startsWith("c-"));
    }
};

QTEST_GUILESS_MAIN(TestAgentConnections)
#include "tst_agentconnections.moc"
