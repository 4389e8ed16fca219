// SPDX-License-Identifier: MIT
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <durable/core/openaichatmodel.h>
#include <optional>
#include <utility>

namespace Durable {

namespace {

Q_LOGGING_CATEGORY(lcOpenAi, "durable.core.models.openai")

const QString s_provider = QStringLiteral("openai-compatible");

// Long server bodies are cut so an error stays readable in a status bar.
QString shortened(const QString &text, int limit = 300)
{
    const QString simplified = text.simplified();
    return simplified.size() <= limit ? simplified : simplified.left(limit) + QStringLiteral("…");
}

// The server's own explanation: {"error":{"message":...}}, {"error":"..."}, {"message":...},
// or the start of the raw body.
QString serverMessage(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject object = doc.object();
        const QJsonValue error = object.value(QStringLiteral("error"));
        if (error.isObject()) {
            const QString message = error.toObject().value(QStringLiteral("message")).toString();
            if (!message.isEmpty())
                return shortened(message);
        }
        if (error.isString())
            return shortened(error.toString());
        const QString message = object.value(QStringLiteral("message")).toString();
        if (!message.isEmpty())
            return shortened(message);
    }
    return shortened(QString::fromUtf8(body));
}

QJsonObject wireToolCall(const ToolCall &call)
{
    return QJsonObject {
        {QStringLiteral("id"), call.id},
        {QStringLiteral("type"), QStringLiteral("function")},
        {QStringLiteral("function"),
         QJsonObject {
             {QStringLiteral("name"), call.name},
             {QStringLiteral("arguments"),
              QString::fromUtf8(QJsonDocument(call.arguments).toJson(QJsonDocument::Compact))}}}};
}

QJsonObject wireMessage(const ChatMessage &message)
{
    QJsonObject json {{QStringLiteral("role"), ChatMessage::roleName(message.role)}};
    // An assistant turn that only called tools has null content in the OpenAI format.
    if (message.role == ChatRole::Assistant && message.content.isEmpty() &&
        !message.toolCalls.isEmpty())
        json.insert(QStringLiteral("content"), QJsonValue::Null);
    else
        json.insert(QStringLiteral("content"), message.content);
    if (!message.toolCalls.isEmpty()) {
        QJsonArray calls;
        for (const ToolCall &call : message.toolCalls)
            calls.append(wireToolCall(call));
        json.insert(QStringLiteral("tool_calls"), calls);
    }
    if (message.role == ChatRole::Tool)
        json.insert(QStringLiteral("tool_call_id"), message.toolCallId);
    if (!message.name.isEmpty())
        json.insert(QStringLiteral("name"), message.name);
    return json;
}

// Some servers send content as an array of parts instead of a string.
QString contentText(const QJsonValue &content)
{
    if (content.isArray()) {
        QString text;
        const QJsonArray parts = content.toArray();
        for (const QJsonValue &part : parts)
            text += part.toObject().value(QStringLiteral("text")).toString();
        return text;
    }
    return content.toString();
}

} // namespace

struct OpenAiChatModel::Call
{
    ChatRequest request;
    QString model;
    QByteArray body;
    Done done;
    std::function<void(const QString &)> onDelta;
    int attempt = 0; // 0 for the first try
    bool timedOut = false;
    QElapsedTimer started;

    // The streamed answer of the current attempt, assembled as its chunks arrive.
    struct Stream
    {
        bool active = false; // the server answered 2xx with text/event-stream
        QByteArray buffer;   // bytes not yet split into lines
        QByteArray data;     // the "data:" lines of the event being read
        bool sawDone = false;
        int chunks = 0;
        QString content;
        QMap<int, QJsonObject> toolCalls; // by "index": {id, type, function {name, arguments}}
        QString finishReason;
        QJsonObject usage;
        QString model;
        std::optional<Error> error; // a chunk that was an error or not JSON
    } stream;
};

OpenAiChatModel::OpenAiChatModel(OpenAiConfig config, QObject *parent)
    : ChatModel(parent), m_config(std::move(config))
{ }

OpenAiChatModel::~OpenAiChatModel() = default;

QString OpenAiChatModel::describe() const
{
    return QStringLiteral("%1 %2 at %3").arg(s_provider, m_config.model, urlText());
}

QString OpenAiChatModel::urlText() const
{
    return m_config.baseUrl.toString(QUrl::RemoveUserInfo);
}

QUrl OpenAiChatModel::endpoint() const
{
    QUrl url = m_config.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/chat/completions"));
    return url;
}

QJsonObject OpenAiChatModel::requestBody(const ChatRequest &request) const
{
    QJsonArray messages;
    for (const ChatMessage &message : request.messages)
        messages.append(wireMessage(message));
    QJsonObject body {
        {QStringLiteral("model"), request.model.isEmpty() ? m_config.model : request.model},
        {QStringLiteral("messages"), messages}};
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolDefinition &tool : request.tools) {
            QJsonObject function {{QStringLiteral("name"), tool.name},
                                  {QStringLiteral("description"), tool.description}};
            function.insert(QStringLiteral("parameters"),
                            tool.parameters.isEmpty()
                                ? QJsonObject {{QStringLiteral("type"), QStringLiteral("object")},
                                               {QStringLiteral("properties"), QJsonObject {}}}
                                : tool.parameters);
            tools.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("function")},
                                      {QStringLiteral("function"), function}});
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    if (request.temperature)
        body.insert(QStringLiteral("temperature"), *request.temperature);
    if (request.maxTokens)
        body.insert(QStringLiteral("max_tokens"), *request.maxTokens);
    body.insert(QStringLiteral("stream"), true);
    body.insert(QStringLiteral("stream_options"),
                QJsonObject {{QStringLiteral("include_usage"), true}});
    return body;
}

void OpenAiChatModel::complete(const ChatRequest &request, Done done)
{
    start(request, {}, std::move(done));
}

void OpenAiChatModel::completeCall(const ModelCallContext &context, const ChatRequest &request,
                                   Done done)
{
    start(request, context.onDelta, std::move(done));
}

void OpenAiChatModel::start(const ChatRequest &request,
                            std::function<void(const QString &)> onDelta, Done done)
{
    Q_ASSERT(QThread::currentThread() == thread());
    auto call = std::make_shared<Call>();
    call->request = request;
    call->onDelta = std::move(onDelta);
    call->model = request.model.isEmpty() ? m_config.model : request.model;
    call->done = std::move(done);
    call->started.start();

    if (!m_config.baseUrl.isValid() || m_config.baseUrl.scheme().isEmpty() ||
        m_config.baseUrl.host().isEmpty()) {
        deliverLater(std::move(call->done),
                     makeError(ErrorCode::InvalidArgument,
                               QStringLiteral("The model server URL \"%1\" is not a valid http(s) "
                                              "URL; set OPENAI_BASE_URL, e.g. "
                                              "http://127.0.0.1:11434/v1")
                                   .arg(urlText()),
                               *call));
        return;
    }
    call->body = QJsonDocument(requestBody(request)).toJson(QJsonDocument::Compact);
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    sendAttempt(call);
}

void OpenAiChatModel::sendAttempt(const std::shared_ptr<Call> &call)
{
    QNetworkRequest request(endpoint());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("Accept"),
                         QByteArrayLiteral("text/event-stream, application/json"));
    if (!m_config.apiKey.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ") + m_config.apiKey.toUtf8());
    call->timedOut = false;
    call->stream = {};

    QNetworkReply *reply = m_network->post(request, call->body);
    // Our own timer rather than setTransferTimeout(): it bounds the whole attempt (a server
    // that trickles bytes forever included) and tells a timeout apart from other aborts.
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [call, reply]() {
        call->timedOut = true;
        reply->abort();
    });
    timer->start(std::max(1, m_config.timeoutMs));
    connect(reply, &QNetworkReply::readyRead, this,
            [this, call, reply]() { readStream(call, reply); });
    connect(reply, &QNetworkReply::finished, this,
            [this, call, reply]() { handleFinished(call, reply); });
}

// Reads the chunks that arrived so far when the answer is an event stream; anything else
// (an error status, a plain JSON body) is left for handleFinished() to read whole.
void OpenAiChatModel::readStream(const std::shared_ptr<Call> &call, QNetworkReply *reply)
{
    Call::Stream &stream = call->stream;
    if (!stream.active) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray type = reply->rawHeader(QByteArrayLiteral("Content-Type")).toLower();
        if (status < 200 || status >= 300 || !type.contains("text/event-stream"))
            return;
        stream.active = true;
    }
    if (!reply->isOpen())
        return;
    stream.buffer += reply->readAll();
    readStreamLines(*call);
}

// Splits the buffered bytes into lines and events; a partial last line stays buffered.
void OpenAiChatModel::readStreamLines(Call &call)
{
    Call::Stream &stream = call.stream;
    qsizetype from = 0;
    for (;;) {
        const qsizetype end = stream.buffer.indexOf('\n', from);
        if (end < 0)
            break;
        QByteArray line = stream.buffer.mid(from, end - from);
        from = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            takeStreamEvent(call); // a blank line ends an event
        } else if (line.startsWith("data:")) {
            QByteArray value = line.mid(5);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (!stream.data.isEmpty())
                stream.data += '\n';
            stream.data += value;
        }
        // Comments (":"), "event:", "id:" and "retry:" lines carry nothing for us.
    }
    stream.buffer.remove(0, from);
}

// One server-sent event: "[DONE]" or a chat.completion.chunk whose pieces are merged.
void OpenAiChatModel::takeStreamEvent(Call &call)
{
    Call::Stream &stream = call.stream;
    const QByteArray data = std::exchange(stream.data, {});
    if (data.isEmpty() || stream.error)
        return;
    if (data.trimmed() == "[DONE]") {
        stream.sawDone = true;
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        stream.error = makeError(
            ErrorCode::Network,
            QStringLiteral("The model server at %1 sent a stream chunk that is not a JSON "
                           "object: %2")
                .arg(urlText(), redacted(shortened(QString::fromUtf8(data), 200))),
            call, 200);
        return;
    }
    const QJsonObject chunk = doc.object();
    if (chunk.contains(QStringLiteral("error"))) {
        stream.error = makeError(ErrorCode::Network,
                                 QStringLiteral("The model server at %1 failed while streaming "
                                                "the reply of model \"%2\": %3")
                                     .arg(urlText(), call.model, redacted(serverMessage(data))),
                                 call, 200);
        return;
    }
    ++stream.chunks;
    const QString model = chunk.value(QStringLiteral("model")).toString();
    if (!model.isEmpty())
        stream.model = model;
    const QJsonValue usage = chunk.value(QStringLiteral("usage"));
    if (usage.isObject())
        stream.usage = usage.toObject();
    const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty())
        return; // the usage chunk
    const QJsonObject choice = choices.first().toObject();
    const QString finish = choice.value(QStringLiteral("finish_reason")).toString();
    if (!finish.isEmpty())
        stream.finishReason = finish;
    const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
    const QString text = contentText(delta.value(QStringLiteral("content")));
    const QJsonArray calls = delta.value(QStringLiteral("tool_calls")).toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject piece = calls.at(i).toObject();
        const int index = piece.value(QStringLiteral("index")).toInt(int(i));
        QJsonObject &merged = stream.toolCalls[index];
        QJsonObject function = merged.value(QStringLiteral("function")).toObject();
        const QJsonObject pieceFunction = piece.value(QStringLiteral("function")).toObject();
        const QString id = piece.value(QStringLiteral("id")).toString();
        if (!id.isEmpty() && merged.value(QStringLiteral("id")).toString().isEmpty())
            merged.insert(QStringLiteral("id"), id);
        const QString name = pieceFunction.value(QStringLiteral("name")).toString();
        if (!name.isEmpty() && function.value(QStringLiteral("name")).toString().isEmpty())
            function.insert(QStringLiteral("name"), name);
        function.insert(QStringLiteral("arguments"),
                        function.value(QStringLiteral("arguments")).toString() +
                            pieceFunction.value(QStringLiteral("arguments")).toString());
        merged.insert(QStringLiteral("type"), QStringLiteral("function"));
        merged.insert(QStringLiteral("function"), function);
    }
    if (!text.isEmpty()) {
        stream.content += text;
        if (call.onDelta)
            call.onDelta(text);
    }
}

// The streamed answer as one ChatReply, parsed exactly like an unstreamed completion; or why
// the stream is not a whole answer.
Result<ChatReply> OpenAiChatModel::finishStream(const Call &call, const QNetworkReply &reply) const
{
    const Call::Stream &stream = call.stream;
    if (stream.error)
        return *stream.error;
    const bool dropped = reply.error() != QNetworkReply::NoError;
    if (!stream.sawDone && (dropped || stream.finishReason.isEmpty())) {
        // Qt does not always report a connection closed inside a chunked body as an error,
        // so both read the same.
        const QString why = !dropped || reply.error() == QNetworkReply::RemoteHostClosedError
                                ? QStringLiteral(
                                      "the stream ended before its finish reason or [DONE]; the "
                                      "server closed or dropped the connection")
                                : redacted(reply.errorString());
        return makeError(ErrorCode::Network,
                         QStringLiteral("The model server at %1 stopped streaming the reply of "
                                        "model \"%2\" before it was complete (after %3 "
                                        "chunk(s)): %4")
                             .arg(urlText(), call.model, QString::number(stream.chunks), why),
                         call, 200);
    }
    QJsonObject message {{QStringLiteral("role"), QStringLiteral("assistant")},
                         {QStringLiteral("content"), stream.content}};
    if (!stream.toolCalls.isEmpty()) {
        QJsonArray calls;
        for (const QJsonObject &merged : stream.toolCalls)
            calls.append(merged);
        message.insert(QStringLiteral("tool_calls"), calls);
    }
    QJsonObject root {
        {QStringLiteral("choices"),
         QJsonArray {QJsonObject {{QStringLiteral("message"), message},
                                  {QStringLiteral("finish_reason"), stream.finishReason}}}}};
    if (!stream.model.isEmpty())
        root.insert(QStringLiteral("model"), stream.model);
    if (!stream.usage.isEmpty())
        root.insert(QStringLiteral("usage"), stream.usage);
    return parseCompletion(call, root, QJsonDocument(root).toJson(QJsonDocument::Compact));
}

void OpenAiChatModel::handleFinished(const std::shared_ptr<Call> &call, QNetworkReply *reply)
{
    reply->deleteLater();
    if (auto *timer = reply->findChild<QTimer *>())
        timer->stop();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // Chunks that arrived with the end of the answer.
    readStream(call, reply);
    // An aborted (timed out) reply is closed; reading it would only log a warning.
    const QByteArray body = reply->isOpen() && !call->stream.active ? reply->readAll()
                                                                    : QByteArray();
    const int attempts = call->attempt + 1;

    if (call->timedOut) {
        call->done(makeError(ErrorCode::Timeout,
                             QStringLiteral("The model server at %1 did not answer within %2 ms "
                                            "(model \"%3\"); is it overloaded, or is the "
                                            "timeout too short for this model?")
                                 .arg(urlText(), QString::number(m_config.timeoutMs), call->model),
                             *call));
        return;
    }

    if (status == 0) {
        call->done(makeError(ErrorCode::Network,
                             QStringLiteral("Could not reach the model server at %1: %2")
                                 .arg(urlText(), unreachableReason(*reply)),
                             *call));
        return;
    }

    if (status == 429 || status >= 500) {
        if (call->attempt < m_config.maxRetries) {
            const int delayMs = retryDelayMs(*reply, call->attempt);
            qCInfo(lcOpenAi).noquote()
                << "HTTP" << status << "from" << urlText() << "- retrying in" << delayMs
                << "ms (attempt" << attempts + 1 << "of" << m_config.maxRetries + 1 << ")";
            ++call->attempt;
            QTimer::singleShot(delayMs, this, [this, call]() { sendAttempt(call); });
            return;
        }
        const QString what = status == 429 ? QStringLiteral("is rate limiting requests (HTTP 429)")
                                           : QStringLiteral("failed with HTTP %1").arg(status);
        call->done(makeError(
            ErrorCode::Network,
            QStringLiteral("The model server at %1 %2; gave up after %3 "
                           "attempt(s): %4")
                .arg(urlText(), what, QString::number(attempts), redacted(serverMessage(body))),
            *call, status));
        return;
    }

    if (status < 200 || status >= 300) {
        call->done(rejectionError(*call, status, body));
        return;
    }

    if (call->stream.active) {
        // An event that was not followed by a blank line before the end.
        call->stream.buffer += "\n\n";
        readStreamLines(*call);
    }
    Result<ChatReply> parsed = call->stream.active ? finishStream(*call, *reply)
                                                   : parseReply(*call, body);
    if (parsed)
        parsed->latencyMs = call->started.elapsed();
    call->done(std::move(parsed));
}

// Why a reply without an HTTP status never reached the server, in words a user can act on.
QString OpenAiChatModel::unreachableReason(const QNetworkReply &reply) const
{
    switch (reply.error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused. Is the server running, and is "
                              "OPENAI_BASE_URL right?");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host \"%1\" not found").arg(m_config.baseUrl.host());
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("the server closed the connection without answering");
    default:
        return redacted(reply.errorString());
    }
}

// The server's Retry-After (seconds or an HTTP date) when it sent one, else exponential
// backoff; never more than maxBackoffMs.
int OpenAiChatModel::retryDelayMs(const QNetworkReply &reply, int attempt) const
{
    const QByteArray retryAfter = reply.rawHeader(QByteArrayLiteral("Retry-After"));
    bool isSeconds = false;
    const double seconds = retryAfter.trimmed().toDouble(&isSeconds);
    if (isSeconds && seconds >= 0)
        return int(std::min<double>(seconds * 1000.0, m_config.maxBackoffMs));
    if (!retryAfter.isEmpty()) {
        const QDateTime when = QDateTime::fromString(QString::fromLatin1(retryAfter),
                                                     Qt::RFC2822Date);
        return when.isValid()
                   ? int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().msecsTo(when), 0,
                                            m_config.maxBackoffMs))
                   : m_config.initialBackoffMs;
    }
    const qint64 backoff = qint64(m_config.initialBackoffMs) << std::min(attempt, 20);
    return int(std::min<qint64>(backoff, m_config.maxBackoffMs));
}

// A 4xx (other than 429) that retrying will not fix: say what to change.
Error OpenAiChatModel::rejectionError(const Call &call, int status, const QByteArray &body) const
{
    if (status == 401 || status == 403) {
        // The server's text is left out: for 401 it often quotes part of the key.
        const QString message =
            m_config.apiKey.isEmpty()
                ? QStringLiteral("The model server at %1 requires an API key (HTTP %2) and none is "
                                 "set; set OPENAI_API_KEY.")
                      .arg(urlText(), QString::number(status))
                : QStringLiteral("The model server at %1 rejected the API key (HTTP %2%3); check "
                                 "OPENAI_API_KEY and that the key may use model \"%4\".")
                      .arg(urlText(), QString::number(status),
                           status == 403 ? QStringLiteral(", access denied") : QString(),
                           call.model);
        return makeError(ErrorCode::InvalidArgument, message, call, status);
    }
    if (status == 404) {
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("Model \"%1\" not found at %2 (HTTP 404: %3); check "
                                        "OPENAI_MODEL, and that OPENAI_BASE_URL points at "
                                        "the API root (it usually ends in /v1).")
                             .arg(call.model, endpoint().toString(QUrl::RemoveUserInfo),
                                  redacted(serverMessage(body))),
                         call, status);
    }
    return makeError(
        ErrorCode::InvalidArgument,
        QStringLiteral("The model server at %1 rejected the request for "
                       "model \"%2\" (HTTP %3): %4")
            .arg(urlText(), call.model, QString::number(status), redacted(serverMessage(body))),
        call, status);
}

// An answer that is not a chat completion, with why and how its body starts.
Error OpenAiChatModel::notACompletion(const Call &call, const QByteArray &body,
                                      const QString &why) const
{
    return makeError(ErrorCode::Network,
                     QStringLiteral("The model server at %1 answered with something that "
                                    "is not a chat completion (%2). The body starts with: %3")
                         .arg(urlText(), why, redacted(shortened(QString::fromUtf8(body), 200))),
                     call, 200);
}

Result<ChatReply> OpenAiChatModel::parseReply(const Call &call, const QByteArray &body) const
{
    const auto malformed = [this, &call, &body](const QString &why) {
        return notACompletion(call, body, why);
    };

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return malformed(QStringLiteral("not JSON: %1 at offset %2")
                             .arg(parseError.errorString(), QString::number(parseError.offset)));
    }
    if (!doc.isObject())
        return malformed(QStringLiteral("not a JSON object"));
    return parseCompletion(call, doc.object(), body);
}

Result<ChatReply> OpenAiChatModel::parseCompletion(const Call &call, const QJsonObject &root,
                                                   const QByteArray &body) const
{
    const auto malformed = [this, &call, &body](const QString &why) {
        return notACompletion(call, body, why);
    };
    const QJsonArray choices = root.value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty() || !choices.first().isObject())
        return malformed(QStringLiteral("no \"choices\""));
    const QJsonObject choice = choices.first().toObject();
    const QJsonValue messageValue = choice.value(QStringLiteral("message"));
    if (!messageValue.isObject())
        return malformed(QStringLiteral("the first choice has no \"message\""));
    const QJsonObject message = messageValue.toObject();

    ChatReply reply;
    reply.content = contentText(message.value(QStringLiteral("content")));
    const QJsonArray calls = message.value(QStringLiteral("tool_calls")).toArray();
    for (const QJsonValue &value : calls) {
        const QJsonObject wire = value.toObject();
        const QJsonObject function = wire.value(QStringLiteral("function")).toObject();
        ToolCall call;
        call.id = wire.value(QStringLiteral("id")).toString();
        call.name = function.value(QStringLiteral("name")).toString();
        if (call.name.isEmpty())
            return malformed(QStringLiteral("a tool call has no function name"));
        const QJsonValue arguments = function.value(QStringLiteral("arguments"));
        if (arguments.isObject()) {
            call.arguments = arguments.toObject();
        } else if (arguments.isString() && !arguments.toString().trimmed().isEmpty()) {
            QJsonParseError argumentsError;
            const QJsonDocument argumentsDoc = QJsonDocument::fromJson(
                arguments.toString().toUtf8(), &argumentsError);
            if (argumentsError.error != QJsonParseError::NoError || !argumentsDoc.isObject()) {
                return malformed(QStringLiteral("the arguments of tool call \"%1\" are not a "
                                                "JSON object: %2")
                                     .arg(call.name, shortened(arguments.toString(), 120)));
            }
            call.arguments = argumentsDoc.object();
        }
        reply.toolCalls.append(call);
    }
    reply.finishReason = choice.value(QStringLiteral("finish_reason")).toString();
    const QJsonObject usage = root.value(QStringLiteral("usage")).toObject();
    reply.usage.promptTokens = usage.value(QStringLiteral("prompt_tokens")).toInt();
    reply.usage.completionTokens = usage.value(QStringLiteral("completion_tokens")).toInt();
    reply.usage.totalTokens = usage.value(QStringLiteral("total_tokens"))
                                  .toInt(reply.usage.promptTokens + reply.usage.completionTokens);
    reply.model = root.value(QStringLiteral("model")).toString(call.model);
    reply.provider = s_provider;
    reply.scripted = false;
    return reply;
}

Error OpenAiChatModel::makeError(ErrorCode code, const QString &message, const Call &call,
                                 int httpStatus) const
{
    Error error(code, redacted(message));
    error.withContext(QStringLiteral("provider"), s_provider);
    error.withContext(QStringLiteral("url"), endpoint().toString(QUrl::RemoveUserInfo));
    error.withContext(QStringLiteral("model"), call.model);
    error.withContext(QStringLiteral("attempts"), call.attempt + 1);
    if (httpStatus != 0)
        error.withContext(QStringLiteral("httpStatus"), httpStatus);
    return error;
}

QString OpenAiChatModel::redacted(QString text) const
{
    // Belt and braces: servers and Qt error strings sometimes echo request details back.
    // Very short "keys" (test placeholders) are not replaced to keep messages readable.
    if (m_config.apiKey.size() >= 6)
        text.replace(m_config.apiKey, QStringLiteral("[redacted]"));
    return text;
}

} // namespace Durable
