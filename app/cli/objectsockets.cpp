// SPDX-License-Identifier: MIT
#include "objectsockets.h"

#include "httpserver.h"
#include "inspectionjson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <algorithm>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <limits>
#include <sys/resource.h>

Q_LOGGING_CATEGORY(lcSockets, "durable.cli.sockets")

namespace Durable::Cli {

struct ObjectSockets::Client
{
    QWebSocket *socket = nullptr; // owned: deleted when the client is dropped
    AgentConnection connection;
    QString className;
    QString name;
    ObjectId id;
    // Its hello went out: the object's events from then on are its to hear.
    bool greeted = false;
    bool leaving = false;   // being closed: hears nothing more
    bool allEvents = false; // ?events=all: turn-completed, alarms, activation too
    bool refused = false;   // its connect turn failed
};

namespace {

// 1013, "Try Again Later" (IANA WebSocket close code registry), which Qt 6.4 does not name.
constexpr auto s_tryAgainLater = QWebSocketProtocol::CloseCode(1013);

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// The handshake headers a WebSocket client must send (RFC 6455 4.1); what is wrong, or empty.
QString handshakeProblem(const HttpRequest &request)
{
    if (request.header("upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
        return QStringLiteral("This route takes WebSocket clients only: send \"Upgrade: "
                              "websocket\" (connect with a WebSocket client)");
    if (!request.header("connection").toLower().contains("upgrade"))
        return QStringLiteral("A WebSocket handshake needs \"Connection: Upgrade\"");
    if (request.header("sec-websocket-key").isEmpty())
        return QStringLiteral("A WebSocket handshake needs a \"Sec-WebSocket-Key\" header");
    if (request.header("sec-websocket-version") != "13")
        return QStringLiteral("Only WebSocket version 13 is spoken (Sec-WebSocket-Version: 13)");
    return {};
}

// Sockets the process can hold beside the engine's open objects (two descriptors each), the
// HTTP connections and some room for everything else; at most wanted.
int socketBudget(const Engine &engine, const HttpServer &server, int wanted, qint64 &fileLimit)
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
        fileLimit = -1;
        return wanted;
    }
    fileLimit = qint64(limit.rlim_cur);
    const qint64 room = fileLimit - 2 * qint64(engine.options().maxOpenObjects) -
                        server.options().maxConnections - 256;
    return int(std::clamp<qint64>(room, 16, wanted));
}

} // namespace

// A turn's failure, handled on this object's thread if this object still exists then. The
// continuation's context is the application, not this object: a turn may end after the gateway
// is gone (a close turn while the server stops), and Qt 6.4 asserts that a continuation's
// context is alive when its future finishes.
template<typename F>
void ObjectSockets::whenFailed(QFuture<QJsonValue> future, F handler)
{
    future.onFailed(
        QCoreApplication::instance(),
        [guard = QPointer<ObjectSockets>(this), handler = std::move(handler)](const Error &error) {
            if (guard)
                handler(*guard, error);
            return QJsonValue();
        });
}

ObjectSockets::ObjectSockets(Engine *engine, Inspector *inspector, HttpServer *server,
                             int maxClients, QObject *parent)
    : QObject(parent), m_engine(engine), m_inspector(inspector), m_connections(engine),
      m_server(
          new QWebSocketServer(QStringLiteral("durable"), QWebSocketServer::NonSecureMode, this)),
      m_maxClients(socketBudget(*engine, *server, maxClients, m_fileLimit)),
      m_maxMessageBytes(quint64(server->options().maxBodyBytes)),
      m_maxQueuedBytes(server->options().maxEventStreamQueueBytes)
{
    // Held sockets are many and idle: nothing may queue up behind a handshake.
    m_server->setMaxPendingConnections(std::numeric_limits<int>::max());
    connect(m_server, &QWebSocketServer::newConnection, this, &ObjectSockets::adopt);
    connect(m_inspector, &Inspector::changesAvailable, this, &ObjectSockets::deliver);
    installRoute(*server);
}

ObjectSockets::~ObjectSockets()
{
    closeAll();
}

void ObjectSockets::installRoute(HttpServer &server)
{
    server.routeUpgrade(
        QStringLiteral("/objects/{class}/{name}/connect"),
        [this](const HttpRequest &request, const HttpPathParams &params) -> HttpSocketTaker {
            int status = 0;
            if (!handshakeProblem(request).isEmpty() ||
                !refusal(params.value(QStringLiteral("class")), status).isEmpty())
                return {};
            const Target target {params.value(QStringLiteral("class")),
                                 params.value(QStringLiteral("name"))};
            return [this, target](QTcpSocket *socket) {
                const QString key = peerKey(socket->peerAddress(), socket->peerPort());
                m_handshaking.insert(key, {target.className, target.name, socket});
                // A peer gone (or timed out) mid-handshake never reaches adopt(): forget it, or
                // it would hold a place under the client cap for good.
                connect(socket, &QTcpSocket::disconnected, this, [this, key, socket] {
                    const auto it = m_handshaking.constFind(key);
                    if (it != m_handshaking.constEnd() && it->socket == socket)
                        m_handshaking.erase(it);
                });
                m_server->handleConnection(socket);
            };
        },
        [this](const HttpRequest &request, const HttpPathParams &params, HttpResponder responder) {
            int status = 0;
            const QString refused = refusal(params.value(QStringLiteral("class")), status);
            if (!refused.isEmpty()) {
                responder.respond(HttpResponse::error(
                    status,
                    status == 404 ? QStringLiteral("unknown-class") : QStringLiteral("unavailable"),
                    refused));
                return;
            }
            const QString problem = handshakeProblem(request);
            responder.respond(HttpResponse::error(
                problem.isEmpty() ? 400 : 426, QStringLiteral("upgrade-required"),
                problem.isEmpty() ? QStringLiteral("A WebSocket handshake must be the first "
                                                   "request of its connection")
                                  : problem));
        });
}

QString ObjectSockets::refusal(const QString &className, int &status) const
{
    if (m_closing) {
        status = 503;
        return QStringLiteral("The server is stopping");
    }
    if (!m_engine->classNames().contains(className)) {
        status = 404;
        return QStringLiteral("Unknown class \"%1\"").arg(className);
    }
    if (int(m_clients.size() + m_handshaking.size()) >= m_maxClients) {
        status = 503;
        return QStringLiteral("The server holds %1 WebSocket clients, its limit%2; try again later")
            .arg(m_maxClients)
            .arg(m_fileLimit < 0 ? QString()
                                 : QStringLiteral(" within the open-file limit of %1 (ulimit -n)")
                                       .arg(m_fileLimit));
    }
    return {};
}

void ObjectSockets::adopt()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        const auto target = m_handshaking.constFind(
            peerKey(socket->peerAddress(), socket->peerPort()));
        if (target == m_handshaking.constEnd()) {
            socket->close(QWebSocketProtocol::CloseCodeBadOperation);
            socket->deleteLater();
            continue;
        }
        const Target found = target.value();
        m_handshaking.erase(target);
        start(socket, found);
    }
}

void ObjectSockets::start(QWebSocket *socket, const Target &target)
{
    auto client = std::make_unique<Client>();
    client->socket = socket;
    client->className = target.className;
    client->name = target.name;
    client->id = ObjectId::fromName(target.className, target.name);
    client->connection.id = AgentConnections::newConnectionId();
    QUrlQuery query(socket->requestUrl());
    query.removeAllQueryItems(QStringLiteral("access_token")); // a secret, not the agent's
    client->allEvents = query.queryItemValue(QStringLiteral("events")) == QLatin1String("all");
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        client->connection.query.insert(key, value);
    const QString id = client->connection.id;
    socket->setParent(this);
    // A message is a request body by another name: the same limit.
    socket->setMaxAllowedIncomingMessageSize(m_maxMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(m_maxMessageBytes);
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, id](const QString &text) { receive(id, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [socket] {
        socket->close(QWebSocketProtocol::CloseCodeDatatypeNotSupported,
                      QStringLiteral("Only text messages are taken"));
    });
    connect(socket, &QWebSocket::disconnected, this, [this, id] { drop(id); });
    m_byObject[client->id].append(client.get());
    Client &added = *client;
    m_clients.emplace(id, std::move(client));

    // The hello comes through the change feed, after the turn's state (see deliver()).
    whenFailed(m_connections.connect(added.className, added.name, added.connection),
               [id](ObjectSockets &self, const Error &error) { self.refuseClient(id, error); });
}

// The connect turn failed: the client hears why, and goes.
void ObjectSockets::refuseClient(const QString &id, const Error &error)
{
    const auto it = m_clients.find(id);
    if (it == m_clients.end())
        return;
    it->second->refused = true; // no close turn follows a connect that never was
    sendError(*it->second, {}, error);
    // A close frame's reason is at most 123 bytes.
    it->second->socket->close(error.code() == ErrorCode::InvalidArgument
                                  ? QWebSocketProtocol::CloseCodePolicyViolated
                                  : QWebSocketProtocol::CloseCodeBadOperation,
                              error.message().left(60));
}

void ObjectSockets::receive(const QString &connectionId, const QString &text)
{
    const auto it = m_clients.find(connectionId);
    if (it == m_clients.end())
        return;
    Client &client = *it->second;
    // A call's id, to name it in an error: the reply itself is the agent's to send.
    const QJsonValue callId =
        QJsonDocument::fromJson(text.toUtf8()).object().value(QStringLiteral("id"));
    whenFailed(m_connections.message(client.className, client.name, client.connection, text),
               [connectionId, callId](ObjectSockets &self, const Error &error) {
                   const auto found = self.m_clients.find(connectionId);
                   if (found != self.m_clients.end())
                       self.sendError(*found->second, callId, error);
               });
}

void ObjectSockets::drop(const QString &connectionId)
{
    const auto it = m_clients.find(connectionId);
    if (it == m_clients.end())
        return;
    std::unique_ptr<Client> client = std::move(it->second);
    m_clients.erase(it);
    QList<Client *> &siblings = m_byObject[client->id];
    siblings.removeOne(client.get());
    if (siblings.isEmpty())
        m_byObject.remove(client->id);
    if (!m_closing && !client->refused) {
        const int code = client->socket->closeCode();
        whenFailed(m_connections.close(
                       client->className, client->name, client->connection,
                       code == 0 ? int(QWebSocketProtocol::CloseCodeAbnormalDisconnection) : code,
                       client->socket->closeReason()),
                   [](ObjectSockets &, const Error &error) {
                       qCInfo(lcSockets).noquote() << "A close turn failed:" << error.message();
                   });
    }
    client->socket->deleteLater();
}

void ObjectSockets::closeAll()
{
    m_closing = true;
    std::vector<QWebSocket *> sockets;
    for (const auto &[id, client] : m_clients)
        sockets.push_back(client->socket);
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("The server stops"));
    m_clients.clear();
    m_byObject.clear();
}

// A client that does not read what it is sent is dropped before its backlog grows the server.
void ObjectSockets::send(Client &client, const QString &text)
{
    if (client.leaving || client.socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (client.socket->bytesToWrite() > m_maxQueuedBytes) {
        qCInfo(lcSockets).noquote()
            << QStringLiteral("Closing WebSocket client %1 of %2/%3: it left %4 bytes unread")
                   .arg(client.connection.id, client.className, client.name)
                   .arg(client.socket->bytesToWrite());
        // Aborted, not closed: a close frame would only queue behind what it does not read.
        closeLater(client, std::nullopt, {});
        return;
    }
    client.socket->sendTextMessage(text);
}

// Closing may emit disconnected() at once, which drops the client and edits the lists a
// delivery is walking: so it happens on the next turn of the event loop. No code: abort.
void ObjectSockets::closeLater(Client &client, std::optional<QWebSocketProtocol::CloseCode> code,
                               const QString &reason)
{
    if (client.leaving)
        return;
    client.leaving = true;
    QWebSocket *socket = client.socket;
    QTimer::singleShot(0, socket, [socket, code, reason] {
        if (code)
            socket->close(*code, reason);
        else
            socket->abort();
    });
}

void ObjectSockets::sendError(Client &client, const QJsonValue &callId, const Error &error)
{
    QJsonObject frame {{QStringLiteral("type"), QStringLiteral("error")},
                       {QStringLiteral("error"), error.toJson()}};
    if (!callId.isUndefined() && !callId.isNull())
        frame.insert(QStringLiteral("id"), callId);
    send(client, compact(frame));
}

void ObjectSockets::deliver(const QList<ChangeEvent> &batch)
{
    if (m_clients.empty())
        return;
    for (const ChangeEvent &event : batch) {
        if (event.kind == ChangeEvent::Kind::Overflow) {
            // Events were lost: a greeted client must resynchronise, one waiting for its hello
            // may never get it.
            const QString frame = compact({{QStringLiteral("type"), QStringLiteral("overflow")}});
            for (const auto &[id, client] : m_clients) {
                if (client->greeted)
                    send(*client, frame);
                else
                    closeLater(*client, s_tryAgainLater,
                               QStringLiteral("Events were lost; connect again"));
            }
            continue;
        }
        const auto clients = m_byObject.constFind(event.id);
        if (clients == m_byObject.constEnd())
            continue;
        if (event.kind == ChangeEvent::Kind::ConnectionMessage) {
            deliverMessage(clients.value(), event);
            continue;
        }
        QJsonObject frame;
        switch (event.kind) {
        case ChangeEvent::Kind::StateChanged:
            frame = {{QStringLiteral("type"), QStringLiteral("state")},
                     {QStringLiteral("state"), event.detail.value(QStringLiteral("state"))}};
            break;
        case ChangeEvent::Kind::ModelDelta:
            frame = event.detail;
            frame.insert(QStringLiteral("type"), QStringLiteral("delta"));
            break;
        default:
            frame = InspectionJson::changeEvent(event);
            frame.insert(QStringLiteral("type"), QStringLiteral("event"));
            break;
        }
        const bool everyClient = frame.value(QStringLiteral("type")) != QLatin1String("event") ||
                                 event.kind == ChangeEvent::Kind::HumanRequestOpened ||
                                 event.kind == ChangeEvent::Kind::HumanRequestAnswered;
        const QString text = compact(frame);
        for (Client *client : clients.value()) {
            if (client->greeted && (everyClient || client->allEvents))
                send(*client, text);
        }
    }
}

// An agent's message: to the clients it names, or every greeted client but those it excepts.
// The first message addressed to a client is its hello (the connect turn sends it first).
void ObjectSockets::deliverMessage(const QList<Client *> &clients, const ChangeEvent &event)
{
    const QString data = event.detail.value(QStringLiteral("data")).toString();
    const QJsonValue to = event.detail.value(QStringLiteral("to"));
    if (to.isArray()) {
        const QJsonArray ids = to.toArray();
        for (Client *client : clients) {
            if (ids.contains(client->connection.id)) {
                client->greeted = true;
                send(*client, data);
            }
        }
        return;
    }
    const QJsonArray except = event.detail.value(QStringLiteral("except")).toArray();
    for (Client *client : clients) {
        if (client->greeted && !except.contains(client->connection.id))
            send(*client, data);
    }
}

} // namespace Durable::Cli
