// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QTcpSocket>

namespace DurableCliTest {

// One HTTP/1.1 response as the test client parsed it.
struct HttpTestResponse
{
    int status = 0; // 0: no (complete) response
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const;
    QJsonObject json() const;
    QString errorCode() const;
    QString errorMessage() const;
};

// A small keep-alive HTTP client on a QTcpSocket that waits by spinning the calling thread's
// event loop, so it also works against a server living on the same thread.
class HttpTestClient
{
public:
    explicit HttpTestClient(quint16 port, QByteArray token = {});

    HttpTestResponse get(const QByteArray &path);
    HttpTestResponse post(const QByteArray &path, const QByteArray &body);
    // Sends raw bytes and reads one response.
    HttpTestResponse exchange(const QByteArray &request, int timeoutMs = 10000);

    // Sends a request and reads raw bytes until marker shows up (server-sent events).
    void send(const QByteArray &request);
    QByteArray readUntil(const QByteArray &marker, int timeoutMs = 10000);

    static QByteArray request(const QByteArray &method, const QByteArray &path,
                              const QByteArray &body = {}, const QByteArray &token = {});

private:
    bool ensureConnected();
    bool take(HttpTestResponse &response);

    quint16 m_port;
    QByteArray m_token;
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

} // namespace DurableCliTest
