// SPDX-License-Identifier: MIT
// A streamed model reply through a whole engine: the text shows up on the change feed as
// ModelDelta events while it streams, and the continuation runs once, with the whole reply,
// after the stream ended. A stream cut off is a failed call like any other.
#include "fakeopenaiserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkProxyFactory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <durable/core/agent.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/openaichatmodel.h>
#include <durable/core/virtualclock.h>

using namespace Durable;
using namespace Durable::Testing;

namespace {

// Asks the model and keeps every reply (or failure) its continuation got.
class Chat : public Agent
{
public:
    Chat()
    {
        handle("ask", &Chat::ask);
        handle("replies", &Chat::replies);
        continuation("onReply", &Chat::onReply);
    }
    QJsonValue ask(const QJsonValue &args)
    {
        ChatRequest request;
        request.messages = {ChatMessage::user(args.toString())};
        return callModel(request, QStringLiteral("onReply"));
    }
    void onReply(const QJsonValue &, const Result<ChatReply> &reply)
    {
        QJsonObject next = state();
        QJsonArray replies = next.value(QStringLiteral("replies")).toArray();
        replies.append(reply ? reply.value().content
                             : QStringLiteral("error: ") + reply.error().message());
        next.insert(QStringLiteral("replies"), replies);
        setState(next);
    }
    QJsonValue replies() const { return state().value(QStringLiteral("replies")); }
};

template<typename T>
Result<T> wait(QFuture<T> future)
{
    try {
        future.waitForFinished();
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

QList<ChangeEvent> eventsOf(const QSignalSpy &spy)
{
    QList<ChangeEvent> events;
    for (const QList<QVariant> &batch : spy)
        events += batch.at(0).value<QList<ChangeEvent>>();
    return events;
}

} // namespace

class TestStreamedModelCalls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<FakeOpenAiServer> m_server;
    std::unique_ptr<Engine> m_engine;

    void startEngine()
    {
        EngineOptions options;
        options.dataDir = m_dir.path();
        options.clock = std::make_shared<VirtualClock>();
        options.workerThreads = 2;
        OpenAiConfig config;
        config.baseUrl = m_server->baseUrl();
        config.model = QStringLiteral("test-model");
        config.timeoutMs = 10000;
        config.maxRetries = 0;
        options.modelProvider = [config](Clock *) -> std::unique_ptr<ChatModel> {
            return std::make_unique<OpenAiChatModel>(config);
        };
        m_engine = std::make_unique<Engine>(options);
        QVERIFY(m_engine->registerClass<Chat>(QStringLiteral("Chat")).ok());
        QVERIFY(m_engine->start().ok());
    }

    QJsonArray replies(Stub &stub)
    {
        return wait(stub.call(QStringLiteral("replies"))).value().toArray();
    }

private slots:
    void initTestCase()
    {
        QNetworkProxyFactory::setUseSystemConfiguration(false);
        qRegisterMetaType<QList<ChangeEvent>>();
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        m_server = std::make_unique<FakeOpenAiServer>();
        QVERIFY(m_server->listen());
        startEngine();
    }

    void cleanup()
    {
        m_engine.reset();
        m_server.reset();
    }

    void deltasThenOneReplyTurn()
    {
        const QStringList pieces {QStringLiteral("Stream"), QStringLiteral("ing "),
                                  QStringLiteral("one "), QStringLiteral("piece "),
                                  QStringLiteral("at a time.")};
        const QString whole = pieces.join(QString());
        // Paced slower than the engine coalesces (20 ms), so several events go out.
        m_server->enqueue(FakeResponse::textStream(pieces, 100));
        Inspector inspector(m_engine.get());
        QSignalSpy feed(&inspector, &Inspector::changesAvailable);
        QVERIFY(feed.isValid());
        Stub stub = m_engine->stub(QStringLiteral("Chat"), QStringLiteral("ada")).value();
        QVERIFY(wait(stub.call(QStringLiteral("ask"), QStringLiteral("Hi"))).ok());

        // Deltas reach the feed while the reply is still streaming.
        const auto deltaCount = [&feed]() {
            int count = 0;
            for (const ChangeEvent &event : eventsOf(feed))
                count += event.kind == ChangeEvent::Kind::ModelDelta ? 1 : 0;
            return count;
        };
        QTRY_VERIFY_WITH_TIMEOUT(deltaCount() >= 2, 10000);
        QVERIFY(replies(stub).isEmpty());

        QTRY_COMPARE_WITH_TIMEOUT(replies(stub).size(), 1, 10000);
        QCOMPARE(replies(stub).at(0).toString(), whole);
        // The model-reply turn's TurnCompleted, then nothing more for this call.
        const auto replyTurnSeen = [&feed]() {
            for (const ChangeEvent &event : eventsOf(feed)) {
                if (event.kind == ChangeEvent::Kind::TurnCompleted &&
                    event.detail.value(QStringLiteral("trigger")).toString() ==
                        QLatin1String("model-reply"))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(replyTurnSeen(), 10000);

        QString streamed;
        int deltas = 0;
        int replyTurns = 0;
        qint64 lastLength = 0;
        for (const ChangeEvent &event : eventsOf(feed)) {
            if (event.id != stub.id())
                continue;
            if (event.kind == ChangeEvent::Kind::ModelDelta) {
                QCOMPARE(replyTurns, 0); // every delta before the reply's turn
                QCOMPARE(event.className, QStringLiteral("Chat"));
                QCOMPARE(event.name, QStringLiteral("ada"));
                QCOMPARE(event.detail.value(QStringLiteral("callId")).toString(),
                         QStringLiteral("mc-1"));
                QCOMPARE(event.detail.value(QStringLiteral("round")).toInt(), 0);
                streamed += event.detail.value(QStringLiteral("delta")).toString();
                lastLength = qint64(event.detail.value(QStringLiteral("length")).toDouble());
                QCOMPARE(lastLength, qint64(streamed.size()));
                ++deltas;
            } else if (event.kind == ChangeEvent::Kind::TurnCompleted &&
                       event.detail.value(QStringLiteral("trigger")).toString() ==
                           QLatin1String("model-reply")) {
                ++replyTurns;
            }
        }
        QVERIFY2(deltas >= 2, qPrintable(QString::number(deltas)));
        QCOMPARE(streamed, whole);
        QCOMPARE(replyTurns, 1);
        QCOMPARE(changeKindName(ChangeEvent::Kind::ModelDelta), QStringLiteral("model-delta"));

        // Deltas are live only: the journal has the whole reply in one model-reply turn.
        JournalQuery query;
        query.trigger = QStringLiteral("model-reply");
        const auto entries = wait(inspector.journal(QStringLiteral("Chat"), stub.id(), query));
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first()
                     .input.toObject()
                     .value(QStringLiteral("reply"))
                     .toObject()
                     .value(QStringLiteral("content"))
                     .toString(),
                 whole);
        QCOMPARE(m_server->requests().size(), 1);
    }

    // A fast stream is coalesced: far fewer events than deltas, the same text in order.
    void fastStreamIsCoalesced()
    {
        QStringList pieces;
        for (int i = 0; i < 200; ++i)
            pieces.append(QStringLiteral("t%1 ").arg(i));
        const QString whole = pieces.join(QString());
        m_server->enqueue(FakeResponse::textStream(pieces)); // all at once
        Inspector inspector(m_engine.get());
        QSignalSpy feed(&inspector, &Inspector::changesAvailable);
        QVERIFY(feed.isValid());
        Stub stub = m_engine->stub(QStringLiteral("Chat"), QStringLiteral("fast")).value();
        QVERIFY(wait(stub.call(QStringLiteral("ask"), QStringLiteral("Hi"))).ok());
        QTRY_COMPARE_WITH_TIMEOUT(replies(stub).size(), 1, 10000);
        QCOMPARE(replies(stub).at(0).toString(), whole);
        const auto allDeltas = [&feed, &stub]() {
            QString text;
            for (const ChangeEvent &event : eventsOf(feed))
                if (event.id == stub.id() && event.kind == ChangeEvent::Kind::ModelDelta)
                    text += event.detail.value(QStringLiteral("delta")).toString();
            return text;
        };
        QTRY_COMPARE_WITH_TIMEOUT(allDeltas(), whole, 10000);
        int events = 0;
        for (const ChangeEvent &event : eventsOf(feed))
            events += event.id == stub.id() && event.kind == ChangeEvent::Kind::ModelDelta;
        QVERIFY2(events >= 1 && events < 50, qPrintable(QString::number(events)));
    }

    // The engine stops mid-stream (as when the process is killed): nothing of the partial text
    // was stored, and after a restart the call is re-issued and its continuation runs once.
    void interruptedStreamIsReissuedAfterRestart()
    {
        QStringList slow;
        for (int i = 0; i < 20; ++i)
            slow.append(QStringLiteral("part%1 ").arg(i));
        m_server->enqueue(FakeResponse::textStream(slow, 100));
        {
            Inspector inspector(m_engine.get());
            QSignalSpy feed(&inspector, &Inspector::changesAvailable);
            QVERIFY(feed.isValid());
            Stub stub = m_engine->stub(QStringLiteral("Chat"), QStringLiteral("di")).value();
            QVERIFY(wait(stub.call(QStringLiteral("ask"), QStringLiteral("Hi"))).ok());
            const auto streaming = [&feed]() {
                for (const ChangeEvent &event : eventsOf(feed))
                    if (event.kind == ChangeEvent::Kind::ModelDelta)
                        return true;
                return false;
            };
            QTRY_VERIFY_WITH_TIMEOUT(streaming(), 10000);
        }
        m_engine.reset(); // mid-stream
        QCOMPARE(m_server->requests().size(), 1);

        m_server->enqueue(
            FakeResponse::textStream({QStringLiteral("Second "), QStringLiteral("try")}));
        startEngine();
        Stub stub = m_engine->stub(QStringLiteral("Chat"), QStringLiteral("di")).value();
        // Any turn of the object re-issues its pending call.
        QTRY_COMPARE_WITH_TIMEOUT(replies(stub).size(), 1, 10000);
        QCOMPARE(replies(stub).at(0).toString(), QStringLiteral("Second try"));
        QCOMPARE(m_server->requests().size(), 2);
        QCOMPARE(m_server->requests().at(1).json(), m_server->requests().at(0).json());
        const auto calls = wait(
            ModelCallDirectory(m_engine.get()).modelCalls(QStringLiteral("Chat"), stub.id()));
        QVERIFY(calls.ok());
        QCOMPARE(calls->size(), 1);
        QCOMPARE(calls->first().status, ModelCallInfo::Status::Done);
        QCOMPARE(calls->first().attempt, 2);
    }

    // A stream cut off mid-way: the continuation learns of the failure once, with a clear
    // message; a later call streams normally.
    void abortedStreamIsAFailedCall()
    {
        FakeResponse aborted = FakeResponse::textStream(
            {QStringLiteral("Half "), QStringLiteral("a "), QStringLiteral("reply")});
        aborted.abortAfter = 3;
        m_server->enqueue(aborted);
        Stub stub = m_engine->stub(QStringLiteral("Chat"), QStringLiteral("bo")).value();
        QVERIFY(wait(stub.call(QStringLiteral("ask"), QStringLiteral("Hi"))).ok());
        QTRY_COMPARE_WITH_TIMEOUT(replies(stub).size(), 1, 10000);
        const QString failure = replies(stub).at(0).toString();
        QVERIFY2(failure.startsWith(QStringLiteral("error: ")), qPrintable(failure));
        QVERIFY2(failure.contains(QStringLiteral("stopped streaming")), qPrintable(failure));

        m_server->enqueue(
            FakeResponse::textStream({QStringLiteral("All "), QStringLiteral("there")}));
        QVERIFY(wait(stub.call(QStringLiteral("ask"), QStringLiteral("Again"))).ok());
        QTRY_COMPARE_WITH_TIMEOUT(replies(stub).size(), 2, 10000);
        QCOMPARE(replies(stub).at(1).toString(), QStringLiteral("All there"));
    }
};

QTEST_GUILESS_MAIN(TestStreamedModelCalls)
#include "tst_streamedmodelcalls.moc"
