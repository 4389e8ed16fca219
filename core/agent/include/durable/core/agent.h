// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <chrono>
#include <durable/core/agentconnection.h>
#include <durable/core/chatreply.h>
#include <durable/core/chatrequest.h>
#include <durable/core/cronexpression.h>
#include <durable/core/durableobject.h>
#include <durable/core/humanrequest.h>
#include <durable/core/modelcallinfo.h>
#include <durable/core/objectcontext.h>
#include <durable/core/outgoingcallinfo.h>
#include <durable/core/scheduleinfo.h>
#include <durable/core/storage.h>
#include <durable/core/tooldefinition.h>
#include <functional>
#include <memory>
#include <type_traits>

namespace Durable {

class AgentConnections;
class HumanInbox;
struct AgentAccess;

namespace AgentDetail {
// What the registration templates below store: handlers, tools and continuations as
// type-erased calls on the agent. Internal to the SDK; agents never name these.
using HandlerFn = std::function<QJsonValue(const QJsonValue &)>;
using HumanFn = std::function<QJsonValue(const HumanRequestInfo &, const HumanResponse &)>;
using ModelFn = std::function<QJsonValue(const QJsonValue &, const Result<ChatReply> &)>;
struct ContinuationFn
{
    HandlerFn payload; // set for (const QJsonValue &payload) continuations
    HumanFn human;     // set for (request, response) continuations
    ModelFn model;     // set for (payload, reply) continuations
};

template<typename M>
struct Member;
template<typename C, typename R, typename... A>
struct Member<R (C::*)(A...)>
{
    using Class = C;
};
template<typename C, typename R, typename... A>
struct Member<R (C::*)(A...) const>
{
    using Class = C;
};
} // namespace AgentDetail

// A durable object with what agent authors need: request handlers and continuations by name,
// a JSON state, a workflow step, many schedules over the object's one alarm, and questions to
// a person (human-in-the-loop) whose answers come back as turns.
//
// Everything that resumes later (a schedule, a human answer, a deadline) is persisted as a
// continuation *name* plus a JSON payload, never as a lambda, so it survives a restart. Register
// handlers and continuations in the constructor:
//
//     Recruiter()
//     {
//         handle("submitResume", &Recruiter::submitResume);
//         continuation("onFeedback", &Recruiter::onFeedback);
//     }
//
// A handler is a member function taking (const QJsonValue &args) or nothing, returning a
// QJsonValue (or anything convertible) or void. A continuation takes (const QJsonValue &payload)
// or, for human answers, (const HumanRequestInfo &, const HumanResponse &), or, for model calls,
// (const QJsonValue &payload, const Result<ChatReply> &reply) or
// (const QJsonValue &payload, const ChatReply &reply) (a failure then arrives as a reply with
// finishReason "error" and the message as its content). A payload-only continuation used for a
// model call gets {"payload": ..., "reply": ChatReply JSON} or {"payload": ..., "error": "..."}.
//
// Model calls are durable: callModel() records the call in the turn and sends it only after the
// turn committed; the reply runs the continuation as a "model-reply" turn whose journal input is
// the call's full request and reply (tokens, latency, provider). Tool calls the model makes run
// as "tool" turns, and the model is called again with their results, until it answers without
// tool calls (at most maxToolRounds() rounds). A call in flight when the engine stopped is
// re-issued when the object next runs a turn (at least once).
//
// Worker thread only (asserted at every entry point), inside a turn, like every DurableObject;
// agent-facing calls throw Durable::Error, which fails (and rolls back) the turn. The agent owns
// its object's alarm: do not call storage().setAlarm() in an agent. Its engine tables are
// _durable_agent_state, _durable_agent_schedules, _durable_agent_human_requests and
// _durable_agent_model_calls in the object's own database.
class Agent : public DurableObject
{
public:
    Agent();
    ~Agent() override;

    // Dispatches to the handler registered under method; an unknown name fails with
    // UnknownMethod listing the known ones.
    QJsonValue onRequest(const QString &method, const QJsonValue &args) final;
    // Runs every schedule due now, in due order, then re-arms for the earliest remaining one.
    // An alarm fired before its time (an admin's "fire now") runs what it was set for: the
    // schedules due by info.scheduledTime, as if that time had come.
    void onAlarm(const AlarmInfo &info) final;

    // Names registered so far, in registration order.
    QStringList handlerNames() const;
    QStringList continuationNames() const;

protected:
    // --- registration (constructor) ---
    template<typename M>
    void handle(const QString &name, M method);
    template<typename M>
    void continuation(const QString &name, M method);

    // --- state ---
    // The stored state, or initialState() when nothing was stored yet.
    QJsonObject state() const;
    // Persists next in the running turn's transaction after validateState() accepted it; a
    // refusal throws (InvalidArgument) and so fails the turn. Observers get StateChanged.
    void setState(const QJsonObject &next);
    virtual QJsonObject initialState() const { return {}; }
    // Return an error to refuse a state change; its message reaches the caller.
    virtual Result<void> validateState(const QJsonObject &next) const;

    // --- workflow step (ClassOptions::steps) ---
    // Refuses a step the class does not declare. Persisted with the turn and indexed in the
    // catalog, so the inspection API counts objects per step.
    void setStep(const QString &step);
    QString step() const;      // empty until setStep()
    QStringList steps() const; // what the class declares

    // --- schedules (multiplexed over the object's alarm, on the engine clock) ---
    // callbackName must be a registered continuation taking a payload. Returns the schedule id.
    QString schedule(std::chrono::milliseconds delay, const QString &callbackName,
                     const QJsonValue &payload = {});
    QString schedule(const QDateTime &when, const QString &callbackName,
                     const QJsonValue &payload = {});
    // Recurring: after each run it re-arms for the next match after now (missed runs while the
    // engine was down collapse into one).
    QString schedule(const CronExpression &cron, const QString &callbackName,
                     const QJsonValue &payload = {});
    QList<ScheduleInfo> schedules() const; // by due time
    // Returns whether it existed. A human request's deadline cannot be cancelled here.
    bool cancelSchedule(const QString &id);

    // --- human in the loop ---
    // Persists a pending request and returns its id; the answer runs continuationName (which
    // gets the request and the response) as a "human-answer" turn. Throws on a bad request
    // (no actions, unknown continuation, malformed schema, deadline in the past).
    QString askHuman(const HumanRequest &request, const QString &continuationName);
    QList<HumanRequestInfo> humanRequests(bool pendingOnly = true) const;

    // --- calls to other objects ---
    // Durable messages: stored in the running turn's transaction, delivered after it committed
    // and again after any crash until answered, with an idempotency key so the callee applies
    // each once. Nothing waits inside the turn. Both return the call's id.
    //
    // sendTo: fire and forget (the reply is dropped; a failure is logged).
    QString sendTo(const QString &className, const QString &name, const QString &method,
                   const QJsonValue &args = {});
    // callObject: the callee's reply comes back as a "call-reply" turn to continuationName,
    // which gets {"callId", "to", "payload", "reply"} or, when the callee failed or does not
    // exist, {"callId", "to", "payload", "error"}. Throws on an unknown continuation.
    QString callObject(const QString &className, const QString &name, const QString &method,
                       const QJsonValue &args, const QString &continuationName,
                       const QJsonValue &payload = {});
    // Calls not answered yet, oldest first.
    QList<OutgoingCallInfo> pendingCalls() const;

    // --- model calls and tools ---
    // Records the call in the running turn and returns its id ("mc-<n>"); the engine sends it
    // once the turn committed. With OfferTools::Registered the agent's tools are added when
    // request.tools is empty; AsGiven sends request.tools as they are (empty: no tools).
    // Throws on an unknown continuation or a request without messages.
    enum class OfferTools { Registered, AsGiven };
    QString callModel(const ChatRequest &request, const QString &continuationName,
                      const QJsonValue &payload = {}, OfferTools offer = OfferTools::Registered);
    QList<ModelCallInfo> modelCalls(bool pendingOnly = true) const;
    // Registers a tool the model may call: parameters is the JSON schema its arguments are
    // validated against (arguments that do not match go back to the model as an error result).
    // The handler takes (const QJsonObject &args) or (const QJsonValue &args) and returns a
    // QJsonValue (or anything convertible; a string is sent as is, anything else as JSON).
    template<typename M>
    void tool(const QString &name, const QString &description, const QJsonObject &parameters,
              M method);
    QList<ToolDefinition> toolDefinitions() const;
    // Rules for the default ScriptedChatModel of this class (see ScriptedChatModel for the
    // format); used when the engine has no model provider and DURABLE_MODEL is not "openai".
    virtual QJsonObject scriptedRules() const { return {}; }
    // Model replies with tool calls allowed per callModel(); past it the continuation gets an
    // error instead of another round.
    virtual int maxToolRounds() const { return 8; }

    // --- WebSocket connections (the gateway's GET /objects/{class}/{name}/connect) ---
    // Each is a turn of its own ("connect", "message", "close"). The gateway holds the socket,
    // so the object may hibernate while a client stays connected; a message wakes it. After the
    // connect turn the client gets {"type": "hello", "connectionId", "state", ...}, and after
    // every later turn that changed the state, {"type": "state", "state"}.
    //
    // Defaults: onConnect() and onClose() do nothing. onMessage() takes a call
    // {"type": "call", "id": any, "method": name, "args": value}, runs the handler registered
    // under method in this turn and sends {"type": "reply", "id", "result"} to the connection;
    // anything else fails the turn (the client gets an error). onClose() runs when the client
    // closed or went away; it does not run when the serving process stops.
    virtual void onConnect(const AgentConnection &connection);
    virtual void onMessage(const AgentConnection &connection, const QString &message);
    virtual void onClose(const AgentConnection &connection, int code, const QString &reason);
    // Messages leave after the turn commits, in the order sent, and not at all if it rolls back.
    // A string is sent as it is, any other value as compact JSON text. A message to a connection
    // that has closed is dropped; so is one sent while no client is connected.
    void send(const QString &connectionId, const QJsonValue &message);
    void broadcast(const QJsonValue &message, const QStringList &except = {});

private:
    // The engine's ways in: HumanInbox runs the "human-answer" turn, AgentConnections the turns
    // of WebSocket clients; AgentAccess (agentaccess.h)
    // is how the other engine parts (model calls, object calls, admin commands) reach the
    // turns below.
    friend class AgentConnections;
    friend class HumanInbox;
    friend struct AgentAccess;
    using HandlerFn = AgentDetail::HandlerFn;
    using ContinuationFn = AgentDetail::ContinuationFn;
    void addTool(const ToolDefinition &definition, HandlerFn fn);
    void addHandler(const QString &name, HandlerFn fn);
    void addContinuation(const QString &name, ContinuationFn fn);

    // Turns the engine runs on the agent, besides onRequest() and onAlarm().
    QJsonValue deliverHumanAnswer(const QString &requestId, const HumanResponse &response);
    QJsonValue runScheduleNow(const ScheduleInfo &schedule);
    QJsonValue replaceState(const QJsonObject &next);
    QJsonValue deliverModelReply(const QString &callId, int round, const Result<ChatReply> &reply);
    QJsonValue runToolCall(const QString &callId, const QString &toolCallId);
    QJsonValue deliverCallReply(const OutgoingCallInfo &call, const Result<QJsonValue> &reply);
    // The "connect", "message" and "close" turns of a WebSocket client (AgentConnections).
    QJsonValue deliverConnect(const AgentConnection &connection);
    QJsonValue deliverMessage(const AgentConnection &connection, const QString &message);
    QJsonValue deliverClose(const AgentConnection &connection, int code, const QString &reason);

    // The turn boundary of every entry point above (see agent.cpp).
    template<typename F>
    QJsonValue inTurn(F &&fn);
    void ensureLoaded() const;

    // The concerns (registry, state, step, schedules, human requests, model and object calls)
    // as collaborator classes, kept out of this header.
    struct Parts;
    std::unique_ptr<Parts> m_parts;
};

template<typename M>
void Agent::handle(const QString &name, M method)
{
    using C = typename AgentDetail::Member<M>::Class;
    static_assert(std::is_base_of_v<Agent, C>, "handlers are member functions of the agent");
    constexpr bool withArgs = std::is_invocable_v<M, C &, const QJsonValue &>;
    static_assert(withArgs || std::is_invocable_v<M, C &>,
                  "a handler takes (const QJsonValue &args) or nothing");
    addHandler(name, [this, method](const QJsonValue &args) -> QJsonValue {
        C &self = static_cast<C &>(*this);
        if constexpr (withArgs) {
            if constexpr (std::is_void_v<std::invoke_result_t<M, C &, const QJsonValue &>>) {
                std::invoke(method, self, args);
                return QJsonValue();
            } else {
                return QJsonValue(std::invoke(method, self, args));
            }
        } else {
            Q_UNUSED(args);
            if constexpr (std::is_void_v<std::invoke_result_t<M, C &>>) {
                std::invoke(method, self);
                return QJsonValue();
            } else {
                return QJsonValue(std::invoke(method, self));
            }
        }
    });
}

template<typename M>
void Agent::continuation(const QString &name, M method)
{
    using C = typename AgentDetail::Member<M>::Class;
    static_assert(std::is_base_of_v<Agent, C>, "continuations are member functions of the agent");
    constexpr bool payload = std::is_invocable_v<M, C &, const QJsonValue &>;
    constexpr bool human =
        std::is_invocable_v<M, C &, const HumanRequestInfo &, const HumanResponse &>;
    constexpr bool modelResult =
        std::is_invocable_v<M, C &, const QJsonValue &, const Result<ChatReply> &>;
    constexpr bool modelReply = std::is_invocable_v<M, C &, const QJsonValue &, const ChatReply &>;
    static_assert(payload || human || modelResult || modelReply,
                  "a continuation takes (const QJsonValue &payload), "
                  "(const HumanRequestInfo &request, const HumanResponse &response), "
                  "(const QJsonValue &payload, const Result<ChatReply> &reply) or "
                  "(const QJsonValue &payload, const ChatReply &reply)");
    ContinuationFn fn;
    if constexpr (modelResult || modelReply) {
        fn.model = [this, method](const QJsonValue &value,
                                  const Result<ChatReply> &reply) -> QJsonValue {
            C &self = static_cast<C &>(*this);
            const auto invoke = [&]() -> decltype(auto) {
                if constexpr (modelResult) {
                    return std::invoke(method, self, value, reply);
                } else if (reply.ok()) {
                    return std::invoke(method, self, value, reply.value());
                } else {
                    ChatReply failed;
                    failed.finishReason = QStringLiteral("error");
                    failed.content = reply.error().message();
                    return std::invoke(method, self, value, failed);
                }
            };
            if constexpr (std::is_void_v<decltype(invoke())>) {
                invoke();
                return QJsonValue();
            } else {
                return QJsonValue(invoke());
            }
        };
    } else if constexpr (payload) {
        fn.payload = [this, method](const QJsonValue &value) -> QJsonValue {
            C &self = static_cast<C &>(*this);
            if constexpr (std::is_void_v<std::invoke_result_t<M, C &, const QJsonValue &>>) {
                std::invoke(method, self, value);
                return QJsonValue();
            } else {
                return QJsonValue(std::invoke(method, self, value));
            }
        };
    } else {
        fn.human = [this, method](const HumanRequestInfo &request,
                                  const HumanResponse &response) -> QJsonValue {
            C &self = static_cast<C &>(*this);
            using R = std::invoke_result_t<M, C &, const HumanRequestInfo &, const HumanResponse &>;
            if constexpr (std::is_void_v<R>) {
                std::invoke(method, self, request, response);
                return QJsonValue();
            } else {
                return QJsonValue(std::invoke(method, self, request, response));
            }
        };
    }
    addContinuation(name, std::move(fn));
}

template<typename M>
void Agent::tool(const QString &name, const QString &description, const QJsonObject &parameters,
                 M method)
{
    using C = typename AgentDetail::Member<M>::Class;
    static_assert(std::is_base_of_v<Agent, C>, "tools are member functions of the agent");
    constexpr bool withValue = std::is_invocable_v<M, C &, const QJsonValue &>;
    constexpr bool withObject = std::is_invocable_v<M, C &, const QJsonObject &>;
    static_assert(withValue || withObject,
                  "a tool takes (const QJsonObject &args) or (const QJsonValue &args)");
    addTool(ToolDefinition {name, description, parameters},
            [this, method](const QJsonValue &args) -> QJsonValue {
                C &self = static_cast<C &>(*this);
                const auto invoke = [&]() -> decltype(auto) {
                    if constexpr (withValue)
                        return std::invoke(method, self, args);
                    else
                        return std::invoke(method, self, args.toObject());
                };
                if constexpr (std::is_void_v<decltype(invoke())>) {
                    invoke();
                    return QJsonValue();
                } else {
                    return QJsonValue(invoke());
                }
            });
}

} // namespace Durable
