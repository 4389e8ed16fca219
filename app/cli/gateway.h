// SPDX-License-Identifier: MIT
#pragma once

#include "httpeventstream.h"
#include <durable/core/inspectiontypes.h>

#include <QList>
#include <QObject>

class QTimer;

namespace Durable {
class AgentPackageLoader;
class Engine;
class HttpServer;
class Inspector;
} // namespace Durable

namespace Durable::Cli {

class ObjectSockets;

// The HTTP face of an engine for `durable serve`, as routes on an HttpServer:
//
//   POST /objects/{class}/{name}/{method}   JSON body = args -> {"result": reply}
//   GET  /objects?class=&text=&offset=&limit=
//   GET  /objects/{class}/{name}            summary, key/value entries, alarm
//   GET  /classes, GET /alarms, GET /metrics, GET /health
//   GET  /inbox?class=, POST /inbox/{id}    pending human requests; answer one
//   GET  /clock, POST /clock/advance {"by": "24h"}, POST /clock/next-alarm (virtual clock only)
//   GET  /events?class=                     server-sent events of the change feed
//   GET  /objects/{class}/{name}/events     one object's events, after a "snapshot" event
//   GET  /objects/{class}/{name}/connect    a WebSocket client of the agent (ObjectSockets)
//   GET  /agents, POST /agents/reload       agent packages; load them again from their files
//                                           (with serveAgentPackages())
//
// Errors are {"error": {code, message}} with the status that fits the engine error. Lives on
// the server's thread (the main thread); replies are sent from the engine's threads.
class Gateway : public QObject
{
    Q_OBJECT
public:
    Gateway(Engine *engine, Inspector *inspector, HttpServer *server, QObject *parent = nullptr);
    ~Gateway() override;

    // Adds GET /agents and POST /agents/reload over packages, which must outlive the gateway.
    // A reload answers 200 when every package took its new code, 409 when any kept its old.
    void serveAgentPackages(AgentPackageLoader *packages);

    int eventStreamCount() const { return int(m_streams.size()); }
    int webSocketCount() const;
    // Ends every event stream and WebSocket client (before the server closes).
    void closeEventStreams();

private:
    struct Stream
    {
        HttpEventStream stream;
        QString className; // empty: every class
        ObjectId objectId; // null: every object (of the class)
        bool accepts(const Durable::ChangeEvent &event) const;
    };

    void installRoutes();
    void installObjectRoutes();
    void installInspectionRoutes();
    void installInboxRoutes();
    void installClockRoutes();
    void installEventStreamRoute();
    void installObjectEventStreamRoute();
    void addStream(const HttpEventStream &stream, const QString &className, const ObjectId &id);
    void broadcast(const QList<Durable::ChangeEvent> &batch);
    void heartbeat();

    Engine *m_engine;
    Inspector *m_inspector;
    HttpServer *m_server;
    QList<Stream> m_streams;
    QTimer *m_heartbeat = nullptr;
    ObjectSockets *m_sockets = nullptr;
};

} // namespace Durable::Cli
