// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace Durable::Testing {

// What the fake server does with one request.
struct FakeResponse
{
    enum class Kind { Http, NeverAnswer, CloseConnection, Stream };
    Kind kind = Kind::Http;
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Stream: the "data:" payloads sent as server-sent events (chunked transfer encoding),
    // one every paceMs (all at once when 0); with abortAfter >= 0 the connection is closed
    // after that many events, mid-body.
    QList<QByteArray> events;
    int paceMs = 0;
    int abortAfter = -1;

    // A streamed answer: one chat.completion.chunk per chunk object, then "[DONE]".
    static FakeResponse stream(const QList<QJsonObject> &chunks, int paceMs = 0);
    // A streamed text answer: a role chunk, one chunk per piece, a finish_reason "stop" chunk,
    // a usage chunk (12/5/17) and "[DONE]".
    static FakeResponse textStream(const QStringList &pieces, int paceMs = 0,
                                   const QString &model = QStringLiteral("fake-model"));
    // chat.completion.chunk with delta and finish reason (null when empty).
    static QJsonObject chunk(const QJsonObject &delta, const QString &finishReason = {},
                             const QString &model = QStringLiteral("fake-model"));

    // A chat completion with text content.
    static FakeResponse text(const QString &content,
                             const QString &model = QStringLiteral("fake-model"));
    // A chat completion whose message calls tools; calls are OpenAI wire objects
    // ({"id","type":"function","function":{"name","arguments":"<json string>"}}).
    static FakeResponse toolCalls(const QJsonArray &calls,
                                  const QString &model = QStringLiteral("fake-model"));
    // An OpenAI-style error body {"error":{"message":...}} with the given status.
    static FakeResponse error(int status, const QString &message);
    // 429 with a Retry-After header (seconds).
    static FakeResponse rateLimited(int retryAfterSeconds);
    static FakeResponse raw(int status, const QByteArray &body,
                            const QByteArray &contentType = QByteArrayLiteral("text/plain"));
    static FakeResponse neverAnswer();
    static FakeResponse closeConnection();
};

struct ReceivedRequest
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;

    QJsonObject json() const;
};

// A scriptable OpenAI-compatible HTTP server for tests, listening on 127.0.0.1 at an ephemeral
// port only. Each request takes the next queued FakeResponse; when the queue is empty the
// default response is used (HTTP 418 explaining that nothing was scripted, unless changed).
// Every connection is answered once and then closed. Records every request it received.
class FakeOpenAiServer : public QObject
{
    Q_OBJECT
public:
    explicit FakeOpenAiServer(QObject *parent = nullptr);
    ~FakeOpenAiServer() override;

    bool listen();
    quint16 port() const;
    // http://127.0.0.1:<port>/v1
    QUrl baseUrl() const;

    void enqueue(const FakeResponse &response);
    void setDefaultResponse(const FakeResponse &response);
    int queuedCount() const { return int(m_queue.size()); }
    QList<ReceivedRequest> requests() const { return m_requests; }

signals:
    void requestReceived();
    // A streamed event (index in FakeResponse::events) of the answer to request (index in
    // requests()) was written to the socket.
    void streamEventSent(int request, int index);

private:
    void handleConnection();
    void handleData(QTcpSocket *socket);
    void respond(QTcpSocket *socket, const FakeResponse &response);
    void sendStream(QTcpSocket *socket, const FakeResponse &response, int request, int index);

    QTcpServer *m_server;
    QList<FakeResponse> m_queue;
    FakeResponse m_default;
    QList<ReceivedRequest> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace Durable::Testing
