// SPDX-License-Identifier: MIT
#include "gateway.h"

#include "inspectionjson.h"
#include "objectdetail.h"
#include "objectsockets.h"
#include <durable/core/duration.h>

#include "httpserver.h"
#include <durable/core/agentpackageloader.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QtConcurrent>

#include <exception>

namespace Durable::Cli {

namespace {

constexpr int HeartbeatMs = 15000;
// How often the change feed is drained for event streams and WebSocket clients.
constexpr int FeedIntervalMs = 5;

HttpResponse internalError(const QString &message)
{
    return HttpResponse::fromError(Error(ErrorCode::Internal, message));
}

// Answers when future finishes: 200 with toJson(result), or the error's status.
// The continuation runs on whichever thread finished the future; responders are thread-safe.
template<typename T, typename F>
void respondWhenReady(QFuture<T> future, const HttpResponder &responder, F toJson)
{
    future.then(QtFuture::Launch::Sync, [responder, toJson](QFuture<T> done) {
        try {
            responder.respond(HttpResponse::json(200, toJson(done.result())));
        } catch (const Error &error) {
            responder.respond(HttpResponse::fromError(error));
        } catch (const std::exception &error) {
            responder.respond(internalError(QString::fromLocal8Bit(error.what())));
        }
    });
}

QJsonValue defined(const QJsonValue &value)
{
    return value.isUndefined() ? QJsonValue() : value;
}

// Query parameter as int, or fallback when absent; false in ok when present but not a number.
int intParam(const QUrlQuery &query, const QString &name, int fallback, bool *ok)
{
    if (!query.hasQueryItem(name))
        return fallback;
    bool parsed = false;
    const int value = query.queryItemValue(name).toInt(&parsed);
    if (!parsed)
        *ok = false;
    return value;
}

QJsonObject clockJson(const Clock *clock)
{
    return QJsonObject {{QStringLiteral("nowMs"), double(clock->nowMs())},
                        {QStringLiteral("now"), InspectionJson::time(clock->nowMs())},
                        {QStringLiteral("virtual"), clock->isVirtual()},
                        {QStringLiteral("paused"), clock->isPaused()}};
}

QJsonObject packageJson(const AgentPackageReport &report)
{
    QJsonObject json {{QStringLiteral("file"), report.file},
                      {QStringLiteral("name"), report.name},
                      {QStringLiteral("description"), report.description},
                      {QStringLiteral("sdkVersion"), report.sdkVersion},
                      {QStringLiteral("classes"), QJsonArray::fromStringList(report.classes)},
                      {QStringLiteral("reloads"), report.reloads}};
    if (report.error)
        json.insert(QStringLiteral("error"), report.error->toJson());
    return json;
}

QJsonArray packagesJson(const QList<AgentPackageReport> &reports)
{
    QJsonArray list;
    for (const AgentPackageReport &report : reports)
        list.append(packageJson(report));
    return list;
}

// POST /objects/{class}/{name}/{method}: the body, if any, is the call's argument.
void callObject(Engine *engine, const HttpRequest &request, const HttpPathParams &params,
                HttpResponder responder)
{
    QJsonValue args;
    if (!request.body().trimmed().isEmpty()) {
        const Result<QJsonValue> body = request.jsonBody();
        if (!body) {
            responder.respond(HttpResponse::fromError(body.error()));
            return;
        }
        args = body.value();
    }
    const Result<Stub> stub = engine->stub(params.value(QStringLiteral("class")),
                                           params.value(QStringLiteral("name")));
    if (!stub) {
        responder.respond(HttpResponse::fromError(stub.error()));
        return;
    }
    stub->call(params.value(QStringLiteral("method")), args,
               [responder](const Result<QJsonValue> &reply) {
                   if (reply.ok())
                       responder.respond(HttpResponse::json(
                           200, QJsonObject {{QStringLiteral("result"), defined(reply.value())}}));
                   else
                       responder.respond(HttpResponse::fromError(reply.error()));
               });
}

// GET /objects?class=&text=&offset=&limit=
void listObjects(Inspector *inspector, const HttpRequest &request, HttpResponder responder)
{
    const QUrlQuery query = request.query();
    ObjectQuery objectQuery;
    objectQuery.className = query.queryItemValue(QStringLiteral("class"), QUrl::FullyDecoded);
    objectQuery.text = query.queryItemValue(QStringLiteral("text"), QUrl::FullyDecoded);
    bool ok = true;
    objectQuery.offset = intParam(query, QStringLiteral("offset"), 0, &ok);
    objectQuery.limit = intParam(query, QStringLiteral("limit"), 1000, &ok);
    if (!ok || objectQuery.offset < 0) {
        responder.respond(
            HttpResponse::error(400, QStringLiteral("invalid-argument"),
                                QStringLiteral("offset and limit must be integers (offset >= 0)")));
        return;
    }
    respondWhenReady(inspector->objects(objectQuery), responder,
                     [](const QList<ObjectSummary> &objects) {
                         QJsonArray list;
                         for (const ObjectSummary &summary : objects)
                             list.append(InspectionJson::objectSummary(summary));
                         return QJsonValue(QJsonObject {{QStringLiteral("objects"), list}});
                     });
}

// GET /objects/{class}/{name}: summary, key/value storage, alarm and agent state of one object
// (ObjectDetail).
void describeObject(Engine *engine, Inspector *inspector, const HttpPathParams &params,
                    HttpResponder responder)
{
    const QString className = params.value(QStringLiteral("class"));
    const QString name = params.value(QStringLiteral("name"));
    if (!engine->classNames().contains(className)) {
        responder.respond(HttpResponse::fromError(
            Error(ErrorCode::UnknownClass, QStringLiteral("Unknown class \"%1\"").arg(className))));
        return;
    }
    const ObjectId id = ObjectId::fromName(className, name);
    // Summary first: it fails with NotFound for an object that never existed, and reading its
    // storage must not create it. The rest is issued from the inspector's thread.
    inspector->object(className, id)
        .then(inspector, [inspector, responder](QFuture<ObjectSummary> summaryDone) {
            ObjectSummary summary;
            try {
                summary = summaryDone.result();
            } catch (const Error &error) {
                responder.respond(HttpResponse::fromError(error));
                return;
            }
            respondWhenReady(ObjectDetail::read(inspector, summary), responder,
                             [](const QJsonObject &detail) { return QJsonValue(detail); });
        });
}

// POST /inbox/{id}: the body is the person's answer, a JSON object: {"action": "approve"},
// {"action": "respond", "text": "...", "value": {...}}. Anything else is refused with that shape.
void answerHumanRequest(Inspector *inspector, const HttpRequest &request,
                        const HttpPathParams &params, HttpResponder responder)
{
    static const QString shape = QStringLiteral(
        "The answer must be a JSON object such as {\"action\": \"approve\"} or "
        "{\"action\": \"respond\", \"text\": \"...\"}");
    const Result<QJsonValue> body = request.jsonBody();
    if (!body) {
        responder.respond(
            HttpResponse::error(400, QStringLiteral("invalid-argument"),
                                shape + QStringLiteral(" (%1)").arg(body.error().message())));
        return;
    }
    if (!body->isObject()) {
        responder.respond(HttpResponse::error(400, QStringLiteral("invalid-argument"), shape));
        return;
    }
    const Result<HumanResponse> response = HumanResponse::fromJson(body->toObject());
    if (!response) {
        responder.respond(HttpResponse::fromError(response.error()));
        return;
    }
    respondWhenReady(
        inspector->inbox().answer(params.value(QStringLiteral("id")), response.value()), responder,
        [](const QJsonValue &result) {
            return QJsonValue(QJsonObject {{QStringLiteral("result"), defined(result)}});
        });
}

// The "snapshot" event that opens an object's event stream.
void sendSnapshot(Inspector *inspector, const HttpEventStream &stream, const QString &className,
                  const ObjectId &id)
{
    const auto send = [stream](const QJsonObject &snapshot) {
        if (stream.isOpen())
            stream.send("snapshot", QJsonDocument(snapshot).toJson(QJsonDocument::Compact));
    };
    const auto failed = [send](const Error &error) {
        send(error.code() == ErrorCode::NotFound
                 ? QJsonObject {{QStringLiteral("exists"), false}}
                 : QJsonObject {{QStringLiteral("error"), error.toJson()}});
    };
    inspector->object(className, id)
        .then(inspector,
              [inspector, send, failed](const ObjectSummary &summary) {
                  ObjectDetail::read(inspector, summary)
                      .then(inspector, [send](const QJsonObject &detail) { send(detail); })
                      .onFailed(inspector, failed);
              })
        .onFailed(inspector, failed);
}

} // namespace

Gateway::Gateway(Engine *engine, Inspector *inspector, HttpServer *server, QObject *parent)
    : QObject(parent), m_engine(engine), m_inspector(inspector), m_server(server)
{
    installRoutes();
    connect(m_inspector, &Inspector::changesAvailable, this, &Gateway::broadcast);
    m_sockets = new ObjectSockets(engine, inspector, server, ObjectSockets::DefaultMaxClients,
                                  this);
    // Clients wait on every batch of the change feed: a state change should reach a thousand
    // of them within a few milliseconds of its commit, not within the studio's 50 ms.
    m_inspector->setFeedInterval(qMin(m_inspector->feedInterval(), FeedIntervalMs));
    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(HeartbeatMs);
    connect(m_heartbeat, &QTimer::timeout, this, &Gateway::heartbeat);
    m_heartbeat->start();
}

Gateway::~Gateway()
{
    closeEventStreams();
}

int Gateway::webSocketCount() const
{
    return m_sockets->clientCount();
}

void Gateway::closeEventStreams()
{
    for (const Stream &stream : std::as_const(m_streams))
        stream.stream.close();
    m_streams.clear();
    m_sockets->closeAll();
}

void Gateway::installRoutes()
{
    installObjectRoutes();
    installInspectionRoutes();
    installInboxRoutes();
    installClockRoutes();
    installEventStreamRoute();
    installObjectEventStreamRoute();
}

void Gateway::serveAgentPackages(AgentPackageLoader *packages)
{
    m_server->route(
        "GET", QStringLiteral("/agents"),
        [packages](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
            responder.respond(HttpResponse::json(
                200,
                QJsonObject {{QStringLiteral("packages"), packagesJson(packages->packages())}}));
        });
    m_server->route(
        "POST", QStringLiteral("/agents/reload"),
        [packages](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
            packages->reloadAll().then(
                QtFuture::Launch::Sync, [responder](const QList<AgentPackageReport> &reports) {
                    QStringList refused;
                    for (const AgentPackageReport &report : reports) {
                        if (!report.ok())
                            refused.append(report.error->message());
                    }
                    QJsonObject body {{QStringLiteral("packages"), packagesJson(reports)}};
                    if (refused.isEmpty()) {
                        responder.respond(HttpResponse::json(200, body));
                        return;
                    }
                    body.insert(QStringLiteral("error"),
                                Error(ErrorCode::Conflict, refused.join(u'\n')).toJson());
                    responder.respond(HttpResponse::json(409, body));
                });
        });
}

void Gateway::installObjectRoutes()
{
    Engine *engine = m_engine;
    Inspector *inspector = m_inspector;

    m_server->route("POST", QStringLiteral("/objects/{class}/{name}/{method}"),
                    [engine](const HttpRequest &request, const HttpPathParams &params,
                             HttpResponder responder) {
                        callObject(engine, request, params, std::move(responder));
                    });
    m_server->route(
        "GET", QStringLiteral("/objects"),
        [inspector](const HttpRequest &request, const HttpPathParams &, HttpResponder responder) {
            listObjects(inspector, request, std::move(responder));
        });
    m_server->route("GET", QStringLiteral("/objects/{class}/{name}"),
                    [engine, inspector](const HttpRequest &, const HttpPathParams &params,
                                        HttpResponder responder) {
                        describeObject(engine, inspector, params, std::move(responder));
                    });
}

void Gateway::installInspectionRoutes()
{
    Engine *engine = m_engine;
    Inspector *inspector = m_inspector;

    m_server->route(
        "GET", QStringLiteral("/classes"),
        [inspector](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
            respondWhenReady(inspector->classes(), responder,
                             [](const QList<ClassSummary> &classes) {
                                 QJsonArray list;
                                 for (const ClassSummary &summary : classes)
                                     list.append(InspectionJson::classSummary(summary));
                                 return QJsonValue(QJsonObject {{QStringLiteral("classes"), list}});
                             });
        });

    m_server->route(
        "GET", QStringLiteral("/alarms"),
        [inspector](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
            respondWhenReady(inspector->alarms(), responder, [](const QList<AlarmSummary> &alarms) {
                QJsonArray list;
                for (const AlarmSummary &alarm : alarms)
                    list.append(InspectionJson::alarm(alarm));
                return QJsonValue(QJsonObject {{QStringLiteral("alarms"), list}});
            });
        });

    m_server->route(
        "GET", QStringLiteral("/metrics"),
        [inspector](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
            responder.respond(
                HttpResponse::json(200, InspectionJson::metrics(inspector->metrics())));
        });

    m_server->route("GET", QStringLiteral("/health"),
                    [engine](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
                        const bool running = engine->isRunning();
                        responder.respond(
                            HttpResponse::json(running ? 200 : 503,
                                               QJsonObject {{QStringLiteral("running"), running}}));
                    });
}

void Gateway::installInboxRoutes()
{
    Inspector *inspector = m_inspector;

    m_server->route(
        "GET", QStringLiteral("/inbox"),
        [inspector](const HttpRequest &request, const HttpPathParams &, HttpResponder responder) {
            const QString className = request.query().queryItemValue(QStringLiteral("class"),
                                                                     QUrl::FullyDecoded);
            respondWhenReady(
                inspector->inbox().pending(className), responder,
                [](const QList<HumanRequestInfo> &requests) {
                    QJsonArray list;
                    for (const HumanRequestInfo &info : requests)
                        list.append(info.toJson());
                    return QJsonValue(QJsonObject {{QStringLiteral("requests"), list}});
                });
        });

    m_server->route("POST", QStringLiteral("/inbox/{id}"),
                    [inspector](const HttpRequest &request, const HttpPathParams &params,
                                HttpResponder responder) {
                        answerHumanRequest(inspector, request, params, std::move(responder));
                    });
}

void Gateway::installClockRoutes()
{
    Engine *engine = m_engine;

    m_server->route("GET", QStringLiteral("/clock"),
                    [engine](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
                        responder.respond(HttpResponse::json(200, clockJson(engine->clock())));
                    });

    // Jumps block until the alarms they fire have run, so they run on a pool thread.
    auto jump = [engine](HttpResponder responder, const std::function<int(VirtualClock *)> &move) {
        auto *clock = qobject_cast<VirtualClock *>(engine->clock());
        if (!clock) {
            responder.respond(HttpResponse::error(
                409, QStringLiteral("conflict"),
                QStringLiteral("The clock is not virtual; start the server with --virtual-clock")));
            return;
        }
        respondWhenReady(QtConcurrent::run([clock, move] { return move(clock); }), responder,
                         [clock](int fired) {
                             QJsonObject json = clockJson(clock);
                             json.insert(QStringLiteral("fired"), fired);
                             return QJsonValue(json);
                         });
    };
    m_server->route(
        "POST", QStringLiteral("/clock/advance"),
        [jump](const HttpRequest &request, const HttpPathParams &, HttpResponder responder) {
            const Result<QJsonValue> body = request.jsonBody();
            if (!body) {
                responder.respond(HttpResponse::fromError(body.error()));
                return;
            }
            const QJsonValue by = body->toObject().value(QStringLiteral("by"));
            const auto duration = Duration::parse(by.isDouble() ? QString::number(by.toDouble()) +
                                                                      QStringLiteral("ms")
                                                                : by.toString());
            if (!duration || duration->count() < 0) {
                responder.respond(
                    HttpResponse::error(400, QStringLiteral("invalid-argument"),
                                        duration ? QStringLiteral("\"by\" must not be negative")
                                                 : duration.error().message()));
                return;
            }
            const std::chrono::milliseconds step = duration.value();
            jump(responder, [step](VirtualClock *clock) { return clock->advance(step); });
        });
    m_server->route("POST", QStringLiteral("/clock/next-alarm"),
                    [jump](const HttpRequest &, const HttpPathParams &, HttpResponder responder) {
                        jump(responder,
                             [](VirtualClock *clock) { return clock->runToNextAlarm(); });
                    });
}

bool Gateway::Stream::accepts(const ChangeEvent &event) const
{
    if (event.kind == ChangeEvent::Kind::Overflow)
        return true; // events were dropped: every client must resynchronise
    if (!objectId.isNull())
        return event.id == objectId;
    return className.isEmpty() || className == event.className;
}

void Gateway::addStream(const HttpEventStream &stream, const QString &className, const ObjectId &id)
{
    m_streams.append({stream, className, id});
    stream.onClosed(
        this, [this] { m_streams.removeIf([](const Stream &s) { return !s.stream.isOpen(); }); });
}

void Gateway::installEventStreamRoute()
{
    m_server->route(
        "GET", QStringLiteral("/events"),
        [this](const HttpRequest &request, const HttpPathParams &, HttpResponder responder) {
            HttpResponse extra;
            extra.setHeader("Cache-Control", "no-cache");
            const HttpEventStream stream = responder.respondEventStream(extra);
            if (!stream.isValid())
                return;
            stream.sendComment("durable change feed");
            addStream(stream,
                      request.query().queryItemValue(QStringLiteral("class"), QUrl::FullyDecoded),
                      {});
        });
}

// GET /objects/{class}/{name}/events: the change feed of one object, for a client that follows it
// (a page, a script) without WebSockets. It subscribes first, then sends a "snapshot" event: what
// GET /objects/{class}/{name} returns, or {"exists": false} for an object not created yet. The
// events after it come from committed turns (the engine publishes a turn's events after its
// commit), except model-delta, the live text of a streaming model reply; one may repeat a turn
// the snapshot already shows (compare "seq").
void Gateway::installObjectEventStreamRoute()
{
    m_server->route(
        "GET", QStringLiteral("/objects/{class}/{name}/events"),
        [this](const HttpRequest &, const HttpPathParams &params, HttpResponder responder) {
            const QString className = params.value(QStringLiteral("class"));
            if (!m_engine->classNames().contains(className)) {
                responder.respond(HttpResponse::fromError(
                    Error(ErrorCode::UnknownClass,
                          QStringLiteral("Unknown class \"%1\"").arg(className))));
                return;
            }
            const ObjectId id = ObjectId::fromName(className, params.value(QStringLiteral("name")));
            HttpResponse extra;
            extra.setHeader("Cache-Control", "no-cache");
            const HttpEventStream stream = responder.respondEventStream(extra);
            if (!stream.isValid())
                return;
            stream.sendComment("durable object events");
            addStream(stream, className, id);
            sendSnapshot(m_inspector, stream, className, id);
        });
}

void Gateway::broadcast(const QList<ChangeEvent> &batch)
{
    if (m_streams.isEmpty())
        return;
    QList<QPair<QByteArray, QByteArray>> encoded;
    encoded.reserve(batch.size());
    for (const ChangeEvent &event : batch) {
        encoded.append(
            {changeKindName(event.kind).toUtf8(),
             QJsonDocument(InspectionJson::changeEvent(event)).toJson(QJsonDocument::Compact)});
    }
    for (const Stream &stream : std::as_const(m_streams)) {
        for (qsizetype i = 0; i < encoded.size(); ++i) {
            if (stream.accepts(batch.at(i)))
                stream.stream.send(encoded.at(i).first, encoded.at(i).second);
        }
    }
}

void Gateway::heartbeat()
{
    for (const Stream &stream : std::as_const(m_streams))
        stream.stream.sendComment("keep-alive");
}

} // namespace Durable::Cli
