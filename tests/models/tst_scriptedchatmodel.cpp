// SPDX-License-Identifier: MIT
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <durable/core/scriptedchatmodel.h>
#include <durable/core/virtualclock.h>
#include <optional>

using namespace Durable;
using namespace std::chrono_literals;

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

const char *s_rules = R"({
  "rules": [
    { "name": "after scoring",
      "when": { "lastToolResult": { "contains": "score" } },
      "reply": { "content": "Scored: {{last_tool_result}}" } },
    { "name": "screen",
      "when": { "lastUser": { "contains": "RESUME" }, "system": { "matches": "recruit(er|ing)\\b" } },
      "reply": { "toolCalls": [ { "name": "score_resume", "arguments": { "text": "{{last_user}}", "max": 10 } } ] } },
    { "name": "greeting",
      "when": { "lastUser": { "matches": "^(hi|hello)\\b" } },
      "reply": "Hello from {{model}}!" },
    { "name": "weather",
      "when": { "lastUser": "weather" },
      "reply": { "content": "Let me check.",
                 "toolCalls": [ { "id": "w1", "name": "get_weather", "arguments": { "city": "Oslo" } } ] } }
  ]
})";

ChatRequest request(const QString &user, const QString &system = {})
{
    ChatRequest result;
    if (!system.isEmpty())
        result.messages.append(ChatMessage::system(system));
    result.messages.append(ChatMessage::user(user));
    return result;
}

std::optional<Result<ChatReply>> run(ChatModel &model, const ChatRequest &chatRequest)
{
    std::optional<Result<ChatReply>> outcome;
    QEventLoop loop;
    model.complete(chatRequest, [&outcome, &loop](Result<ChatReply> reply) {
        outcome = std::move(reply);
        loop.quit();
    });
    if (outcome) {
        qWarning("done ran inside complete()");
        return std::nullopt;
    }
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    loop.exec();
    return outcome;
}

} // namespace

class TestScriptedChatModel : public QObject
{
    Q_OBJECT

    std::unique_ptr<ScriptedChatModel> rules()
    {
        Result<std::unique_ptr<ScriptedChatModel>> model = ScriptedChatModel::fromJson(
            parse(s_rules), nullptr, QStringLiteral("test rules"));
        if (!model)
            qFatal("%s", qPrintable(model.error().message()));
        return std::move(model).value();
    }

private slots:
    void substringMatchIsCaseInsensitiveAndNeedsAllConditions()
    {
        auto model = rules();
        // "screen" needs the recruiting system prompt as well as "resume".
        std::optional<Result<ChatReply>> withoutSystem = run(
            *model, request(QStringLiteral("here is my resume")));
        QVERIFY(withoutSystem);
        QVERIFY(!withoutSystem->ok());

        std::optional<Result<ChatReply>> outcome = run(
            *model, request(QStringLiteral("Here is my resume: Anna"),
                            QStringLiteral("You are a recruiting assistant")));
        QVERIFY(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
        const ChatReply reply = outcome->value();
        QCOMPARE(reply.toolCalls.size(), 1);
        QCOMPARE(reply.toolCalls.at(0).name, QStringLiteral("score_resume"));
        QCOMPARE(reply.toolCalls.at(0).arguments,
                 (QJsonObject {{QStringLiteral("text"), QStringLiteral("Here is my resume: Anna")},
                               {QStringLiteral("max"), 10}}));
        QCOMPARE(reply.finishReason, QStringLiteral("tool_calls"));
        QVERIFY(reply.scripted);
        QCOMPARE(reply.provider, QStringLiteral("scripted"));
    }

    void systemPromptDecides()
    {
        auto model = rules();
        std::optional<Result<ChatReply>> outcome = run(
            *model, request(QStringLiteral("resume attached"), QStringLiteral("You are a pirate")));
        QVERIFY(outcome);
        QVERIFY(!outcome->ok()); // the regex on the system prompt does not match
        outcome = run(*model, request(QStringLiteral("resume attached"),
                                      QStringLiteral("You help a recruiter")));
        QVERIFY(outcome && outcome->ok());
    }

    void regexMatch()
    {
        auto model = rules();
        ChatRequest hello = request(QStringLiteral("hello there"));
        hello.model = QStringLiteral("demo-model");
        std::optional<Result<ChatReply>> outcome = run(*model, hello);
        QVERIFY(outcome && outcome->ok());
        QCOMPARE(outcome->value().content, QStringLiteral("Hello from demo-model!"));
        QCOMPARE(outcome->value().finishReason, QStringLiteral("stop"));
        QCOMPARE(outcome->value().model, QStringLiteral("demo-model"));
        // Anchored: "oh hi" does not match ^(hi|hello)
        outcome = run(*model, request(QStringLiteral("oh hi")));
        QVERIFY(outcome && !outcome->ok());
    }

    void toolResultRule()
    {
        auto model = rules();
        ChatRequest conversation = request(QStringLiteral("resume: Anna"),
                                           QStringLiteral("recruiter bot"));
        std::optional<Result<ChatReply>> first = run(*model, conversation);
        QVERIFY(first && first->ok());
        conversation.messages.append(first->value().toMessage());
        conversation.messages.append(ChatMessage::toolResult(first->value().toolCalls.at(0).id,
                                                             QStringLiteral("score 8/10")));
        std::optional<Result<ChatReply>> second = run(*model, conversation);
        QVERIFY(second && second->ok());
        QCOMPARE(second->value().content, QStringLiteral("Scored: score 8/10"));
        QVERIFY(second->value().toolCalls.isEmpty());
    }

    void toolCallIdsAreDeterministic()
    {
        auto model = rules();
        const ChatRequest screening = request(QStringLiteral("resume"),
                                              QStringLiteral("recruiter"));
        std::optional<Result<ChatReply>> a = run(*model, screening);
        auto other = rules();
        std::optional<Result<ChatReply>> b = run(*other, screening);
        QVERIFY(a && a->ok() && b && b->ok());
        QVERIFY(!a->value().toolCalls.at(0).id.isEmpty());
        QCOMPARE(a->value().toolCalls.at(0).id, b->value().toolCalls.at(0).id);
        QCOMPARE(a->value().toJson(), b->value().toJson());

        std::optional<Result<ChatReply>> weather = run(*model,
                                                       request(QStringLiteral("weather please")));
        QVERIFY(weather && weather->ok());
        QCOMPARE(weather->value().content, QStringLiteral("Let me check."));
        QCOMPARE(weather->value().toolCalls.at(0).id, QStringLiteral("w1"));
        QCOMPARE(
            weather->value().toolCalls.at(0).arguments.value(QStringLiteral("city")).toString(),
            QStringLiteral("Oslo"));
    }

    void noMatchQuotesLastUserMessage()
    {
        auto model = rules();
        std::optional<Result<ChatReply>> outcome = run(
            *model, request(QStringLiteral("What is the meaning of life?")));
        QVERIFY(outcome);
        QVERIFY(!outcome->ok());
        const Error error = outcome->error();
        QCOMPARE(error.code(), ErrorCode::NotFound);
        QVERIFY2(error.message().contains(QStringLiteral("\"What is the meaning of life?\"")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("test rules")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(QStringLiteral("4 rule(s)")));
    }

    void fallback()
    {
        QJsonObject json = parse(s_rules);
        json.insert(QStringLiteral("fallback"),
                    parse(R"({"reply": {"content": "I did not understand: {{last_user}}"}})"));
        Result<std::unique_ptr<ScriptedChatModel>> model = ScriptedChatModel::fromJson(json);
        QVERIFY(model.ok());
        std::optional<Result<ChatReply>> outcome = run(*model.value(),
                                                       request(QStringLiteral("gibberish")));
        QVERIFY(outcome && outcome->ok());
        QCOMPARE(outcome->value().content, QStringLiteral("I did not understand: gibberish"));
        // Rules still come first.
        outcome = run(*model.value(), request(QStringLiteral("hi")));
        QVERIFY(outcome && outcome->ok());
        QCOMPARE(outcome->value().content, QStringLiteral("Hello from scripted!"));
    }

    void delayWaitsForPausedVirtualClock()
    {
        VirtualClock clock;
        QVERIFY(clock.isPaused());
        Result<std::unique_ptr<ScriptedChatModel>> made = ScriptedChatModel::fromJson(
            parse(R"({"rules": [{"reply": "slow answer", "delayMs": 1000}]})"), &clock);
        QVERIFY(made.ok());
        ScriptedChatModel &model = *made.value();
        std::optional<Result<ChatReply>> outcome;
        model.complete(request(QStringLiteral("anything")),
                       [&outcome](Result<ChatReply> reply) { outcome = std::move(reply); });
        QCOMPARE(model.pendingCount(), 1);

        // Real time passing changes nothing: a local loop of 100 ms with the clock paused.
        QEventLoop idle;
        QTimer::singleShot(100, &idle, &QEventLoop::quit);
        idle.exec();
        QVERIFY(!outcome);

        clock.advance(999ms);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QVERIFY(!outcome);
        QCOMPARE(model.pendingCount(), 1);

        clock.advance(1ms);
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(outcome->ok());
        QCOMPARE(outcome->value().content, QStringLiteral("slow answer"));
        QCOMPARE(outcome->value().latencyMs, qint64(1000));
        QCOMPARE(model.pendingCount(), 0);
    }

    void delaysReleaseInDueOrder()
    {
        VirtualClock clock;
        Result<std::unique_ptr<ScriptedChatModel>> made = ScriptedChatModel::fromJson(
            parse(R"({"rules": [{"when": {"lastUser": "slow"}, "reply": "slow", "delayMs": 500},
                                {"when": {"lastUser": "fast"}, "reply": "fast", "delayMs": 100}]})"),
            &clock);
        QVERIFY(made.ok());
        QStringList order;
        made.value()->complete(request(QStringLiteral("slow")),
                               [&order](Result<ChatReply> reply) { order.append(reply->content); });
        made.value()->complete(request(QStringLiteral("fast")),
                               [&order](Result<ChatReply> reply) { order.append(reply->content); });
        clock.advance(1000ms);
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order, (QStringList {QStringLiteral("fast"), QStringLiteral("slow")}));
    }

    void delayWithFlowingClock()
    {
        VirtualClock clock;
        clock.resume();
        Result<std::unique_ptr<ScriptedChatModel>> made = ScriptedChatModel::fromJson(
            parse(R"({"rules": [{"reply": "soon", "delayMs": 30}]})"), &clock);
        QVERIFY(made.ok());
        std::optional<Result<ChatReply>> outcome;
        made.value()->complete(request(QStringLiteral("x")),
                               [&outcome](Result<ChatReply> reply) { outcome = std::move(reply); });
        QVERIFY(!outcome);
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(outcome->value().content, QStringLiteral("soon"));
    }

    void loadsFromFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("rules.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"([{"when": {"lastUser": "ping"}, "reply": "pong"}])");
        file.close();
        Result<std::unique_ptr<ScriptedChatModel>> model = ScriptedChatModel::fromFile(path);
        QVERIFY2(model.ok(), qPrintable(model.error().message()));
        QCOMPARE(model.value()->describe(), QStringLiteral("scripted (rules.json)"));
        QCOMPARE(model.value()->ruleCount(), 1);
        std::optional<Result<ChatReply>> outcome = run(*model.value(),
                                                       request(QStringLiteral("ping")));
        QVERIFY(outcome && outcome->ok());
        QCOMPARE(outcome->value().content, QStringLiteral("pong"));
    }

    void fileErrors_data()
    {
        // The bad regex is a plain literal: moc mis-reads an unbalanced "(" inside a raw string.
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("{\n  \"rules\": [\n    { \"reply\": \"x\" ]\n}")
                                << QStringLiteral("line 3, column");
        QTest::newRow("bad regex")
            << QByteArray("{\"rules\": [{\"name\": \"broken\", \"when\": {\"lastUser\": "
                          "{\"matches\": \"(unclosed\"}}, \"reply\": \"x\"}]}")
            << QStringLiteral("rule 1 (\"broken\"): \"matches\" of condition \"lastUser\" is not a "
                              "valid regular expression");
        QTest::newRow("unknown condition")
            << QByteArray(R"({"rules": [{"when": {"lastUsr": "x"}, "reply": "x"}]})")
            << QStringLiteral("unknown condition \"lastUsr\"");
        QTest::newRow("no reply") << QByteArray(R"({"rules": [{"when": {"lastUser": "x"}}]})")
                                  << QStringLiteral("rule 1: has no \"reply\"");
        QTest::newRow("tool without name")
            << QByteArray(R"({"rules": [{"reply": {"toolCalls": [{"arguments": {}}]}}]})")
            << QStringLiteral("tool call 1");
        QTest::newRow("negative delay")
            << QByteArray(R"({"rules": [{"reply": "x", "delayMs": -5}]})")
            << QStringLiteral("delayMs");
    }
    void fileErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("rules.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        Result<std::unique_ptr<ScriptedChatModel>> model = ScriptedChatModel::fromFile(path);
        QVERIFY(!model.ok());
        QCOMPARE(model.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(model.error().message().contains(expected), qPrintable(model.error().message()));
        QVERIFY2(model.error().message().contains(QStringLiteral("rules.json")),
                 qPrintable(model.error().message()));
    }

    void missingFile()
    {
        Result<std::unique_ptr<ScriptedChatModel>> model = ScriptedChatModel::fromFile(
            QStringLiteral("/nonexistent/dir/rules.json"));
        QVERIFY(!model.ok());
        QCOMPARE(model.error().code(), ErrorCode::Io);
        QVERIFY(model.error().message().contains(QStringLiteral("/nonexistent/dir/rules.json")));
    }

    void failedReloadKeepsRules()
    {
        auto model = rules();
        Result<void> set = model->setRules(parse(R"({"rules": 5})"));
        QVERIFY(!set.ok());
        QCOMPARE(model->ruleCount(), 4);
    }
};

QTEST_GUILESS_MAIN(TestScriptedChatModel)
#include "tst_scriptedchatmodel.moc"
