// SPDX-License-Identifier: MIT
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <durable/core/chatreply.h>
#include <durable/core/chatrequest.h>

using namespace Durable;

namespace {

ChatRequest fullRequest()
{
    ChatRequest request;
    request.model = QStringLiteral("gpt-4o-mini");
    request.messages = {
        ChatMessage::system(QStringLiteral("You screen resumes.")),
        ChatMessage::user(QStringLiteral("Screen this resume: Anna, 5 years of Qt")),
        ChatMessage::assistant({}, {ToolCall {QStringLiteral("call_1"), QStringLiteral("score"),
                                              QJsonObject {{QStringLiteral("years"), 5},
                                                           {QStringLiteral("skills"),
                                                            QJsonArray {QStringLiteral("Qt")}}}}}),
        ChatMessage::toolResult(QStringLiteral("call_1"), QStringLiteral("{\"score\":8}"),
                                QStringLiteral("score")),
    };
    request.tools = {ToolDefinition {
        QStringLiteral("score"), QStringLiteral("Scores a candidate"),
        QJsonObject {
            {QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"),
             QJsonObject {{QStringLiteral("years"),
                           QJsonObject {{QStringLiteral("type"), QStringLiteral("integer")}}}}}}}};
    request.temperature = 0.7;
    request.maxTokens = 256;
    return request;
}

ChatReply fullReply()
{
    ChatReply reply;
    reply.content = QStringLiteral("Anna looks strong.");
    reply.toolCalls = {ToolCall {QStringLiteral("call_2"), QStringLiteral("schedule"),
                                 QJsonObject {{QStringLiteral("day"), QStringLiteral("monday")}}}};
    reply.finishReason = QStringLiteral("tool_calls");
    reply.usage = TokenUsage {120, 30, 150};
    reply.latencyMs = 842;
    reply.model = QStringLiteral("gpt-4o-mini-2024-07-18");
    reply.provider = QStringLiteral("openai-compatible");
    reply.scripted = false;
    return reply;
}

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

} // namespace

class TestChatTypes : public QObject
{
    Q_OBJECT
private slots:
    void messageRoundTrip_data()
    {
        QTest::addColumn<ChatMessage>("message");
        QTest::newRow("system") << ChatMessage::system(QStringLiteral("Be brief."));
        QTest::newRow("user") << ChatMessage::user(QStringLiteral("Hello ünïcödé"));
        QTest::newRow("assistant text") << ChatMessage::assistant(QStringLiteral("Hi"));
        QTest::newRow("assistant tools") << fullRequest().messages.at(2);
        QTest::newRow("tool result") << fullRequest().messages.at(3);
        ChatMessage named = ChatMessage::user(QStringLiteral("x"));
        named.name = QStringLiteral("recruiter");
        QTest::newRow("named user") << named;
    }
    void messageRoundTrip()
    {
        QFETCH(ChatMessage, message);
        const QJsonObject json = message.toJson();
        Result<ChatMessage> back = ChatMessage::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.error().message()));
        QCOMPARE(back.value(), message);
        QCOMPARE(compact(back->toJson()), compact(json));
    }

    void messageRejectsUnknownRole()
    {
        Result<ChatMessage> message = ChatMessage::fromJson(
            QJsonObject {{QStringLiteral("role"), QStringLiteral("wizard")},
                         {QStringLiteral("content"), QStringLiteral("x")}});
        QVERIFY(!message.ok());
        QCOMPARE(message.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(message.error().message().contains(QStringLiteral("wizard")));
    }

    void requestRoundTrip_data()
    {
        QTest::addColumn<ChatRequest>("request");
        QTest::newRow("full") << fullRequest();
        ChatRequest minimal;
        minimal.messages = {ChatMessage::user(QStringLiteral("hi"))};
        QTest::newRow("minimal") << minimal;
        ChatRequest zeroTemperature = minimal;
        zeroTemperature.temperature = 0.0;
        zeroTemperature.maxTokens = 0;
        QTest::newRow("zero optionals") << zeroTemperature;
    }
    void requestRoundTrip()
    {
        QFETCH(ChatRequest, request);
        const QJsonObject json = request.toJson();
        // Through text, as the engine stores it in SQLite.
        const QJsonObject reread = QJsonDocument::fromJson(compact(json)).object();
        Result<ChatRequest> back = ChatRequest::fromJson(reread);
        QVERIFY2(back.ok(), qPrintable(back.error().message()));
        QCOMPARE(back.value(), request);
        QCOMPARE(compact(back->toJson()), compact(json));
        QCOMPARE(back->fingerprint(), request.fingerprint());
    }

    void requestKeepsUnsetOptionalsUnset()
    {
        ChatRequest request;
        request.messages = {ChatMessage::user(QStringLiteral("hi"))};
        const QJsonObject json = request.toJson();
        QVERIFY(!json.contains(QStringLiteral("temperature")));
        QVERIFY(!json.contains(QStringLiteral("maxTokens")));
        Result<ChatRequest> back = ChatRequest::fromJson(json);
        QVERIFY(back.ok());
        QVERIFY(!back->temperature.has_value());
        QVERIFY(!back->maxTokens.has_value());
    }

    void requestWithoutMessagesIsAnError()
    {
        Result<ChatRequest> request = ChatRequest::fromJson(QJsonObject {});
        QVERIFY(!request.ok());
        QVERIFY(request.error().message().contains(QStringLiteral("messages")));
    }

    void replyRoundTrip_data()
    {
        QTest::addColumn<ChatReply>("reply");
        QTest::newRow("full") << fullReply();
        ChatReply scripted;
        scripted.content = QStringLiteral("ok");
        scripted.finishReason = QStringLiteral("stop");
        scripted.provider = QStringLiteral("scripted");
        scripted.scripted = true;
        QTest::newRow("scripted") << scripted;
        ChatReply replayed = scripted;
        replayed.replayedFrom = QStringLiteral("recruitment.cassette.json");
        QTest::newRow("replayed") << replayed;
        QTest::newRow("empty") << ChatReply {};
    }
    void replyRoundTrip()
    {
        QFETCH(ChatReply, reply);
        const QByteArray text = compact(reply.toJson());
        Result<ChatReply> back = ChatReply::fromJson(QJsonDocument::fromJson(text).object());
        QVERIFY2(back.ok(), qPrintable(back.error().message()));
        QCOMPARE(back.value(), reply);
        QCOMPARE(compact(back->toJson()), text);
    }

    void replyToMessage()
    {
        const ChatMessage message = fullReply().toMessage();
        QCOMPARE(message.role, ChatRole::Assistant);
        QCOMPARE(message.content, fullReply().content);
        QCOMPARE(message.toolCalls, fullReply().toolCalls);
    }

    void fingerprintIsHexSha256()
    {
        const QString fingerprint = fullRequest().fingerprint();
        QCOMPARE(fingerprint.size(), 64);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(fingerprint).hasMatch());
        QCOMPARE(fullRequest().fingerprint(), fingerprint); // stable across calls
    }

    void fingerprintIgnoresKeyOrder()
    {
        const QByteArray ordered =
            R"({"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"maxTokens":10,)"
            R"("tools":[{"name":"t","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}]})";
        const QByteArray shuffled =
            R"({"tools":[{"parameters":{"properties":{"a":{"type":"string"}},"type":"object"},"description":"d","name":"t"}],)"
            R"("maxTokens":10,"temperature":0.5,"messages":[{"content":"hi","role":"user"}],"model":"m"})";
        Result<ChatRequest> first = ChatRequest::fromJson(
            QJsonDocument::fromJson(ordered).object());
        Result<ChatRequest> second = ChatRequest::fromJson(
            QJsonDocument::fromJson(shuffled).object());
        QVERIFY(first.ok());
        QVERIFY(second.ok());
        QCOMPARE(first->canonicalJson(), second->canonicalJson());
        QCOMPARE(first->fingerprint(), second->fingerprint());
        // Canonical form: compact, keys sorted.
        QCOMPARE(
            first->canonicalJson(),
            QByteArray(R"({"maxTokens":10,"messages":[{"content":"hi","role":"user"}],"model":"m",)"
                       R"("temperature":0.5,"tools":[{"description":"d","name":"t","parameters":)"
                       R"({"properties":{"a":{"type":"string"}},"type":"object"}}]})"));
    }

    void fingerprintChangesWithContent_data()
    {
        QTest::addColumn<int>("change");
        for (int i = 0; i < 5; ++i)
            QTest::addRow("change %d", i) << i;
    }
    void fingerprintChangesWithContent()
    {
        QFETCH(int, change);
        ChatRequest request = fullRequest();
        switch (change) {
        case 0:
            request.model = QStringLiteral("other");
            break;
        case 1:
            request.messages[1].content += QLatin1Char('!');
            break;
        case 2:
            request.temperature.reset();
            break;
        case 3:
            request.maxTokens = 257;
            break;
        case 4:
            request.tools[0].description = QStringLiteral("changed");
            break;
        }
        QVERIFY(request.fingerprint() != fullRequest().fingerprint());
    }

    void conversationHelpers()
    {
        const ChatRequest request = fullRequest();
        QCOMPARE(request.lastUserMessage(),
                 QStringLiteral("Screen this resume: Anna, 5 years of Qt"));
        QCOMPARE(request.systemPrompt(), QStringLiteral("You screen resumes."));
        QVERIFY(request.lastToolResult().has_value());
        QCOMPARE(request.lastToolResult()->toolCallId, QStringLiteral("call_1"));
        ChatRequest later = request;
        later.messages.append(ChatMessage::user(QStringLiteral("next")));
        QVERIFY(
            !later.lastToolResult().has_value()); // tool results before the user spoke don't count
    }
};

QTEST_GUILESS_MAIN(TestChatTypes)
#include "tst_chattypes.moc"
