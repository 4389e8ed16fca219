// SPDX-License-Identifier: MIT
#pragma once

#include "turn.h"

#include <durable/core/error.h>
#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QJsonValue>
#include <QPromise>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace Durable {

class EngineCore;
class ObjectHost;

// One piece of engine work run on an object's strand on behalf of an API outside it (the
// inspector, the agent and model call directories, the human inbox), with its value handed
// back to the caller. Every such call makes the same checks, in one place:
// - no engine (a handle built without one), the engine not running, an unknown class: refused
//   before anything is queued;
// - a full queue, an object that does not exist (reads and commands never create one), a
//   quarantined object: refused by the strand itself (Worker), with the object's own error,
//   which is the same for every turn; a check here could only race it and say less;
// - fn throwing: caught at the turn boundary, which rolls the turn back and reports the error.
struct StrandCall
{
    enum class Kind {
        Read,    // an inspection turn: not journaled, no change events, never creates the object
        Command, // a user's action on an existing object, journaled under trigger (AdminCommand)
        Turn,    // a journaled turn under trigger that may create the object (name names it)
    };
    Kind kind = Kind::Read;
    QString owner; // the API making the call, for errors: "A human inbox"
    QString className;
    ObjectId id;
    QString name;    // Turn: the name a new object gets
    QString trigger; // Command and Turn: the journal's trigger; also the method unless given
    QString method;
    QJsonValue args;
};

namespace StrandCalls {

// The error that refuses the call before anything is queued, if any. Any thread.
std::optional<Error> refusal(const EngineCore *core, const StrandCall &call);
// The Task turn the call runs as, without its task and reply.
Turn prepare(const StrandCall &call);
// Queues turn on the call's strand (through AdminCommand for a command). Any thread
// outside a turn; inside one, reads and turns leave with its commit (the output gate).
void send(const std::shared_ptr<EngineCore> &core, const StrandCall &call, Turn turn);

} // namespace StrandCalls

template<typename T>
QFuture<T> failedFuture(const Error &error)
{
    QPromise<T> promise;
    promise.start();
    promise.setException(error);
    promise.finish();
    return promise.future();
}

// Hands a result to whoever waits on promise's future.
template<typename T>
void fulfil(QPromise<T> &promise, Result<T> result)
{
    if (result.ok())
        promise.addResult(std::move(result).value());
    else
        promise.setException(result.error());
    promise.finish();
}

// Runs fn on the call's strand and hands done its value, or the error that refused or failed
// the turn. done runs once: on the object's worker thread after the turn's commit, or at once
// on the calling thread when the call is refused. A command or turn has output(value) as its
// journal output when output is given.
template<typename T>
void callOnStrand(const std::shared_ptr<EngineCore> &core, const StrandCall &call,
                  std::function<T(ObjectHost &)> fn, std::function<void(Result<T>)> done,
                  std::function<QJsonValue(const T &)> output = {})
{
    if (std::optional<Error> refused = StrandCalls::refusal(core.get(), call)) {
        done(*refused);
        return;
    }
    // The value waits here for the commit: only then does it leave the turn.
    auto value = std::make_shared<std::optional<T>>();
    Turn turn = StrandCalls::prepare(call);
    turn.task = [fn = std::move(fn), output = std::move(output), value](ObjectHost &host) {
        *value = fn(host);
        return output ? output(**value) : QJsonValue();
    };
    const QString label = call.className + u'/' +
                          (call.name.isEmpty() ? call.id.toString().left(16) : call.name);
    turn.reply = [done = std::move(done), value, label](const Result<QJsonValue> &result) {
        if (!result.ok())
            done(result.error());
        else if (!value->has_value()) // a turn that succeeded runs its task: our bug
            done(Error(ErrorCode::Internal,
                       QStringLiteral("The turn on %1 returned no value").arg(label)));
        else
            done(std::move(**value));
    };
    StrandCalls::send(core, call, std::move(turn));
}

// callOnStrand with its outcome as a future.
template<typename T>
QFuture<T> runOnStrand(const std::shared_ptr<EngineCore> &core, const StrandCall &call,
                       std::function<T(ObjectHost &)> fn,
                       std::function<QJsonValue(const T &)> output = {})
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    callOnStrand<T>(
        core, call, std::move(fn),
        [promise](Result<T> result) { fulfil(*promise, std::move(result)); }, std::move(output));
    return future;
}

// A read on the object's strand (an inspection turn: not journaled, never creates the object).
// owner names the API making it, for errors: "An inspector".
template<typename T>
QFuture<T> readOnStrand(const std::shared_ptr<EngineCore> &core, const QString &owner,
                        const QString &className, const ObjectId &id,
                        std::function<T(ObjectHost &)> fn)
{
    StrandCall call;
    call.owner = owner;
    call.className = className;
    call.id = id;
    return runOnStrand<T>(core, call, std::move(fn));
}

// A command: a real turn on an existing object's strand, journaled with trigger and args (see
// AdminCommand). What it shows the world goes through host.effects(), as in any turn.
template<typename T>
QFuture<T> commandOnStrand(const std::shared_ptr<EngineCore> &core, const QString &owner,
                           const QString &className, const ObjectId &id, const QString &trigger,
                           const QJsonValue &args, std::function<T(ObjectHost &)> fn)
{
    StrandCall call;
    call.kind = StrandCall::Kind::Command;
    call.owner = owner;
    call.className = className;
    call.id = id;
    call.trigger = trigger;
    call.args = args;
    return runOnStrand<T>(core, call, std::move(fn));
}

} // namespace Durable
