// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace Durable::Testing {

// What the fake server does with one request.
struct FakeResponse
{
    enum class Kind { Http, NeverAnswer, CloseConnection };
    Kind kind = Kind::Http;
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

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

private:
    void handleConnection();
    void handleData(QTcpSocket *socket);
    void respond(QTcpSocket *socket, const FakeResponse &response);

    QTcpServer *m_server;
    QList<FakeResponse> m_queue;
    FakeResponse m_default;
    QList<ReceivedRequest> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace Durable::Testing
