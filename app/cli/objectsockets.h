// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentconnections.h>
#include <durable/core/inspectiontypes.h>

#include <QFuture>
#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QWebSocketProtocol>
#include <memory>
#include <optional>
#include <unordered_map>

class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace Durable {
class Engine;
class HttpServer;
class Inspector;
} // namespace Durable

namespace Durable::Cli {

// WebSocket clients of agents, for `durable serve`: GET /objects/{class}/{name}/connect upgrades
// (after the server's token check; browsers pass access_token=<token> in the query).
//
// The gateway holds each socket; the agent sees connect, message and close turns
// (AgentConnections), so it may hibernate while its clients stay connected and a message wakes
// it. A client hears, as JSON text frames, in the order the object committed them:
//   {"type": "hello", "connectionId", "className", "name", "id", "state"}   first, after onConnect
//   {"type": "state", "state"}               after each turn that changed the agent's state
//   {"type": "event", "kind", "atMs", "detail", ...}   the object's human requests opened and
//                                            answered; with ?events=all, every other change event
//                                            too (turn-completed, alarms, activation): a frame
//                                            per turn per client is what a fan-out pays for most
//   whatever the agent send()s or broadcast()s (the default onMessage answers a call
//   {"type": "call", "id", "method", "args"} with {"type": "reply", "id", "result"})
// and, outside that order, {"type": "delta", "callId", "round", "attempt", "delta", "length"}:
// a streaming model reply's text as it arrives, before the reply's turn commits;
// {"type": "error", "id"?, "error": {code, message}} when a turn of its own failed (rolled back);
// {"type": "overflow"} when the engine dropped events for falling behind: reconnect.
// Close codes: 1008 the object refused the connection (not an agent), 1009 a message over
// HttpServerOptions::maxBodyBytes,
// 1011 its connect turn failed, 1003 a binary message, 1001 the server stops, 1013 events were
// lost before the hello. A client that leaves more than maxEventStreamQueueBytes unread is
// dropped without a close frame.
//
// Lives on the server's thread (the main thread).
class ObjectSockets : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultMaxClients = 50000;
    // maxClients: sockets held at once, lowered to what the open-file limit leaves beside the
    // engine's open objects and the HTTP connections; an upgrade past it is refused with 503.
    ObjectSockets(Engine *engine, Inspector *inspector, HttpServer *server,
                  int maxClients = DefaultMaxClients, QObject *parent = nullptr);
    ~ObjectSockets() override;

    int clientCount() const { return int(m_clients.size()); }
    int maxClients() const { return m_maxClients; }
    // Closes every socket with 1001 ("going away"), running no close turn: the engine stops.
    void closeAll();

private:
    struct Client;
    struct Target
    {
        QString className;
        QString name;
        const QTcpSocket *socket = nullptr; // while its handshake is read
    };

    void installRoute(HttpServer &server);
    // Why an upgrade of this object cannot be taken, or empty.
    QString refusal(const QString &className, int &status) const;
    void adopt();
    void start(QWebSocket *socket, const Target &target);
    void refuseClient(const QString &id, const Durable::Error &error);
    void receive(const QString &connectionId, const QString &text);
    template<typename F>
    void whenFailed(QFuture<QJsonValue> future, F handler);
    void drop(const QString &connectionId);
    void deliver(const QList<Durable::ChangeEvent> &batch);
    void deliverMessage(const QList<Client *> &clients, const Durable::ChangeEvent &event);
    void send(Client &client, const QString &text);
    void closeLater(Client &client, std::optional<QWebSocketProtocol::CloseCode> code,
                    const QString &reason);
    void sendError(Client &client, const QJsonValue &callId, const Durable::Error &error);

    Engine *m_engine;
    Inspector *m_inspector;
    AgentConnections m_connections;
    QWebSocketServer *m_server;
    qint64 m_fileLimit = -1; // RLIMIT_NOFILE when the gateway started; -1: none
    int m_maxClients;
    quint64 m_maxMessageBytes; // a client's message, as the server's request body limit
    qint64 m_maxQueuedBytes;   // unread bytes a client may leave, as an event stream's
    bool m_closing = false;
    // Sockets handed over by the HTTP server whose handshake QWebSocketServer is reading, by
    // "address:port" of the peer.
    QHash<QString, Target> m_handshaking;
    std::unordered_map<QString, std::unique_ptr<Client>> m_clients; // by connection id
    QHash<ObjectId, QList<Client *>> m_byObject;
};

} // namespace Durable::Cli
