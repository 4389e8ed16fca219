// SPDX-License-Identifier: MIT
#include "fakeopenaiserver.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace Durable::Testing {

namespace {

QByteArray completion(const QJsonObject &message, const QString &finishReason, const QString &model)
{
    const QJsonObject body {
        {QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
        {QStringLiteral("object"), QStringLiteral("chat.completion")},
        {QStringLiteral("created"), 1700000000},
        {QStringLiteral("model"), model},
        {QStringLiteral("choices"),
         QJsonArray {QJsonObject {{QStringLiteral("index"), 0},
                                  {QStringLiteral("message"), message},
                                  {QStringLiteral("finish_reason"), finishReason}}}},
        {QStringLiteral("usage"), QJsonObject {{QStringLiteral("prompt_tokens"), 12},
                                               {QStringLiteral("completion_tokens"), 5},
                                               {QStringLiteral("total_tokens"), 17}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 418:
        return "I'm a teapot";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

FakeResponse FakeResponse::text(const QString &content, const QString &model)
{
    FakeResponse response;
    response.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    response.body = completion(QJsonObject {{QStringLiteral("role"), QStringLiteral("assistant")},
                                            {QStringLiteral("content"), content}},
                               QStringLiteral("stop"), model);
    return response;
}

FakeResponse FakeResponse::toolCalls(const QJsonArray &calls, const QString &model)
{
    FakeResponse response;
    response.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    response.body = completion(QJsonObject {{QStringLiteral("role"), QStringLiteral("assistant")},
                                            {QStringLiteral("content"), QJsonValue::Null},
                                            {QStringLiteral("tool_calls"), calls}},
                               QStringLiteral("tool_calls"), model);
    return response;
}

FakeResponse FakeResponse::error(int status, const QString &message)
{
    FakeResponse response;
    response.status = status;
    response.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    response.body = QJsonDocument(QJsonObject {{QStringLiteral("error"),
                                                QJsonObject {{QStringLiteral("message"), message},
                                                             {QStringLiteral("type"),
                                                              QStringLiteral("fake")}}}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

FakeResponse FakeResponse::rateLimited(int retryAfterSeconds)
{
    FakeResponse response = error(429, QStringLiteral("Rate limit reached"));
    response.headers.append(
        qMakePair(QByteArray("Retry-After"), QByteArray(QByteArray::number(retryAfterSeconds))));
    return response;
}

FakeResponse FakeResponse::raw(int status, const QByteArray &body, const QByteArray &contentType)
{
    FakeResponse response;
    response.status = status;
    response.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray(contentType)));
    response.body = body;
    return response;
}

QJsonObject FakeResponse::chunk(const QJsonObject &delta, const QString &finishReason,
                                const QString &model)
{
    return QJsonObject {
        {QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
        {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
        {QStringLiteral("created"), 1700000000},
        {QStringLiteral("model"), model},
        {QStringLiteral("choices"),
         QJsonArray {QJsonObject {
             {QStringLiteral("index"), 0},
             {QStringLiteral("delta"), delta},
             {QStringLiteral("finish_reason"),
              finishReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(finishReason)}}}},
        {QStringLiteral("usage"), QJsonValue::Null}};
}

FakeResponse FakeResponse::stream(const QList<QJsonObject> &chunks, int paceMs)
{
    FakeResponse response;
    response.kind = Kind::Stream;
    response.paceMs = paceMs;
    for (const QJsonObject &chunk : chunks)
        response.events.append(QJsonDocument(chunk).toJson(QJsonDocument::Compact));
    response.events.append("[DONE]");
    return response;
}

FakeResponse FakeResponse::textStream(const QStringList &pieces, int paceMs, const QString &model)
{
    QList<QJsonObject> chunks {
        chunk(QJsonObject {{QStringLiteral("role"), QStringLiteral("assistant")},
                           {QStringLiteral("content"), QString()}},
              {}, model)};
    for (const QString &piece : pieces)
        chunks.append(chunk(QJsonObject {{QStringLiteral("content"), piece}}, {}, model));
    chunks.append(chunk(QJsonObject {}, QStringLiteral("stop"), model));
    QJsonObject usage = chunk(QJsonObject {}, {}, model);
    usage.insert(QStringLiteral("choices"), QJsonArray {});
    usage.insert(QStringLiteral("usage"), QJsonObject {{QStringLiteral("prompt_tokens"), 12},
                                                       {QStringLiteral("completion_tokens"), 5},
                                                       {QStringLiteral("total_tokens"), 17}});
    chunks.append(usage);
    return stream(chunks, paceMs);
}

FakeResponse FakeResponse::neverAnswer()
{
    FakeResponse response;
    response.kind = Kind::NeverAnswer;
    return response;
}

FakeResponse FakeResponse::closeConnection()
{
    FakeResponse response;
    response.kind = Kind::CloseConnection;
    return response;
}

QJsonObject ReceivedRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

FakeOpenAiServer::FakeOpenAiServer(QObject *parent)
    : QObject(parent), m_server(new QTcpServer(this))
{
    m_default = FakeResponse::error(418, QStringLiteral("fake server: no scripted response left"));
    connect(m_server, &QTcpServer::newConnection, this, &FakeOpenAiServer::handleConnection);
}

FakeOpenAiServer::~FakeOpenAiServer() = default;

bool FakeOpenAiServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 FakeOpenAiServer::port() const
{
    return m_server->serverPort();
}

QUrl FakeOpenAiServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port()));
}

void FakeOpenAiServer::enqueue(const FakeResponse &response)
{
    m_queue.append(response);
}

void FakeOpenAiServer::setDefaultResponse(const FakeResponse &response)
{
    m_default = response;
}

void FakeOpenAiServer::handleConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket]() { handleData(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket]() {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeOpenAiServer::handleData(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    ReceivedRequest request;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.path = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            request.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                   lines.at(i).mid(colon + 1).trimmed());
    }
    const qsizetype length = request.headers.value("content-length", "0").toLongLong();
    if (buffer.size() < headerEnd + 4 + length)
        return; // body still arriving
    request.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, headerEnd + 4 + length);

    m_requests.append(request);
    const FakeResponse response = m_queue.isEmpty() ? m_default : m_queue.takeFirst();
    respond(socket, response);
    emit requestReceived();
}

void FakeOpenAiServer::respond(QTcpSocket *socket, const FakeResponse &response)
{
    switch (response.kind) {
    case FakeResponse::Kind::NeverAnswer:
        return; // the socket stays open until the client gives up or the server is destroyed
    case FakeResponse::Kind::CloseConnection:
        socket->abort();
        return;
    case FakeResponse::Kind::Stream:
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                      "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n"
                      "Connection: close\r\n\r\n");
        sendStream(socket, response, int(m_requests.size()) - 1, 0);
        return;
    case FakeResponse::Kind::Http:
        break;
    }
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reasonPhrase(response.status) + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += response.body;
    socket->write(out);
    socket->disconnectFromHost();
}

// Writes events from index on: all of them at once, or one now and the rest paced by a timer.
void FakeOpenAiServer::sendStream(QTcpSocket *socket, const FakeResponse &response, int request,
                                  int index)
{
    for (; index < response.events.size(); ++index) {
        if (response.abortAfter >= 0 && index >= response.abortAfter) {
            // Written data goes out first; the chunked body is never terminated.
            socket->disconnectFromHost();
            return;
        }
        const QByteArray event = "data: " + response.events.at(index) + "\n\n";
        socket->write(QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n");
        socket->flush();
        emit streamEventSent(request, index);
        if (response.paceMs > 0 && index + 1 < response.events.size()) {
            QTimer::singleShot(response.paceMs, socket, [this, socket, response, request, index]() {
                sendStream(socket, response, request, index + 1);
            });
            return;
        }
    }
    socket->write("0\r\n\r\n");
    socket->disconnectFromHost();
}

} // namespace Durable::Testing
