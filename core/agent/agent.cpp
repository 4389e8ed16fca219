// SPDX-License-Identifier: MIT
#include <durable/core/agent.h>

#include "agentconnectionmessages.h"
#include "agenthandlers.h"
#include "agenthumanrequests.h"
#include "agentmodelcalls.h"
#include "agentobjectcalls.h"
#include "agentschedules.h"
#include "agentstate.h"
#include "agentsteps.h"
#include "agenttables.h"
#include "objecthost.h"

#include <QJsonDocument>
#include <QThread>

namespace Durable {

// The agent's concerns, one collaborator each, wired to one another here and nowhere else. Each
// keeps what the running turn has read and changed; Agent only draws the turn boundary around
// them and forwards its public calls with the object's host.
struct Agent::Parts
{
    Parts();

    // The object's host, on the object's worker thread: what every agent-facing call starts with.
    ObjectHost &host(ObjectContext &context) const;
    // Changes made by onStart() (which runs before the first handler) are still to be flushed.
    bool dirty() const { return state.changed() || steps.changed() || humans.changed(); }
    void begin(ObjectHost &host);
    // Index rows and change events go through the turn's gate: they leave after the commit, and
    // not at all if the turn rolls back.
    void finish(ObjectHost &host);
    void reset();

    // ObjectHost::instance() builds the agent on its object's worker thread, and an object never
    // leaves its worker: the thread every entry point asserts.
    QThread *const thread = QThread::currentThread();
    AgentTables tables;
    AgentHandlers handlers;
    AgentState state {tables};
    AgentSteps steps;
    AgentSchedules schedules;
    AgentHumanRequests humans;
    AgentModelCalls models {tables, handlers};
    AgentObjectCalls calls {handlers};
    AgentConnectionMessages connections;
};

Agent::Parts::Parts()
    // A human request's deadline is a schedule; what it runs belongs to the human requests.
    : schedules(tables, handlers,
                [this](ObjectHost &host, const ScheduleInfo &deadline) {
                    humans.expire(host, deadline);
                }),
      humans(tables, handlers, schedules)
{ }

ObjectHost &Agent::Parts::host(ObjectContext &context) const
{
    Q_ASSERT(QThread::currentThread() == thread);
    return hostOf(context);
}

void Agent::Parts::begin(ObjectHost &host)
{
    // Caches are per turn: an admin edit between two turns must be seen.
    if (!dirty()) {
        state.unload();
        steps.unload();
    }
    models.resumeOnce(host);
}

void Agent::Parts::finish(ObjectHost &host)
{
    TurnEffects &effects = host.effects();
    steps.index(host, effects);
    humans.index(effects);
    state.publish(effects);
    humans.publish(effects);
    connections.publish(effects);
}

void Agent::Parts::reset()
{
    // On failure the worker discards this instance anyway; on success the next turn reloads.
    state.reset();
    steps.reset();
    humans.reset();
    connections.reset();
}

Agent::Agent() : m_parts(std::make_unique<Parts>())
{ }

Agent::~Agent() = default;

QStringList Agent::handlerNames() const
{
    return m_parts->handlers.handlerNames();
}

QStringList Agent::continuationNames() const
{
    return m_parts->handlers.continuationNames();
}

// Registration happens in the constructor, which runs inside the object's first turn: a mistake
// there fails that turn.
void Agent::addHandler(const QString &name, HandlerFn fn)
{
    m_parts->handlers.addHandler(name, std::move(fn));
}

void Agent::addContinuation(const QString &name, ContinuationFn fn)
{
    m_parts->handlers.addContinuation(name, std::move(fn));
}

void Agent::addTool(const ToolDefinition &definition, HandlerFn fn)
{
    m_parts->models.addTool(definition, std::move(fn));
}

// The turn boundary of every agent entry point: per-turn caches, then the catalog index writes
// and change events once the handler returned.
template<typename F>
QJsonValue Agent::inTurn(F &&fn)
{
    struct End
    {
        Parts &parts;
        ~End() { parts.reset(); }
    } end {*m_parts};
    ObjectHost &host = m_parts->host(context());
    m_parts->begin(host);
    QJsonValue result = fn(host);
    m_parts->finish(host);
    return result;
}

void Agent::ensureLoaded() const
{
    ObjectHost &host = m_parts->host(context());
    m_parts->state.load(host, [this] { return initialState(); });
    m_parts->steps.load(host);
}

// --- entry points: turns the engine runs ---

QJsonValue Agent::onRequest(const QString &method, const QJsonValue &args)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    const HandlerFn handler = m_parts->handlers.handler(context().className(), method);
    return inTurn([&handler, &args](ObjectHost &) { return handler(args); });
}

void Agent::onAlarm(const AlarmInfo &info)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    inTurn([this, &info](ObjectHost &host) {
        m_parts->schedules.runDue(host, info);
        return QJsonValue();
    });
}

QJsonValue Agent::runScheduleNow(const ScheduleInfo &schedule)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &schedule](ObjectHost &host) -> QJsonValue {
        m_parts->schedules.runNow(host, schedule);
        return schedule.toJson();
    });
}

QJsonValue Agent::replaceState(const QJsonObject &next)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &next](ObjectHost &) -> QJsonValue {
        setState(next);
        return m_parts->state.value();
    });
}

QJsonValue Agent::deliverHumanAnswer(const QString &requestId, const HumanResponse &response)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &requestId, &response](ObjectHost &host) {
        return m_parts->humans.answer(host, requestId, response);
    });
}

QJsonValue Agent::deliverCallReply(const OutgoingCallInfo &call, const Result<QJsonValue> &reply)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &call, &reply](ObjectHost &host) {
        return m_parts->calls.deliverReply(host, call, reply);
    });
}

QJsonValue Agent::deliverModelReply(const QString &callId, int round,
                                    const Result<ChatReply> &reply)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &callId, round, &reply](ObjectHost &host) {
        return m_parts->models.deliverReply(host, callId, round, reply,
                                            [this] { return maxToolRounds(); });
    });
}

QJsonValue Agent::runToolCall(const QString &callId, const QString &toolCallId)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &callId, &toolCallId](ObjectHost &host) {
        return m_parts->models.runTool(host, callId, toolCallId);
    });
}

QJsonValue Agent::deliverConnect(const AgentConnection &connection)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &connection](ObjectHost &host) -> QJsonValue {
        onConnect(connection);
        // First of the turn's messages to it, with the state as the turn leaves it: what the
        // client starts from; every later state comes after it.
        m_parts->connections.sendFirst(
            connection.id, QJsonObject {{QStringLiteral("type"), QStringLiteral("hello")},
                                        {QStringLiteral("connectionId"), connection.id},
                                        {QStringLiteral("className"), host.className()},
                                        {QStringLiteral("name"), host.name()},
                                        {QStringLiteral("id"), host.id().toString()},
                                        {QStringLiteral("state"), state()}});
        return QJsonValue();
    });
}

QJsonValue Agent::deliverMessage(const AgentConnection &connection, const QString &message)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &connection, &message](ObjectHost &) {
        onMessage(connection, message);
        return QJsonValue();
    });
}

QJsonValue Agent::deliverClose(const AgentConnection &connection, int code, const QString &reason)
{
    Q_ASSERT(QThread::currentThread() == m_parts->thread);
    return inTurn([this, &connection, code, &reason](ObjectHost &) {
        onClose(connection, code, reason);
        return QJsonValue();
    });
}

void Agent::onConnect(const AgentConnection &)
{ }

void Agent::onMessage(const AgentConnection &connection, const QString &message)
{
    ObjectHost &host = m_parts->host(context());
    const QJsonObject call = QJsonDocument::fromJson(message.toUtf8()).object();
    if (call.value(QStringLiteral("type")).toString() != QLatin1String("call")) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 takes calls {\"type\": \"call\", \"id\", \"method\", "
                                   "\"args\"} over its connections; override onMessage() to take "
                                   "other messages")
                        .arg(host.label()));
    }
    const QString method = call.value(QStringLiteral("method")).toString();
    const HandlerFn handler = m_parts->handlers.handler(context().className(), method);
    const QJsonValue result = handler(call.value(QStringLiteral("args")));
    send(connection.id, QJsonObject {{QStringLiteral("type"), QStringLiteral("reply")},
                                     {QStringLiteral("id"), call.value(QStringLiteral("id"))},
                                     {QStringLiteral("result"), result}});
}

void Agent::onClose(const AgentConnection &, int, const QString &)
{ }

void Agent::send(const QString &connectionId, const QJsonValue &message)
{
    m_parts->host(context());
    if (connectionId.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("send() needs a connection id"));
    m_parts->connections.send(connectionId, message);
}

void Agent::broadcast(const QJsonValue &message, const QStringList &except)
{
    m_parts->host(context());
    m_parts->connections.broadcast(message, except);
}

// --- agent-facing calls, inside a turn (each checks the thread through Parts::host()) ---

QJsonObject Agent::state() const
{
    ensureLoaded();
    return m_parts->state.value();
}

Result<void> Agent::validateState(const QJsonObject &) const
{
    return {};
}

void Agent::setState(const QJsonObject &next)
{
    ObjectHost &host = m_parts->host(context());
    ensureLoaded();
    if (auto ok = validateState(next); !ok) {
        Error refused(ErrorCode::InvalidArgument,
                      QStringLiteral("%1 refused the state change: %2")
                          .arg(host.label(), ok.error().message()),
                      ok.error().context());
        throw refused;
    }
    m_parts->state.write(host, next);
}

QStringList Agent::steps() const
{
    return AgentSteps::declared(m_parts->host(context()));
}

QString Agent::step() const
{
    ensureLoaded();
    return m_parts->steps.current();
}

void Agent::setStep(const QString &step)
{
    ObjectHost &host = m_parts->host(context());
    AgentSteps::check(host, step);
    ensureLoaded();
    m_parts->steps.write(host, step);
}

QString Agent::schedule(std::chrono::milliseconds delay, const QString &callbackName,
                        const QJsonValue &payload)
{
    return m_parts->schedules.after(m_parts->host(context()), delay, callbackName, payload);
}

QString Agent::schedule(const QDateTime &when, const QString &callbackName,
                        const QJsonValue &payload)
{
    return m_parts->schedules.at(m_parts->host(context()), when, callbackName, payload);
}

QString Agent::schedule(const CronExpression &cron, const QString &callbackName,
                        const QJsonValue &payload)
{
    return m_parts->schedules.every(m_parts->host(context()), cron, callbackName, payload);
}

QList<ScheduleInfo> Agent::schedules() const
{
    return AgentSchedules::list(m_parts->host(context()));
}

bool Agent::cancelSchedule(const QString &id)
{
    return m_parts->schedules.cancel(m_parts->host(context()), id);
}

QString Agent::askHuman(const HumanRequest &request, const QString &continuationName)
{
    return m_parts->humans.ask(m_parts->host(context()), request, continuationName);
}

QList<HumanRequestInfo> Agent::humanRequests(bool pendingOnly) const
{
    return AgentHumanRequests::list(m_parts->host(context()), pendingOnly);
}

QString Agent::sendTo(const QString &className, const QString &name, const QString &method,
                      const QJsonValue &args)
{
    return m_parts->calls.send(m_parts->host(context()), className, name, method, args);
}

QString Agent::callObject(const QString &className, const QString &name, const QString &method,
                          const QJsonValue &args, const QString &continuationName,
                          const QJsonValue &payload)
{
    return m_parts->calls.call(m_parts->host(context()), className, name, method, args,
                               continuationName, payload);
}

QList<OutgoingCallInfo> Agent::pendingCalls() const
{
    return AgentObjectCalls::pending(m_parts->host(context()));
}

QString Agent::callModel(const ChatRequest &request, const QString &continuationName,
                         const QJsonValue &payload, OfferTools offer)
{
    return m_parts->models.call(m_parts->host(context()), request, continuationName, payload,
                                offer == OfferTools::Registered);
}

QList<ModelCallInfo> Agent::modelCalls(bool pendingOnly) const
{
    return AgentModelCalls::list(m_parts->host(context()), pendingOnly);
}

QList<ToolDefinition> Agent::toolDefinitions() const
{
    return m_parts->models.toolDefinitions();
}

} // namespace Durable
