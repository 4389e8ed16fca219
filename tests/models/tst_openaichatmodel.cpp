// SPDX-License-Identifier: MIT
#include "fakeopenaiserver.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxyFactory>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <durable/core/openaichatmodel.h>
#include <optional>

using namespace Durable;
using namespace Durable::Testing;

namespace {

const QString s_key = QStringLiteral("sk-test-SECRET-0123456789abcdef");

// Runs one call to completion on a local event loop, bounded so a bug fails instead of hanging.
// `synchronous` tells whether done ran inside complete(), which the contract forbids.
std::optional<Result<ChatReply>> run(ChatModel &model, const ChatRequest &request,
                                     bool *synchronous = nullptr, int limitMs = 15000)
{
    std::optional<Result<ChatReply>> outcome;
    int calls = 0;
    QEventLoop loop;
    bool inside = true;
    bool ranInside = false;
    model.complete(request, [&](Result<ChatReply> reply) {
        ++calls;
        ranInside = ranInside || inside;
        outcome = std::move(reply);
        loop.quit();
    });
    inside = false;
    if (!outcome) {
        QTimer::singleShot(limitMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (synchronous)
        *synchronous = ranInside;
    // Let anything queued run, to catch a second invocation of done.
    QCoreApplication::processEvents();
    if (calls > 1)
        qWarning("done was invoked %d times", calls);
    return calls == 1 ? outcome : std::nullopt;
}

// A streamed call through completeCall(): the deltas it reported, and how many of them had
// arrived when done ran (all of them: deltas come before the reply).
struct StreamRun
{
    std::optional<Result<ChatReply>> outcome;
    QStringList deltas;
    int deltasBeforeDone = -1;
    int calls = 0;
};

StreamRun runStreamed(ChatModel &model, const ChatRequest &request, int limitMs = 15000)
{
    StreamRun run;
    QEventLoop loop;
    ModelCallContext context;
    context.className = QStringLiteral("Chat");
    context.callId = QStringLiteral("mc-1");
    context.onDelta = [&run](const QString &delta) { run.deltas.append(delta); };
    model.completeCall(context, request, [&run, &loop](Result<ChatReply> reply) {
        ++run.calls;
        run.deltasBeforeDone = int(run.deltas.size());
        run.outcome = std::move(reply);
        loop.quit();
    });
    if (!run.outcome) {
        QTimer::singleShot(limitMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    QCoreApplication::processEvents();
    return run;
}

ChatRequest helloRequest()
{
    ChatRequest request;
    request.messages = {ChatMessage::system(QStringLiteral("Be brief.")),
                        ChatMessage::user(QStringLiteral("Say hello"))};
    request.temperature = 0.25;
    request.maxTokens = 64;
    return request;
}

void verifyNoKey(const Error &error)
{
    QVERIFY2(!error.message().contains(s_key), qPrintable(error.message()));
    QVERIFY(!QJsonDocument(error.toJson()).toJson().contains(s_key.toUtf8()));
    QVERIFY(!QByteArray(error.what()).contains(s_key.toUtf8()));
}

} // namespace

class TestOpenAiChatModel : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeOpenAiServer> m_server;

    OpenAiConfig config() const
    {
        OpenAiConfig config;
        config.baseUrl = m_server->baseUrl();
        config.model = QStringLiteral("test-model");
        config.apiKey = s_key;
        config.timeoutMs = 10000;
        config.maxRetries = 2;
        config.initialBackoffMs = 10;
        return config;
    }

    Error expectError(OpenAiChatModel &model)
    {
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest());
        if (!outcome) {
            QTest::qFail("no single answer", __FILE__, __LINE__);
            return {};
        }
        if (outcome->ok()) {
            QTest::qFail("expected an error, got a reply", __FILE__, __LINE__);
            return {};
        }
        return outcome->error();
    }

private slots:
    void initTestCase()
    {
        // Only ever 127.0.0.1: make sure no proxy from the environment gets in the way.
        QNetworkProxyFactory::setUseSystemConfiguration(false);
    }

    void init()
    {
        m_server = std::make_unique<FakeOpenAiServer>();
        QVERIFY(m_server->listen());
    }

    void cleanup() { m_server.reset(); }

    void configFromEnvironment()
    {
        qunsetenv("OPENAI_BASE_URL");
        qunsetenv("OPENAI_MODEL");
        qunsetenv("OPENAI_API_KEY");
        OpenAiConfig defaults = OpenAiConfig::fromEnvironment();
        QCOMPARE(defaults.baseUrl, QUrl(QStringLiteral("https://api.openai.com/v1")));
        QCOMPARE(defaults.model, QStringLiteral("gpt-4o-mini"));
        QVERIFY(defaults.apiKey.isEmpty());
        qputenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1");
        qputenv("OPENAI_MODEL", "llama3");
        qputenv("OPENAI_API_KEY", "k-123");
        OpenAiConfig fromEnv = OpenAiConfig::fromEnvironment();
        qunsetenv("OPENAI_BASE_URL");
        qunsetenv("OPENAI_MODEL");
        qunsetenv("OPENAI_API_KEY");
        QCOMPARE(fromEnv.baseUrl, QUrl(QStringLiteral("http://127.0.0.1:11434/v1")));
        QCOMPARE(fromEnv.model, QStringLiteral("llama3"));
        QCOMPARE(fromEnv.apiKey, QStringLiteral("k-123"));
        const OpenAiChatModel model(fromEnv);
        QCOMPARE(model.describe(),
                 QStringLiteral("openai-compatible llama3 at http://127.0.0.1:11434/v1"));
        QVERIFY(!model.describe().contains(QStringLiteral("k-123")));
    }

    void textReply()
    {
        m_server->enqueue(
            FakeResponse::text(QStringLiteral("Hello!"), QStringLiteral("test-model-0613")));
        OpenAiChatModel model(config());
        bool synchronous = true;
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest(), &synchronous);
        QVERIFY(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
        QVERIFY(!synchronous);
        const ChatReply &reply = outcome->value();
        QCOMPARE(reply.content, QStringLiteral("Hello!"));
        QVERIFY(reply.toolCalls.isEmpty());
        QCOMPARE(reply.finishReason, QStringLiteral("stop"));
        QCOMPARE(reply.usage, (TokenUsage {12, 5, 17}));
        QCOMPARE(reply.model, QStringLiteral("test-model-0613"));
        QCOMPARE(reply.provider, QStringLiteral("openai-compatible"));
        QVERIFY(!reply.scripted);
        QVERIFY(reply.latencyMs >= 0);

        const QList<ReceivedRequest> requests = m_server->requests();
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.at(0).method, QByteArray("POST"));
        QCOMPARE(requests.at(0).path, QByteArray("/v1/chat/completions"));
        QCOMPARE(requests.at(0).headers.value("authorization"), "Bearer " + s_key.toUtf8());
        QVERIFY(requests.at(0).headers.value("content-type").startsWith("application/json"));
        const QJsonObject body = requests.at(0).json();
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
        QCOMPARE(body.value(QStringLiteral("temperature")).toDouble(), 0.25);
        QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 64);
        QVERIFY(!body.contains(QStringLiteral("tools")));
        const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("system"));
        QCOMPARE(messages.at(1).toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("Say hello"));
    }

    void noKeyMeansNoAuthorizationHeader()
    {
        m_server->enqueue(FakeResponse::text(QStringLiteral("ok")));
        OpenAiConfig noKey = config();
        noKey.apiKey.clear();
        OpenAiChatModel model(noKey);
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest());
        QVERIFY(outcome && outcome->ok());
        QVERIFY(!m_server->requests().at(0).headers.contains("authorization"));
    }

    void toolCallRoundTrip()
    {
        const QJsonArray wireCalls {
            QJsonObject {{QStringLiteral("id"), QStringLiteral("call_abc")},
                         {QStringLiteral("type"), QStringLiteral("function")},
                         {QStringLiteral("function"),
                          QJsonObject {{QStringLiteral("name"), QStringLiteral("get_weather")},
                                       {QStringLiteral("arguments"),
                                        QStringLiteral("{\"city\":\"Oslo\",\"days\":2}")}}}}};
        m_server->enqueue(FakeResponse::toolCalls(wireCalls));
        m_server->enqueue(FakeResponse::text(QStringLiteral("Sunny in Oslo.")));
        OpenAiChatModel model(config());

        ChatRequest request;
        request.messages = {ChatMessage::user(QStringLiteral("Weather in Oslo?"))};
        request.tools = {ToolDefinition {
            QStringLiteral("get_weather"), QStringLiteral("Forecast for a city"),
            QJsonObject {{QStringLiteral("type"), QStringLiteral("object")},
                         {QStringLiteral("properties"),
                          QJsonObject {{QStringLiteral("city"),
                                        QJsonObject {{QStringLiteral("type"),
                                                      QStringLiteral("string")}}}}}}}};
        std::optional<Result<ChatReply>> first = run(model, request);
        QVERIFY(first);
        QVERIFY2(first->ok(), qPrintable(first->error().message()));
        const ChatReply reply = first->value();
        QCOMPARE(reply.finishReason, QStringLiteral("tool_calls"));
        QVERIFY(reply.content.isEmpty());
        QCOMPARE(reply.toolCalls.size(), 1);
        QCOMPARE(reply.toolCalls.at(0).id, QStringLiteral("call_abc"));
        QCOMPARE(reply.toolCalls.at(0).name, QStringLiteral("get_weather"));
        QCOMPARE(reply.toolCalls.at(0).arguments,
                 (QJsonObject {{QStringLiteral("city"), QStringLiteral("Oslo")},
                               {QStringLiteral("days"), 2}}));
        Result<ChatReply> persisted = ChatReply::fromJson(reply.toJson());
        QVERIFY(persisted.ok());
        QCOMPARE(persisted.value(), reply);

        const QJsonObject firstBody = m_server->requests().at(0).json();
        const QJsonObject tool =
            firstBody.value(QStringLiteral("tools")).toArray().at(0).toObject();
        QCOMPARE(tool.value(QStringLiteral("type")).toString(), QStringLiteral("function"));
        const QJsonObject function = tool.value(QStringLiteral("function")).toObject();
        QCOMPARE(function.value(QStringLiteral("name")).toString(), QStringLiteral("get_weather"));
        QCOMPARE(function.value(QStringLiteral("parameters")).toObject(),
                 request.tools.at(0).parameters);

        // Continue the conversation with the call and its result.
        request.messages.append(reply.toMessage());
        request.messages.append(ChatMessage::toolResult(
            QStringLiteral("call_abc"), QStringLiteral("sunny"), QStringLiteral("get_weather")));
        std::optional<Result<ChatReply>> second = run(model, request);
        QVERIFY(second && second->ok());
        QCOMPARE(second->value().content, QStringLiteral("Sunny in Oslo."));

        const QJsonArray messages =
            m_server->requests().at(1).json().value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 3);
        const QJsonObject assistant = messages.at(1).toObject();
        QCOMPARE(assistant.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QVERIFY(assistant.value(QStringLiteral("content")).isNull());
        const QJsonObject sentCall =
            assistant.value(QStringLiteral("tool_calls")).toArray().at(0).toObject();
        QCOMPARE(sentCall.value(QStringLiteral("id")).toString(), QStringLiteral("call_abc"));
        const QString arguments = sentCall.value(QStringLiteral("function"))
                                      .toObject()
                                      .value(QStringLiteral("arguments"))
                                      .toString();
        QCOMPARE(QJsonDocument::fromJson(arguments.toUtf8()).object(),
                 reply.toolCalls.at(0).arguments);
        const QJsonObject toolMessage = messages.at(2).toObject();
        QCOMPARE(toolMessage.value(QStringLiteral("role")).toString(), QStringLiteral("tool"));
        QCOMPARE(toolMessage.value(QStringLiteral("tool_call_id")).toString(),
                 QStringLiteral("call_abc"));
        QCOMPARE(toolMessage.value(QStringLiteral("content")).toString(), QStringLiteral("sunny"));
    }

    void rateLimitHonoursRetryAfter()
    {
        m_server->enqueue(FakeResponse::rateLimited(1));
        m_server->enqueue(FakeResponse::text(QStringLiteral("finally")));
        OpenAiChatModel model(config()); // backoff 10 ms: only Retry-After explains a 1 s wait
        QElapsedTimer elapsed;
        elapsed.start();
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest());
        QVERIFY(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
        QCOMPARE(outcome->value().content, QStringLiteral("finally"));
        QCOMPARE(m_server->requests().size(), 2);
        QVERIFY2(elapsed.elapsed() >= 950, qPrintable(QString::number(elapsed.elapsed())));
    }

    void rateLimitRetryAfterZero()
    {
        m_server->enqueue(FakeResponse::rateLimited(0));
        m_server->enqueue(FakeResponse::rateLimited(0));
        m_server->enqueue(FakeResponse::text(QStringLiteral("third time")));
        OpenAiChatModel model(config());
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest());
        QVERIFY(outcome && outcome->ok());
        QCOMPARE(outcome->value().content, QStringLiteral("third time"));
        QCOMPARE(m_server->requests().size(), 3);
    }

    void serverErrorRetriedThenSuccess()
    {
        m_server->enqueue(FakeResponse::error(500, QStringLiteral("boom")));
        m_server->enqueue(FakeResponse::error(503, QStringLiteral("overloaded")));
        m_server->enqueue(FakeResponse::text(QStringLiteral("recovered")));
        OpenAiChatModel model(config());
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest());
        QVERIFY(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
        QCOMPARE(outcome->value().content, QStringLiteral("recovered"));
        QCOMPARE(m_server->requests().size(), 3);
        // Every attempt sends the same body.
        QCOMPARE(m_server->requests().at(0).body, m_server->requests().at(2).body);
    }

    void retriesExhausted()
    {
        m_server->setDefaultResponse(FakeResponse::error(500, QStringLiteral("database on fire")));
        OpenAiChatModel model(config()); // maxRetries 2: three attempts
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::Network);
        QCOMPARE(m_server->requests().size(), 3);
        QVERIFY2(error.message().contains(QStringLiteral("HTTP 500")), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("3 attempt")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("database on fire")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(m_server->baseUrl().toString()));
        QCOMPARE(error.context().value(QStringLiteral("httpStatus")).toInt(), 500);
        verifyNoKey(error);
    }

    void rateLimitExhausted()
    {
        m_server->setDefaultResponse(FakeResponse::rateLimited(0));
        OpenAiConfig noRetries = config();
        noRetries.maxRetries = 0;
        OpenAiChatModel model(noRetries);
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::Network);
        QCOMPARE(m_server->requests().size(), 1);
        QVERIFY2(error.message().contains(QStringLiteral("rate limiting")),
                 qPrintable(error.message()));
        verifyNoKey(error);
    }

    void unauthorized()
    {
        // Real servers quote (part of) the key back; none of it may reach the error.
        m_server->enqueue(
            FakeResponse::error(401, QStringLiteral("Incorrect API key provided: ") + s_key));
        OpenAiChatModel model(config());
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::InvalidArgument);
        QVERIFY2(error.message().contains(QStringLiteral("rejected the API key")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(QStringLiteral("OPENAI_API_KEY")));
        QVERIFY(!error.message().contains(QStringLiteral("Incorrect API key")));
        QCOMPARE(m_server->requests().size(), 1); // not retried
        verifyNoKey(error);
    }

    void forbidden()
    {
        m_server->enqueue(FakeResponse::error(403, QStringLiteral("no access")));
        OpenAiChatModel model(config());
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::InvalidArgument);
        QVERIFY2(error.message().contains(QStringLiteral("HTTP 403")), qPrintable(error.message()));
        verifyNoKey(error);
    }

    void modelNotFound()
    {
        m_server->enqueue(
            FakeResponse::error(404, QStringLiteral("The model `test-model` does not exist")));
        OpenAiChatModel model(config());
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::NotFound);
        QVERIFY2(error.message().contains(QStringLiteral("\"test-model\"")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(m_server->baseUrl().toString() +
                                          QStringLiteral("/chat/completions")),
                 qPrintable(error.message()));
        QCOMPARE(m_server->requests().size(), 1);
        verifyNoKey(error);
    }

    void garbageBody_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("html") << QByteArray("<html><body>Bad gateway page</body></html>");
        QTest::newRow("truncated json") << QByteArray("{\"choices\": [");
        QTest::newRow("no choices") << QByteArray("{\"object\":\"chat.completion\"}");
        QTest::newRow("bad tool arguments")
            << FakeResponse::toolCalls(
                   QJsonArray {QJsonObject {
                       {QStringLiteral("id"), QStringLiteral("c")},
                       {QStringLiteral("type"), QStringLiteral("function")},
                       {QStringLiteral("function"),
                        QJsonObject {{QStringLiteral("name"), QStringLiteral("f")},
                                     {QStringLiteral("arguments"), QStringLiteral("{oops")}}}}})
                   .body;
    }
    void garbageBody()
    {
        QFETCH(QByteArray, body);
        m_server->enqueue(FakeResponse::raw(200, body));
        OpenAiChatModel model(config());
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::Network);
        QVERIFY2(error.message().contains(QStringLiteral("not a chat completion")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(m_server->baseUrl().toString()));
        verifyNoKey(error);
    }

    void timeout()
    {
        m_server->setDefaultResponse(FakeResponse::neverAnswer());
        OpenAiConfig shortTimeout = config();
        shortTimeout.timeoutMs = 300;
        OpenAiChatModel model(shortTimeout);
        QElapsedTimer elapsed;
        elapsed.start();
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::Timeout);
        QVERIFY2(error.message().contains(QStringLiteral("300 ms")), qPrintable(error.message()));
        QVERIFY(error.message().contains(m_server->baseUrl().toString()));
        QVERIFY(elapsed.elapsed() >= 250);
        QCOMPARE(m_server->requests().size(), 1); // timeouts are not retried
        verifyNoKey(error);
    }

    void connectionRefused()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        OpenAiConfig refused = config();
        refused.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
        OpenAiChatModel model(refused);
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::Network);
        QVERIFY2(error.message().contains(QStringLiteral("connection refused")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        verifyNoKey(error);
    }

    void connectionClosed()
    {
        // Qt resends once or twice on an early close, so every connection is closed.
        m_server->setDefaultResponse(FakeResponse::closeConnection());
        OpenAiChatModel model(config());
        const Error error = expectError(model);
        QCOMPARE(error.code(), ErrorCode::Network);
        QVERIFY2(error.message().contains(QStringLiteral("closed the connection")),
                 qPrintable(error.message()));
        verifyNoKey(error);
    }

    void invalidBaseUrl()
    {
        OpenAiConfig broken = config();
        broken.baseUrl = QUrl(QStringLiteral("not a url"));
        OpenAiChatModel model(broken);
        bool synchronous = true;
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest(), &synchronous);
        QVERIFY(outcome && !outcome->ok());
        QVERIFY(!synchronous);
        QCOMPARE(outcome->error().code(), ErrorCode::InvalidArgument);
        QVERIFY(outcome->error().message().contains(QStringLiteral("OPENAI_BASE_URL")));
    }

    void requestAsksForAStream()
    {
        m_server->enqueue(FakeResponse::textStream({QStringLiteral("ok")}));
        OpenAiChatModel model(config());
        std::optional<Result<ChatReply>> outcome = run(model, helloRequest());
        QVERIFY(outcome && outcome->ok());
        const ReceivedRequest request = m_server->requests().at(0);
        QVERIFY(request.headers.value("accept").contains("text/event-stream"));
        const QJsonObject body = request.json();
        QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
        QCOMPARE(body.value(QStringLiteral("stream_options"))
                     .toObject()
                     .value(QStringLiteral("include_usage"))
                     .toBool(),
                 true);
    }

    // (a) several content deltas: reported one by one, joined in the reply.
    void streamedText()
    {
        const QStringList pieces {QStringLiteral("Hel"), QStringLiteral("lo, "),
                                  QStringLiteral("wörld"), QStringLiteral("!")};
        m_server->enqueue(FakeResponse::textStream(pieces, 0, QStringLiteral("test-model-0613")));
        OpenAiChatModel model(config());
        const StreamRun run = runStreamed(model, helloRequest());
        QCOMPARE(run.calls, 1);
        QVERIFY(run.outcome);
        QVERIFY2(run.outcome->ok(), qPrintable(run.outcome->error().message()));
        QCOMPARE(run.deltas, pieces);
        QCOMPARE(run.deltasBeforeDone, pieces.size());
        const ChatReply &reply = run.outcome->value();
        QCOMPARE(reply.content, QStringLiteral("Hello, wörld!"));
        QVERIFY(reply.toolCalls.isEmpty());
        QCOMPARE(reply.finishReason, QStringLiteral("stop"));
        QCOMPARE(reply.usage, (TokenUsage {12, 5, 17}));
        QCOMPARE(reply.model, QStringLiteral("test-model-0613"));
        QCOMPARE(reply.provider, QStringLiteral("openai-compatible"));
        QVERIFY(!reply.scripted);
    }

    // The streamed and the unstreamed answer of one completion give the same ChatReply.
    void streamedEqualsUnstreamed()
    {
        m_server->enqueue(FakeResponse::textStream({QStringLiteral("Hello"), QStringLiteral("!")},
                                                   0, QStringLiteral("m")));
        m_server->enqueue(FakeResponse::text(QStringLiteral("Hello!"), QStringLiteral("m")));
        OpenAiChatModel model(config());
        std::optional<Result<ChatReply>> streamed = run(model, helloRequest());
        std::optional<Result<ChatReply>> whole = run(model, helloRequest());
        QVERIFY(streamed && streamed->ok() && whole && whole->ok());
        ChatReply a = streamed->value();
        ChatReply b = whole->value();
        a.latencyMs = b.latencyMs = 0;
        QCOMPARE(a.toJson(), b.toJson());
    }

    // (b) tool calls whose id, name and arguments arrive split across chunks, two calls
    // interleaved by index.
    void streamedToolCalls()
    {
        const auto piece = [](int index, const QString &id, const QString &name,
                              const QString &arguments) {
            QJsonObject function {{QStringLiteral("arguments"), arguments}};
            if (!name.isEmpty())
                function.insert(QStringLiteral("name"), name);
            QJsonObject call {{QStringLiteral("index"), index},
                              {QStringLiteral("function"), function}};
            if (!id.isEmpty()) {
                call.insert(QStringLiteral("id"), id);
                call.insert(QStringLiteral("type"), QStringLiteral("function"));
            }
            return FakeResponse::chunk(
                QJsonObject {{QStringLiteral("tool_calls"), QJsonArray {call}}});
        };
        QList<QJsonObject> chunks {
            FakeResponse::chunk(QJsonObject {{QStringLiteral("role"), QStringLiteral("assistant")},
                                             {QStringLiteral("content"), QJsonValue::Null}}),
            piece(0, QStringLiteral("call_a"), QStringLiteral("get_weather"), QString()),
            piece(0, {}, {}, QStringLiteral("{\"ci")),
            piece(1, QStringLiteral("call_b"), QStringLiteral("get_time"), QStringLiteral("{")),
            piece(0, {}, {}, QStringLiteral("ty\": \"Oslo\"}")),
            piece(1, {}, {}, QStringLiteral("\"zone\":\"UTC\"}")),
            FakeResponse::chunk(QJsonObject {}, QStringLiteral("tool_calls"))};
        m_server->enqueue(FakeResponse::stream(chunks));
        OpenAiChatModel model(config());
        const StreamRun run = runStreamed(model, helloRequest());
        QVERIFY(run.outcome);
        QVERIFY2(run.outcome->ok(), qPrintable(run.outcome->error().message()));
        QVERIFY(run.deltas.isEmpty()); // no text, nothing to show
        const ChatReply &reply = run.outcome->value();
        QVERIFY(reply.content.isEmpty());
        QCOMPARE(reply.finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(reply.toolCalls.size(), 2);
        QCOMPARE(reply.toolCalls.at(0).id, QStringLiteral("call_a"));
        QCOMPARE(reply.toolCalls.at(0).name, QStringLiteral("get_weather"));
        QCOMPARE(reply.toolCalls.at(0).arguments,
                 (QJsonObject {{QStringLiteral("city"), QStringLiteral("Oslo")}}));
        QCOMPARE(reply.toolCalls.at(1).id, QStringLiteral("call_b"));
        QCOMPARE(reply.toolCalls.at(1).name, QStringLiteral("get_time"));
        QCOMPARE(reply.toolCalls.at(1).arguments,
                 (QJsonObject {{QStringLiteral("zone"), QStringLiteral("UTC")}}));
        QCOMPARE(reply.usage, TokenUsage {}); // this server sent no usage chunk
    }

    // (c) the connection drops mid-stream: a failed call that says so; the next call works.
    void abortedStream_data()
    {
        QTest::addColumn<bool>("paced");
        QTest::newRow("all at once") << false;
        QTest::newRow("paced") << true;
    }

    void abortedStream()
    {
        QFETCH(bool, paced);
        FakeResponse aborted = FakeResponse::textStream(
            {QStringLiteral("Par"), QStringLiteral("tial"), QStringLiteral(" reply")},
            paced ? 5 : 0);
        aborted.abortAfter = 3; // role chunk and two pieces, then the connection closes
        m_server->enqueue(aborted);
        OpenAiChatModel model(config());
        const StreamRun failed = runStreamed(model, helloRequest());
        QCOMPARE(failed.calls, 1);
        QVERIFY(failed.outcome);
        QVERIFY(!failed.outcome->ok());
        const Error &error = failed.outcome->error();
        QCOMPARE(error.code(), ErrorCode::Network);
        QVERIFY2(error.message().contains(QStringLiteral("stopped streaming")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("closed or dropped the connection")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(m_server->baseUrl().toString()),
                 qPrintable(error.message()));
        verifyNoKey(error);
        QCOMPARE(failed.deltas, (QStringList {QStringLiteral("Par"), QStringLiteral("tial")}));
        QCOMPARE(m_server->requests().size(), 1); // not retried by the client

        m_server->enqueue(
            FakeResponse::textStream({QStringLiteral("Whole"), QStringLiteral(" reply")}));
        const StreamRun retried = runStreamed(model, helloRequest());
        QVERIFY(retried.outcome && retried.outcome->ok());
        QCOMPARE(retried.outcome->value().content, QStringLiteral("Whole reply"));
    }

    // A stream that ends cleanly but without a finish reason or [DONE] is not a whole reply.
    void streamWithoutEnd()
    {
        FakeResponse cut = FakeResponse::stream(
            {FakeResponse::chunk(QJsonObject {{QStringLiteral("content"), QStringLiteral("Hi")}})});
        cut.events.removeLast(); // no [DONE]
        m_server->enqueue(cut);
        OpenAiChatModel model(config());
        const StreamRun run = runStreamed(model, helloRequest());
        QVERIFY(run.outcome && !run.outcome->ok());
        QVERIFY2(run.outcome->error().message().contains(
                     QStringLiteral("before its finish reason or [DONE]")),
                 qPrintable(run.outcome->error().message()));
    }

    // An error object sent inside the stream fails the call with the server's words.
    void errorInStream()
    {
        FakeResponse broken = FakeResponse::textStream({QStringLiteral("Hi")});
        broken.events.insert(2, R"({"error":{"message":"model overloaded"}})");
        m_server->enqueue(broken);
        OpenAiChatModel model(config());
        const StreamRun run = runStreamed(model, helloRequest());
        QVERIFY(run.outcome && !run.outcome->ok());
        QVERIFY2(run.outcome->error().message().contains(QStringLiteral("model overloaded")),
                 qPrintable(run.outcome->error().message()));
    }

    // (d) a slow stream: deltas reach the caller as the server paces them, before the end.
    void slowStream()
    {
        const QStringList pieces {QStringLiteral("one "), QStringLiteral("two "),
                                  QStringLiteral("three "), QStringLiteral("four")};
        m_server->enqueue(FakeResponse::textStream(pieces, 100));
        OpenAiChatModel model(config());
        QStringList deltas;
        int sentWhenFirstDelta = -1;
        int sentEvents = 0;
        connect(m_server.get(), &FakeOpenAiServer::streamEventSent, this,
                [&sentEvents](int, int index) { sentEvents = index + 1; });
        std::optional<Result<ChatReply>> outcome;
        ModelCallContext context;
        context.onDelta = [&](const QString &delta) {
            if (deltas.isEmpty())
                sentWhenFirstDelta = sentEvents;
            deltas.append(delta);
        };
        model.completeCall(context, helloRequest(),
                           [&outcome](Result<ChatReply> reply) { outcome = std::move(reply); });
        // Deltas arrive while the reply is still pending.
        QTRY_VERIFY_WITH_TIMEOUT(deltas.size() >= 2, 10000);
        QVERIFY(!outcome);
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10000);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
        QCOMPARE(deltas, pieces);
        QCOMPARE(outcome->value().content, pieces.join(QString()));
        // The first delta came when the server had sent the role chunk and one piece, not
        // all seven events.
        QVERIFY2(sentWhenFirstDelta < 4, qPrintable(QString::number(sentWhenFirstDelta)));
    }

    // (e) a server that ignores "stream" and answers with one JSON body.
    void serverIgnoresStream()
    {
        m_server->enqueue(FakeResponse::text(QStringLiteral("Whole at once")));
        OpenAiChatModel model(config());
        const StreamRun run = runStreamed(model, helloRequest());
        QVERIFY(run.outcome);
        QVERIFY2(run.outcome->ok(), qPrintable(run.outcome->error().message()));
        QCOMPARE(run.outcome->value().content, QStringLiteral("Whole at once"));
        QVERIFY(run.deltas.isEmpty());
        QCOMPARE(run.outcome->value().usage, (TokenUsage {12, 5, 17}));
    }

    // A stream that outlasts the attempt's timeout fails as a timeout, not a cut stream.
    void slowStreamTimesOut()
    {
        m_server->enqueue(FakeResponse::textStream(
            {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, 200));
        OpenAiConfig shortTimeout = config();
        shortTimeout.timeoutMs = 250;
        OpenAiChatModel model(shortTimeout);
        const StreamRun run = runStreamed(model, helloRequest());
        QVERIFY(run.outcome && !run.outcome->ok());
        QCOMPARE(run.outcome->error().code(), ErrorCode::Timeout);
        QVERIFY(!run.deltas.isEmpty());
    }

    void concurrentCalls()
    {
        m_server->enqueue(FakeResponse::text(QStringLiteral("one")));
        m_server->enqueue(FakeResponse::text(QStringLiteral("two")));
        OpenAiChatModel model(config());
        QStringList answers;
        ChatRequest request = helloRequest();
        model.complete(request, [&answers](Result<ChatReply> reply) {
            answers.append(reply ? reply->content : reply.error().message());
        });
        model.complete(request, [&answers](Result<ChatReply> reply) {
            answers.append(reply ? reply->content : reply.error().message());
        });
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 10000);
        answers.sort();
        QCOMPARE(answers, (QStringList {QStringLiteral("one"), QStringLiteral("two")}));
    }
};

QTEST_GUILESS_MAIN(TestOpenAiChatModel)
#include "tst_openaichatmodel.moc"
