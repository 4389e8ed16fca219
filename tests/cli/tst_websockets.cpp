// SPDX-License-Identifier: MIT
// WebSocket clients of agents through `durable serve`'s gateway, in-process on 127.0.0.1: the
// hello, calls and their replies, state pushed after commit to every client, errors to the
// caller only, hibernation, streamed model text, refusals in plain HTTP, and the token.

#include "fakeopenaiserver.h"
#include "httptestclient.h"
#include "objectsockets.h"
#include "servedgateway.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxyFactory>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace Durable;
using namespace DurableCliTest;
using namespace DurableTest;

namespace {

// A WebSocket client that keeps every frame it got, parsed.
class Client
{
public:
    explicit Client(quint16 port, const QString &path)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            m_frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
            m_texts.append(text);
        });
        m_socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(path)));
    }

    QWebSocket &socket() { return m_socket; }
    const QList<QJsonObject> &frames() const { return m_frames; }
    const QStringList &texts() const { return m_texts; }

    // Waits for a frame of that type (and, when given, that id); returns it, or {} on timeout.
    QJsonObject waitFor(const QString &type, const QJsonValue &id = QJsonValue::Undefined,
                        int timeoutMs = 10000)
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (const QJsonObject &frame : std::as_const(m_frames)) {
                    if (frame.value("type").toString() == type &&
                        (id.isUndefined() || frame.value("id") == id)) {
                        found = frame;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    // The first state frame whose state has key == value.
    QJsonObject waitForState(const QString &key, const QJsonValue &value, int timeoutMs = 10000)
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (const QJsonObject &frame : std::as_const(m_frames)) {
                    if (frame.value("type").toString() == "state" &&
                        frame.value("state").toObject().value(key) == value) {
                        found = frame;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    int indexOf(const QString &type) const
    {
        for (qsizetype i = 0; i < m_frames.size(); ++i) {
            if (m_frames.at(i).value("type").toString() == type)
                return int(i);
        }
        return -1;
    }

    void call(const QJsonValue &id, const QString &method, const QJsonValue &args = {})
    {
        m_socket.sendTextMessage(QString::fromUtf8(
            QJsonDocument(
                QJsonObject {{"type", "call"}, {"id", id}, {"method", method}, {"args", args}})
                .toJson(QJsonDocument::Compact)));
    }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
    QStringList m_texts;
};

QByteArray upgradeRequest(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           extra + "\r\n";
}

} // namespace

class TestWebSockets : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QNetworkProxyFactory::setUseSystemConfiguration(false); }

    void aClientGetsItsHelloRepliesAndTheCommittedState()
    {
        Served served(true);
        Client client(served.port, "/objects/Assistant/ws-one/connect?who=ann&events=all");
        const QJsonObject hello = client.waitFor("hello");
        QVERIFY2(!hello.isEmpty(), qPrintable(client.texts().join('\n')));
        QCOMPARE(hello.value("className").toString(), QStringLiteral("Assistant"));
        QCOMPARE(hello.value("name").toString(), QStringLiteral("ws-one"));
        QCOMPARE(hello.value("id").toString(),
                 ObjectId::fromName("Assistant", "ws-one").toString());
        QVERIFY(hello.value("connectionId").toString().startsWith("c-"));
        QCOMPARE(served.gateway->webSocketCount(), 1);

        client.call(1, "chat", QJsonObject {{"text", "hello there"}});
        const QJsonObject reply = client.waitFor("reply", 1);
        QVERIFY2(reply.value("result").toString().startsWith("mc-"),
                 qPrintable(client.texts().join('\n')));
        const QJsonObject answered = client.waitForState("lastAnswer", "You said: hello there");
        QVERIFY2(!answered.isEmpty(), qPrintable(client.texts().join('\n')));
        // In commit order: the call's reply before the model reply's state.
        QVERIFY(client.frames().indexOf(reply) < client.frames().indexOf(answered));
        QVERIFY(client.indexOf("event") > 0); // turn-completed and friends

        // The connect, message (the call) and model-reply turns are journaled.
        const auto journal = awaitValue(served.session->inspector().journal(
            "Assistant", ObjectId::fromName("Assistant", "ws-one")));
        QVERIFY(journal.ok());
        QStringList triggers;
        for (const JournalEntry &entry : journal.value())
            triggers.prepend(entry.trigger);
        QVERIFY2(triggers.mid(0, 2) == (QStringList {"connect", "message"}),
                 qPrintable(triggers.join(',')));
        QCOMPARE(journal->last().input.toObject().value("connection").toObject().value("query"),
                 QJsonValue(QJsonObject {{"who", "ann"}, {"events", "all"}}));

        // Closing runs the close turn.
        client.socket().close();
        QTRY_COMPARE(served.gateway->webSocketCount(), 0);
        QTRY_VERIFY(awaitValue(served.session->inspector().journal(
                                   "Assistant", ObjectId::fromName("Assistant", "ws-one")))
                        ->first()
                        .trigger == QLatin1String("close"));
    }

    void everyClientHearsTheStateAndOnlyTheCallerItsError()
    {
        Served served(true);
        Client a(served.port, "/objects/Assistant/shared/connect");
        Client b(served.port, "/objects/Assistant/shared/connect");
        QVERIFY(!a.waitFor("hello").isEmpty());
        QVERIFY(!b.waitFor("hello").isEmpty());

        a.call("x", "chat", QJsonObject {{"text", "remember I like tea"}});
        QVERIFY(!a.waitForState("lastAnswer", "I will remember that I like tea.").isEmpty());
        QVERIFY(!b.waitForState("lastAnswer", "I will remember that I like tea.").isEmpty());
        QCOMPARE(b.indexOf("reply"), -1); // the reply is the caller's
        // Without ?events=all: no frame per completed turn, but the object's human requests.
        QVERIFY(std::none_of(b.frames().cbegin(), b.frames().cend(), [](const QJsonObject &f) {
            return f.value("kind") == QJsonValue("turn-completed");
        }));
        a.call("f", "chat", QJsonObject {{"text", "forget"}});
        QTRY_VERIFY(std::any_of(b.frames().cbegin(), b.frames().cend(), [](const QJsonObject &f) {
            return f.value("type") == QJsonValue("event") &&
                   f.value("kind") == QJsonValue("human-request-opened");
        }));

        a.call(2, "noSuchMethod");
        const QJsonObject error = a.waitFor("error", 2);
        QCOMPARE(error.value("error").toObject().value("code").toString(),
                 QStringLiteral("unknown-method"));
        b.call(3, "status");
        QVERIFY(!b.waitFor("reply", 3).isEmpty());
        QCOMPARE(b.indexOf("error"), -1);

        // A message that is not a call fails that turn, and says how to take other messages.
        a.socket().sendTextMessage("just text");
        QJsonObject notACall;
        QTRY_VERIFY(std::any_of(a.frames().cbegin(), a.frames().cend(), [&](const QJsonObject &f) {
            notACall = f;
            return f.value("type") == QJsonValue("error") && !f.contains("id");
        }));
        QVERIFY(notACall.value("error").toObject().value("message").toString().contains(
            "override onMessage()"));
    }

    void aHibernatedAgentKeepsItsClientsAndWakesForAMessage()
    {
        Served served(true);
        Client client(served.port, "/objects/Assistant/sleeper/connect?events=all");
        QVERIFY(!client.waitFor("hello").isEmpty());
        const ObjectId id = ObjectId::fromName("Assistant", "sleeper");
        QVERIFY(await(served.session->engine().evict(id)).ok());
        QTRY_VERIFY(
            std::any_of(client.frames().cbegin(), client.frames().cend(), [](const QJsonObject &f) {
                return f.value("kind") == QJsonValue("object-evicted");
            }));
        QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);

        client.call(5, "chat", QJsonObject {{"text", "wake up"}});
        QVERIFY(!client.waitFor("reply", 5).isEmpty());
        QVERIFY(!client.waitForState("lastAnswer", "You said: wake up").isEmpty());
        QVERIFY(
            std::any_of(client.frames().cbegin(), client.frames().cend(), [](const QJsonObject &f) {
                return f.value("kind") == QJsonValue("object-activated");
            }));
    }

    void streamedModelTextReachesClientsBeforeTheAnswer()
    {
        Testing::FakeOpenAiServer model;
        QVERIFY(model.listen());
        model.enqueue(
            Testing::FakeResponse::textStream({QStringLiteral("Hello"), QStringLiteral(", "),
                                               QStringLiteral("socket "), QStringLiteral("world")},
                                              60));
        Served served(true, {}, openAiModelAt(model.baseUrl()));
        Client client(served.port, "/objects/Assistant/streamer/connect");
        QVERIFY(!client.waitFor("hello").isEmpty());
        client.call(1, "chat", QJsonObject {{"text", "hi"}});
        const QJsonObject answered = client.waitForState("lastAnswer", "Hello, socket world");
        QVERIFY2(!answered.isEmpty(), qPrintable(client.texts().join('\n')));
        const int firstDelta = client.indexOf("delta");
        QVERIFY2(firstDelta >= 0, qPrintable(client.texts().join('\n')));
        QVERIFY(firstDelta < client.frames().indexOf(answered));
        QString text;
        for (const QJsonObject &frame : client.frames()) {
            if (frame.value("type") == QJsonValue("delta"))
                text += frame.value("delta").toString();
        }
        QCOMPARE(text, QStringLiteral("Hello, socket world"));
    }

    void refusalsArePlainHttp()
    {
        Served served(true);
        HttpTestClient unknown(served.port);
        const auto notFound = unknown.exchange(upgradeRequest("/objects/Nope/x/connect"));
        QCOMPARE(notFound.status, 404);
        QVERIFY(notFound.body.contains("Unknown class"));

        // The Upgrade header's value is case-insensitive (RFC 6455 4.2.1).
        QTcpSocket mixedCase;
        mixedCase.connectToHost(QHostAddress::LocalHost, served.port);
        QVERIFY(mixedCase.waitForConnected(5000));
        QByteArray request = upgradeRequest("/objects/Assistant/x/connect");
        request.replace("Upgrade: websocket", "Upgrade: WebSocket");
        mixedCase.write(request);
        QTRY_VERIFY(mixedCase.bytesAvailable() >= 12);
        QVERIFY2(mixedCase.peek(12).startsWith("HTTP/1.1 101"), mixedCase.peek(200).constData());
        mixedCase.abort();
        QTRY_COMPARE(served.gateway->webSocketCount(), 0);

        HttpTestClient plain(served.port);
        const auto notUpgraded = plain.get("/objects/Assistant/x/connect");
        QCOMPARE(notUpgraded.status, 426);
        QVERIFY(notUpgraded.body.contains("Upgrade: websocket"));

        // Not an agent: the socket opens, then closes with 1008 and why.
        Client counter(served.port, "/objects/Counter/c/connect");
        QSignalSpy closed(&counter.socket(), &QWebSocket::disconnected);
        QVERIFY(closed.wait(10000));
        QCOMPARE(counter.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY2(counter.socket().closeReason().contains("not an agent"),
                 qPrintable(counter.socket().closeReason()));
        QCOMPARE(counter.waitFor("error").value("error").toObject().value("code").toString(),
                 QStringLiteral("invalid-argument"));
        QTRY_COMPARE(served.gateway->webSocketCount(), 0);
    }

    void anOversizedMessageClosesItsClient()
    {
        Served served(true);
        Client client(served.port, "/objects/Assistant/big/connect");
        QVERIFY(!client.waitFor("hello").isEmpty());
        QSignalSpy closed(&client.socket(), &QWebSocket::disconnected);
        client.socket().sendTextMessage(QString(int(MaxBody) + 1, u'x'));
        QVERIFY(closed.wait(10000));
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    // A client that stops reading is dropped once its backlog passes the server's limit (1 MiB
    // by default, as for event streams); the others go on hearing the object.
    void aClientThatDoesNotReadIsDropped()
    {
        Served served(true);
        QTcpSocket stalled;
        // A small receive window, so the backlog soon builds up in the server.
        stalled.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        stalled.connectToHost(QHostAddress::LocalHost, served.port);
        QVERIFY(stalled.waitForConnected(5000));
        stalled.write(upgradeRequest("/objects/Assistant/busy/connect"));
        // The server runs on this thread: wait with the event loop running.
        QTRY_VERIFY(stalled.bytesAvailable() >= 12);
        QVERIFY(stalled.peek(12).startsWith("HTTP/1.1 101"));
        stalled.setReadBufferSize(1); // reads no more from the kernel
        Client talker(served.port, "/objects/Assistant/busy/connect");
        QVERIFY(!talker.waitFor("hello").isEmpty());
        QCOMPARE(served.gateway->webSocketCount(), 2);
        // Each fact stays in the state, and every state goes to both clients whole: the
        // stalled client's backlog grows by the square of the calls.
        const QString fact = QString(8 * 1024, u'y');
        int calls = 0;
        for (; calls < 120 && served.gateway->webSocketCount() == 2; ++calls) {
            talker.call(calls, "chat",
                        QJsonObject {{"text", "remember " + fact + QString::number(calls)}});
            QVERIFY2(!talker.waitForState("turns", calls + 1).isEmpty(),
                     qPrintable(QStringLiteral("call %1").arg(calls)));
        }
        QTRY_COMPARE(served.gateway->webSocketCount(), 1);
        QCOMPARE(talker.socket().state(), QAbstractSocket::ConnectedState);
        talker.call("after", "status");
        QVERIFY(!talker.waitFor("reply", "after").isEmpty());
        qInfo("the stalled client was dropped after %d calls", calls);
    }

    void pastItsLimitTheGatewayRefusesClients()
    {
        Served served(true);
        // The gateway's leaves room for the engine's open objects within the open-file limit.
        const int byDefault = ObjectSockets(&served.session->engine(), &served.session->inspector(),
                                            served.server.get())
                                  .maxClients();
        QVERIFY2(byDefault > 1000, qPrintable(QString::number(byDefault)));
        // Another ObjectSockets on the server takes over the route, with room for one client.
        ObjectSockets one(&served.session->engine(), &served.session->inspector(),
                          served.server.get(), 1);
        QCOMPARE(one.maxClients(), 1);
        Client first(served.port, "/objects/Assistant/full/connect");
        QVERIFY(!first.waitFor("hello").isEmpty());
        HttpTestClient second(served.port);
        const auto refused = second.exchange(upgradeRequest("/objects/Assistant/full/connect"));
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.body.contains("holds 1 WebSocket clients"), refused.body.constData());
    }

    // A handshake Qt WebSockets refuses after the route took the socket (here: user info in
    // Host) must not keep a place under the client cap.
    void aRefusedHandshakeFreesItsPlace()
    {
        Served served(true);
        ObjectSockets one(&served.session->engine(), &served.session->inspector(),
                          served.server.get(), 1);
        QTcpSocket odd;
        odd.connectToHost(QHostAddress::LocalHost, served.port);
        QVERIFY(odd.waitForConnected(5000));
        odd.write(
            "GET /objects/Assistant/odd/connect HTTP/1.1\r\nHost: someone@127.0.0.1\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QTRY_COMPARE(odd.state(), QAbstractSocket::UnconnectedState);
        Client client(served.port, "/objects/Assistant/odd/connect");
        QVERIFY(!client.waitFor("hello").isEmpty());
    }

    void theTokenGuardsTheUpgrade()
    {
        Served guarded(true, QStringLiteral("s3cret"));
        HttpTestClient anonymous(guarded.port);
        QCOMPARE(anonymous.exchange(upgradeRequest("/objects/Assistant/t/connect")).status, 401);

        Client wrong(guarded.port, "/objects/Assistant/t/connect?access_token=nope");
        QSignalSpy refused(&wrong.socket(),
                           QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        QVERIFY(refused.wait(10000));
        QVERIFY(wrong.frames().isEmpty());
        QCOMPARE(guarded.gateway->webSocketCount(), 0);

        Client allowed(guarded.port, "/objects/Assistant/t/connect?access_token=s3cret&room=1");
        const QJsonObject hello = allowed.waitFor("hello");
        QVERIFY(!hello.isEmpty());
        // The agent never sees the token.
        const auto journal = awaitValue(guarded.session->inspector().journal(
            "Assistant", ObjectId::fromName("Assistant", "t")));
        QCOMPARE(journal->last().input.toObject().value("connection").toObject().value("query"),
                 QJsonValue(QJsonObject {{"room", "1"}}));
    }

    void stoppingTheServerClosesClientsWithGoingAway()
    {
        Served served(true);
        Client client(served.port, "/objects/Assistant/bye/connect");
        QVERIFY(!client.waitFor("hello").isEmpty());
        QSignalSpy closed(&client.socket(), &QWebSocket::disconnected);
        served.gateway->closeEventStreams();
        QVERIFY(closed.wait(10000));
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }
};

QTEST_GUILESS_MAIN(TestWebSockets)
#include "tst_websockets.moc"
