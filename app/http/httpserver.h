// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"
#include "httpresponder.h"
#include "httpserveroptions.h"
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <durable/core/result.h>
#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;
class QTimer;

namespace Durable {

class HttpConnection;
class HttpRouter;

// Called on the server's thread for each routed request. It may answer at once or keep the
// responder and answer later from any thread.
using HttpHandler = std::function<void(const HttpRequest &request, const HttpPathParams &params,
                                       HttpResponder responder)>;

// A WebSocket upgrade route's decision, made on the server thread before the request head is
// read from the socket: the function that takes the socket, or an empty one to refuse. The socket
// it gets still holds the whole handshake unread (for QWebSocketServer::handleConnection()); it
// no longer belongs to the server.
using HttpSocketTaker = std::function<void(QTcpSocket *socket)>;
using HttpUpgradeHandler =
    std::function<HttpSocketTaker(const HttpRequest &request, const HttpPathParams &params)>;

// A small HTTP/1.1 server (keep-alive, pipelining, Content-Length bodies, server-sent events)
// for the engine's gateway.
//
// Lives on the thread that created it: connections are accepted, parsed and written there and
// handlers are called there. Responses may come from any thread through HttpResponder.
// Emits errorOccurred() when accepting a connection fails.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    explicit HttpServer(HttpServerOptions options = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    const HttpServerOptions &options() const { return m_options; }

    // Adds a route. pattern is "/" or "/"-separated segments, each a literal or "{name}", e.g.
    // "/objects/{class}/{name}/{method}". A literal segment wins over a parameter when both
    // match. Adding the same method and pattern again replaces the handler. A GET route also
    // answers HEAD. Server thread only; an invalid pattern is a programming error (asserted,
    // logged, ignored).
    void route(const QByteArray &method, const QString &pattern, HttpHandler handler);

    // A WebSocket route: a GET of pattern that asks to upgrade ("Upgrade: websocket"), arriving
    // as the first request of its connection or after every earlier one was answered, goes to
    // accept, after the token check. Every other GET of pattern, and one accept refused, is
    // answered by refuse, which says why (so a refusal is plain HTTP the client can read).
    void routeUpgrade(const QString &pattern, HttpUpgradeHandler accept, HttpHandler refuse);

    // Starts listening; returns the port actually bound (port 0 picks a free one). Refuses a
    // non-loopback address when no token is configured.
    Result<quint16> listen(const QHostAddress &address, quint16 port = 0);
    // Stops listening and drops every connection; pending responders become no-ops.
    void close();

    bool isListening() const;
    quint16 port() const;
    // The listen backlog the socket was given (0 when not listening).
    int listenBacklog() const;
    int connectionCount() const { return int(m_connections.size()); }
    // Connections refused because maxConnections were open.
    qint64 refusedConnectionCount() const { return m_refusedConnections; }
    // Connections that stopped reading requests because their replies back up (for tests and
    // metrics).
    int readPausedConnectionCount() const;

Q_SIGNALS:
    void errorOccurred(const Durable::Error &error);

private:
    friend class HttpConnection;

    // Called by connections on the server thread for each complete request.
    void dispatch(const HttpRequest &request, const HttpResponder &responder);
    // The taker of an upgrade request's socket, when an upgrade route accepts it.
    HttpSocketTaker upgrade(const HttpRequest &request) const;
    // The token check: "Authorization: Bearer <token>", or "access_token=<token>" in the query
    // (browsers cannot set headers on a page load or a WebSocket).
    bool authorized(const HttpRequest &request) const;
    void acceptConnections();
    void closeIdleConnections();
    void refuseConnection(QTcpSocket *socket);
    void forgetConnection(HttpConnection *connection);
    qint64 nowMs() const { return m_clock.elapsed(); }

    HttpServerOptions m_options;
    QByteArray m_expectedToken; // empty when no token is required
    std::unique_ptr<HttpRouter> m_router;
    QTcpServer *m_tcpServer = nullptr;
    QTimer *m_idleTimer = nullptr;
    QList<HttpConnection *> m_connections;
    QElapsedTimer m_clock;
    qint64 m_refusedConnections = 0;
};

} // namespace Durable
