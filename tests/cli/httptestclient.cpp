// SPDX-License-Identifier: MIT
#include "httptestclient.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QSignalSpy>

namespace DurableCliTest {

QByteArray HttpTestResponse::header(QByteArrayView name) const
{
    for (const auto &header : headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

QJsonObject HttpTestResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpTestResponse::errorCode() const
{
    return json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

QString HttpTestResponse::errorMessage() const
{
    return json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

HttpTestClient::HttpTestClient(quint16 port, QByteArray token)
    : m_port(port), m_token(std::move(token))
{ }

QByteArray HttpTestClient::request(const QByteArray &method, const QByteArray &path,
                                   const QByteArray &body, const QByteArray &token)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.isEmpty())
        out += "Authorization: Bearer " + token + "\r\n";
    if (method == "POST" || !body.isEmpty())
        out += "Content-Type: application/json\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

HttpTestResponse HttpTestClient::get(const QByteArray &path)
{
    return exchange(request("GET", path, {}, m_token));
}

HttpTestResponse HttpTestClient::post(const QByteArray &path, const QByteArray &body)
{
    return exchange(request("POST", path, body, m_token));
}

bool HttpTestClient::ensureConnected()
{
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        return true;
    m_buffer.clear();
    m_socket.abort();
    m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
    QSignalSpy spy(&m_socket, &QTcpSocket::connected);
    return spy.wait(5000) || m_socket.state() == QAbstractSocket::ConnectedState;
}

void HttpTestClient::send(const QByteArray &bytes)
{
    if (!ensureConnected())
        return;
    m_socket.write(bytes);
    m_socket.flush();
}

HttpTestResponse HttpTestClient::exchange(const QByteArray &bytes, int timeoutMs)
{
    send(bytes);
    HttpTestResponse response;
    QDeadlineTimer deadline(timeoutMs);
    QSignalSpy readSpy(&m_socket, &QTcpSocket::readyRead);
    while (true) {
        m_buffer += m_socket.readAll();
        if (take(response))
            return response;
        if (deadline.hasExpired() || m_socket.state() == QAbstractSocket::UnconnectedState)
            return response;
        readSpy.wait(int(qMax<qint64>(1, qMin<qint64>(100, deadline.remainingTime()))));
    }
}

QByteArray HttpTestClient::readUntil(const QByteArray &marker, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QSignalSpy readSpy(&m_socket, &QTcpSocket::readyRead);
    while (true) {
        m_buffer += m_socket.readAll();
        if (m_buffer.contains(marker) || deadline.hasExpired() ||
            m_socket.state() == QAbstractSocket::UnconnectedState)
            return m_buffer;
        readSpy.wait(int(qMax<qint64>(1, qMin<qint64>(100, deadline.remainingTime()))));
    }
}

bool HttpTestClient::take(HttpTestResponse &response)
{
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    HttpTestResponse parsed;
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    parsed.status = lines.first().mid(9, 3).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        parsed.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    const qint64 length = parsed.header("content-length").toLongLong();
    if (m_buffer.size() < headEnd + 4 + length)
        return false;
    parsed.body = m_buffer.mid(headEnd + 4, length);
    m_buffer.remove(0, headEnd + 4 + length);
    response = parsed;
    return true;
}

} // namespace DurableCliTest
