// SPDX-License-Identifier: MIT
#include "httpconnection.h"
#include "httprouter.h"

#include "httpserver.h"
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <climits>
#include <exception>

namespace Durable {

Q_LOGGING_CATEGORY(lcHttp, "durable.core.http")

namespace {

// Compares the whole length whatever the content, so response timing does not reveal how much
// of a guessed token was right.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    const qsizetype length = qMin(a.size(), b.size());
    for (qsizetype i = 0; i < length; ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

// The token of an "Authorization: Bearer <token>" value; the scheme is case-insensitive
// (RFC 9110 11.1). Empty when the value is not a bearer credential.
QByteArrayView bearerToken(QByteArrayView authorization)
{
    static constexpr QByteArrayView s_scheme("bearer ");
    if (authorization.size() <= s_scheme.size() ||
        authorization.first(s_scheme.size()).compare(s_scheme, Qt::CaseInsensitive) != 0)
        return {};
    QByteArrayView token = authorization.sliced(s_scheme.size());
    while (!token.isEmpty() && token.front() == ' ')
        token = token.sliced(1);
    return token;
}

// A client-chosen path can be as long as the head limit: log lines show its first 200 characters.
QString elidedPath(const HttpRequest &request)
{
    const QString path = request.path();
    return path.size() <= 200 ? path : path.first(200) + QStringLiteral("...");
}

bool isLoopback(const QHostAddress &address)
{
    if (address.isLoopback())
        return true;
    // An IPv4-mapped loopback (::ffff:127.0.0.1) is loopback too.
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    return isIpv4 && (ipv4 >> 24) == 127;
}

} // namespace

HttpServer::HttpServer(HttpServerOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_router(std::make_unique<HttpRouter>())
{
    if (m_options.maxPipelinedRequests < 1)
        m_options.maxPipelinedRequests = 1;
    m_expectedToken = m_options.token.toUtf8();
    m_clock.start();
}

HttpServer::~HttpServer()
{
    close();
}

void HttpServer::route(const QByteArray &method, const QString &pattern, HttpHandler handler)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString error = m_router->add(method, pattern, std::move(handler));
    if (!error.isEmpty()) {
        qCWarning(lcHttp).noquote() << "Ignoring invalid route:" << error;
        Q_ASSERT_X(false, "HttpServer::route", qPrintable(error));
    }
}

void HttpServer::routeUpgrade(const QString &pattern, HttpUpgradeHandler accept, HttpHandler refuse)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString error = m_router->add("GET", pattern, std::move(refuse), std::move(accept));
    if (!error.isEmpty()) {
        qCWarning(lcHttp).noquote() << "Ignoring invalid route:" << error;
        Q_ASSERT_X(false, "HttpServer::routeUpgrade", qPrintable(error));
    }
}

HttpSocketTaker HttpServer::upgrade(const HttpRequest &request) const
{
    if (request.method() != "GET" || !authorized(request))
        return {};
    const HttpRouter::Match match = m_router->match(request.method(), request.pathSegments());
    if (match.outcome != HttpRouter::Outcome::Found || !match.upgrade)
        return {};
    try {
        return (*match.upgrade)(request, match.params);
    } catch (...) {
        return {}; // refuse() answers it, through dispatch()'s own error handling
    }
}

bool HttpServer::authorized(const HttpRequest &request) const
{
    if (m_expectedToken.isEmpty())
        return true;
    if (constantTimeEquals(bearerToken(request.header("authorization")), m_expectedToken))
        return true;
    const QString queryToken = request.query().queryItemValue(QStringLiteral("access_token"),
                                                              QUrl::FullyDecoded);
    return !queryToken.isEmpty() && constantTimeEquals(queryToken.toUtf8(), m_expectedToken);
}

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString where = QStringLiteral("%1:%2").arg(address.toString()).arg(port);
    if (isListening()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Could not listen on %1: the server already listens on port "
                                    "%2")
                         .arg(where)
                         .arg(this->port()));
    }
    if (!m_options.token.isEmpty() && m_options.token.trimmed().isEmpty()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Refusing to listen on %1 with a blank token: no client "
                                    "could authenticate. Configure a token that is not empty "
                                    "or whitespace")
                         .arg(where));
    }
    if (m_options.token.isEmpty() && !isLoopback(address)) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Refusing to listen on %1 without a token: anyone on the "
                                    "network could call the engine. Configure a token or listen "
                                    "on 127.0.0.1")
                         .arg(where),
                     {{QStringLiteral("address"), address.toString()}});
    }

    auto *tcpServer = new QTcpServer(this);
    tcpServer->setListenBacklogSize(qMax(1, m_options.listenBacklog));
    if (!tcpServer->listen(address, port)) {
        const QString reason = tcpServer->errorString();
        delete tcpServer;
        return Error(
            ErrorCode::Network, QStringLiteral("Could not listen on %1: %2").arg(where, reason),
            {{QStringLiteral("address"), address.toString()}, {QStringLiteral("port"), port}});
    }
    m_tcpServer = tcpServer;
    connect(m_tcpServer, &QTcpServer::newConnection, this, &HttpServer::acceptConnections);
    connect(m_tcpServer, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        const Error error(ErrorCode::Network,
                          QStringLiteral("Could not accept a connection on port %1: %2")
                              .arg(this->port())
                              .arg(m_tcpServer->errorString()));
        qCWarning(lcHttp).noquote() << error.message();
        Q_EMIT errorOccurred(error);
    });

    if (m_options.idleTimeoutMs > 0 || m_options.headTimeoutMs > 0) {
        m_idleTimer = new QTimer(this);
        // A coarse sweep is far cheaper than a timer per connection restarted on every read;
        // connections close between 1x and 1.25x the timeout.
        int shortest = INT_MAX;
        for (const int timeout : {m_options.idleTimeoutMs, m_options.headTimeoutMs}) {
            if (timeout > 0)
                shortest = qMin(shortest, timeout);
        }
        m_idleTimer->setInterval(qBound(10, shortest / 4, 1000));
        connect(m_idleTimer, &QTimer::timeout, this, &HttpServer::closeIdleConnections);
        m_idleTimer->start();
    }
    qCDebug(lcHttp) << "Listening on" << address << m_tcpServer->serverPort();
    return m_tcpServer->serverPort();
}

void HttpServer::close()
{
    if (m_idleTimer) {
        delete m_idleTimer;
        m_idleTimer = nullptr;
    }
    if (m_tcpServer) {
        m_tcpServer->close();
        delete m_tcpServer;
        m_tcpServer = nullptr;
    }
    // abort() removes the connection from m_connections: iterate over a copy.
    const QList<HttpConnection *> connections = m_connections;
    for (HttpConnection *connection : connections)
        connection->abort();
    m_connections.clear();
}

bool HttpServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 HttpServer::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

int HttpServer::listenBacklog() const
{
    return m_tcpServer ? m_tcpServer->listenBacklogSize() : 0;
}

void HttpServer::acceptConnections()
{
    while (m_tcpServer && m_tcpServer->hasPendingConnections()) {
        QTcpSocket *socket = m_tcpServer->nextPendingConnection();
        if (!socket)
            break;
        if (m_connections.size() >= m_options.maxConnections) {
            refuseConnection(socket);
            continue;
        }
        m_connections.append(new HttpConnection(socket, this));
    }
}

void HttpServer::refuseConnection(QTcpSocket *socket)
{
    ++m_refusedConnections;
    qCWarning(lcHttp).noquote() << QStringLiteral(
                                       "Refusing a connection from %1: %2 connections are open "
                                       "(limit %3); answered 503")
                                       .arg(socket->peerAddress().toString())
                                       .arg(m_connections.size())
                                       .arg(m_options.maxConnections);
    HttpResponse refusal = HttpResponse::error(
        503, QStringLiteral("too-many-connections"),
        QStringLiteral("The server has too many open connections; retry later"));
    refusal.setHeader("Retry-After", "1");
    socket->write(refusal.toBytes({.keepAlive = false}));
    // Not a connection: nothing of it is read; it goes once the answer is out (or the peer left).
    socket->setParent(this);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
}

int HttpServer::readPausedConnectionCount() const
{
    return int(
        std::count_if(m_connections.cbegin(), m_connections.cend(),
                      [](const HttpConnection *connection) { return connection->isReadPaused(); }));
}

void HttpServer::forgetConnection(HttpConnection *connection)
{
    m_connections.removeOne(connection);
}

void HttpServer::closeIdleConnections()
{
    const qint64 now = nowMs();
    const QList<HttpConnection *> connections = m_connections;
    for (HttpConnection *connection : connections) {
        if (m_options.headTimeoutMs > 0 && connection->headTimedOut(now, m_options.headTimeoutMs))
            connection->refuseSlowHead();
        else if (m_options.idleTimeoutMs > 0 && connection->isIdle(now, m_options.idleTimeoutMs))
            connection->closeGracefully();
    }
}

void HttpServer::dispatch(const HttpRequest &request, const HttpResponder &responder)
{
    if (!authorized(request)) {
        const bool offered = !request.header("authorization").isEmpty() ||
                             request.query().hasQueryItem(QStringLiteral("access_token"));
        HttpResponse response = HttpResponse::error(
            401, QStringLiteral("unauthorized"),
            offered ? QStringLiteral("Invalid bearer token")
                    : QStringLiteral("Missing \"Authorization: Bearer <token>\" header (or "
                                     "access_token=<token> in the query)"));
        response.setHeader("WWW-Authenticate", "Bearer");
        responder.respond(std::move(response));
        return;
    }

    const HttpRouter::Match match = m_router->match(request.method(), request.pathSegments());
    switch (match.outcome) {
    case HttpRouter::Outcome::NoPath:
        responder.respond(
            HttpResponse::error(404, QStringLiteral("not-found"),
                                QStringLiteral("No route for %1 %2")
                                    .arg(QString::fromLatin1(request.method()), request.path())));
        return;
    case HttpRouter::Outcome::WrongMethod: {
        HttpResponse response = HttpResponse::error(
            405, QStringLiteral("method-not-allowed"),
            QStringLiteral("Method %1 is not allowed on %2; allowed: %3")
                .arg(QString::fromLatin1(request.method()), request.path(),
                     QString::fromLatin1(match.allow)));
        response.setHeader("Allow", match.allow);
        responder.respond(std::move(response));
        return;
    }
    case HttpRouter::Outcome::Found:
        break;
    }

    // No exception may cross the event loop: a throwing handler answers 500 (or the error's
    // own status when it threw a Durable::Error).
    try {
        (*match.handler)(request, match.params, responder);
    } catch (const Error &error) {
        qCWarning(lcHttp).noquote() << "Handler for" << request.method() << elidedPath(request)
                                    << "threw:" << error.message().left(200);
        responder.respond(HttpResponse::fromError(error));
    } catch (const std::exception &exception) {
        qCWarning(lcHttp).noquote()
            << "Handler for" << request.method() << elidedPath(request)
            << "threw:" << QString::fromLocal8Bit(exception.what()).left(200);
        responder.respond(
            HttpResponse::error(500, QStringLiteral("handler-failed"),
                                QStringLiteral("The handler for %1 %2 failed: %3")
                                    .arg(QString::fromLatin1(request.method()), request.path(),
                                         QString::fromLocal8Bit(exception.what()))));
    } catch (...) {
        responder.respond(HttpResponse::error(
            500, QStringLiteral("handler-failed"),
            QStringLiteral("The handler for %1 %2 failed with an unknown exception")
                .arg(QString::fromLatin1(request.method()), request.path())));
    }
}

} // namespace Durable
