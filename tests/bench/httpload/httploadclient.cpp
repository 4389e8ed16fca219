// SPDX-License-Identifier: MIT
#include "httploadclient.h"
#include <QEventLoop>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>

namespace Durable {

namespace {

constexpr int s_maxErrorsKept = 10;

} // namespace

// One keep-alive connection with at most one request in flight.
struct HttpLoadClient::Connection
{
    QTcpSocket *socket = nullptr;
    QByteArray buffer;
    qint64 index = -1; // request in flight, -1 when idle
    qint64 sentAtNs = 0;
    bool closeAfterReply = false;
};

HttpLoadClient::HttpLoadClient(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{ }

HttpLoadClient::~HttpLoadClient() = default;

QString HttpLoadClient::Report::summary() const
{
    QStringList statuses;
    for (auto it = statusCounts.cbegin(); it != statusCounts.cend(); ++it)
        statuses.append(QStringLiteral("%1x%2").arg(it.key()).arg(it.value()));
    return QStringLiteral("%1 replies, %2 failed, %3 mismatched%4 in %5 ms: %6 req/s, latency "
                          "p50 %7 us, p99 %8 us, max %9 us; statuses %10")
        .arg(completed)
        .arg(failed)
        .arg(mismatches)
        .arg(timedOut ? QStringLiteral(" (timed out)") : QString())
        .arg(elapsedNs / 1000000.0, 0, 'f', 1)
        .arg(requestsPerSecond, 0, 'f', 0)
        .arg(latencyP50Us)
        .arg(latencyP99Us)
        .arg(latencyMaxUs)
        .arg(statuses.join(QLatin1Char(' ')));
}

void HttpLoadClient::start()
{
    Q_ASSERT(!m_running);
    m_report = Report();
    m_latenciesNs.clear();
    m_latenciesNs.reserve(size_t(qMax<qint64>(m_options.totalRequests, 0)));
    m_issued = 0;
    m_done = 0;
    m_running = true;
    m_clock.start();
    m_timeout = new QTimer(this);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this]() { finish(true); });
    m_timeout->start(m_options.timeoutMs);

    if (m_options.totalRequests <= 0) {
        QMetaObject::invokeMethod(
            this, [this]() { finish(false); }, Qt::QueuedConnection);
        return;
    }
    const int count = int(qMin<qint64>(qMax(1, m_options.connections), m_options.totalRequests));
    for (int i = 0; i < count; ++i) {
        m_connections.push_back(std::make_unique<Connection>());
        connectSocket(m_connections.back().get());
    }
}

HttpLoadClient::Report HttpLoadClient::run()
{
    QEventLoop loop;
    connect(this, &HttpLoadClient::finished, &loop, &QEventLoop::quit);
    start();
    if (m_running)
        loop.exec();
    return m_report;
}

void HttpLoadClient::connectSocket(Connection *connection)
{
    if (connection->socket) {
        connection->socket->disconnect(this);
        connection->socket->abort();
        connection->socket->deleteLater();
    }
    connection->buffer.clear();
    connection->closeAfterReply = false;
    auto *socket = new QTcpSocket(this);
    connection->socket = socket;
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::connected, this, [this, connection]() { sendNext(connection); });
    connect(socket, &QTcpSocket::readyRead, this,
            [this, connection]() { readReplies(connection); });
    connect(socket, &QTcpSocket::errorOccurred, this,
            [this, connection, socket](QAbstractSocket::SocketError) {
                // A late signal from a socket this connection already replaced.
                if (connection->socket != socket)
                    return;
                failConnection(connection, socket->errorString());
            });
    socket->connectToHost(m_options.address, m_options.port);
}

void HttpLoadClient::sendNext(Connection *connection)
{
    if (!m_running || m_issued >= m_options.totalRequests) {
        connection->index = -1;
        if (connection->socket)
            connection->socket->disconnectFromHost();
        return;
    }
    const qint64 index = m_issued++;
    const QByteArray path = m_options.pathFor ? m_options.pathFor(index) : m_options.path;
    QByteArray request;
    request.reserve(128 + path.size() + m_options.body.size());
    request += m_options.method + ' ' + path +
               " HTTP/1.1\r\nHost: " + m_options.address.toString().toLatin1() + "\r\n";
    for (const auto &header : m_options.headers)
        request += header.first + ": " + header.second + "\r\n";
    if (!m_options.body.isEmpty() || m_options.method == "POST" || m_options.method == "PUT")
        request += "Content-Length: " + QByteArray::number(m_options.body.size()) + "\r\n";
    request += "\r\n";
    request += m_options.body;
    connection->index = index;
    connection->sentAtNs = m_clock.nsecsElapsed();
    connection->socket->write(request);
}

void HttpLoadClient::readReplies(Connection *connection)
{
    connection->buffer += connection->socket->readAll();
    while (connection->index >= 0) {
        const qsizetype headEnd = connection->buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArrayView head(connection->buffer.constData(), headEnd);
        if (!head.startsWith("HTTP/1.") || head.size() < 12) {
            failConnection(connection, QStringLiteral("Malformed status line in reply"));
            return;
        }
        bool ok = false;
        const int status = head.sliced(9, 3).toInt(&ok);
        if (!ok) {
            failConnection(connection, QStringLiteral("Malformed status code in reply"));
            return;
        }
        qint64 contentLength = 0;
        bool close = false;
        qsizetype lineStart = head.indexOf("\r\n") + 2;
        while (lineStart > 1 && lineStart < head.size()) {
            qsizetype lineEnd = head.indexOf("\r\n", lineStart);
            if (lineEnd < 0)
                lineEnd = head.size();
            const QByteArrayView line = head.sliced(lineStart, lineEnd - lineStart);
            const qsizetype colon = line.indexOf(':');
            if (colon > 0) {
                const QByteArrayView name = line.first(colon);
                const QByteArrayView value = line.sliced(colon + 1).trimmed();
                if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                    contentLength = value.toLongLong();
                else if (name.compare("connection", Qt::CaseInsensitive) == 0)
                    close = value.compare("close", Qt::CaseInsensitive) == 0;
            }
            lineStart = lineEnd + 2;
        }
        const qsizetype total = headEnd + 4 + contentLength;
        if (connection->buffer.size() < total)
            return;

        const qint64 latency = m_clock.nsecsElapsed() - connection->sentAtNs;
        m_latenciesNs.push_back(latency);
        ++m_report.completed;
        ++m_report.statusCounts[status];
        if (m_options.check &&
            !m_options.check(connection->index, status,
                             connection->buffer.sliced(headEnd + 4, contentLength))) {
            ++m_report.mismatches;
        }
        connection->buffer.remove(0, total);
        connection->index = -1;
        ++m_done;
        if (m_done >= m_options.totalRequests) {
            finish(false);
            return;
        }
        if (close) {
            connectSocket(connection);
            return;
        }
        sendNext(connection);
    }
}

void HttpLoadClient::failConnection(Connection *connection, const QString &message)
{
    if (!m_running)
        return;
    if (connection->index >= 0) {
        addError(message);
        ++m_report.failed;
        ++m_done;
        connection->index = -1;
    }
    if (m_done >= m_options.totalRequests) {
        finish(false);
        return;
    }
    if (m_issued < m_options.totalRequests) {
        // The server may close idle or errored connections: carry on with a fresh one.
        QMetaObject::invokeMethod(
            this,
            [this, connection]() {
                if (m_running)
                    connectSocket(connection);
            },
            Qt::QueuedConnection);
    }
}

void HttpLoadClient::addError(const QString &message)
{
    if (m_report.errors.size() < s_maxErrorsKept)
        m_report.errors.append(message);
}

void HttpLoadClient::finish(bool timedOut)
{
    if (!m_running)
        return;
    m_running = false;
    m_report.elapsedNs = m_clock.nsecsElapsed();
    m_report.timedOut = timedOut;
    if (timedOut) {
        m_report.failed += m_options.totalRequests - m_done;
        addError(QStringLiteral("Timed out after %1 ms with %2 of %3 requests answered")
                     .arg(m_options.timeoutMs)
                     .arg(m_done)
                     .arg(m_options.totalRequests));
    }
    if (m_report.elapsedNs > 0)
        m_report.requestsPerSecond = double(m_report.completed) * 1e9 / double(m_report.elapsedNs);
    if (!m_latenciesNs.empty()) {
        std::sort(m_latenciesNs.begin(), m_latenciesNs.end());
        const auto at = [this](double fraction) {
            const size_t index = std::min(m_latenciesNs.size() - 1,
                                          size_t(fraction * double(m_latenciesNs.size())));
            return m_latenciesNs[index] / 1000;
        };
        m_report.latencyP50Us = at(0.50);
        m_report.latencyP99Us = at(0.99);
        m_report.latencyMaxUs = m_latenciesNs.back() / 1000;
    }
    delete m_timeout;
    m_timeout = nullptr;
    for (const auto &connection : m_connections) {
        if (connection->socket) {
            connection->socket->disconnect(this);
            connection->socket->abort();
            connection->socket->deleteLater();
            connection->socket = nullptr;
        }
    }
    m_connections.clear();
    Q_EMIT finished();
}

} // namespace Durable
