// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QJsonValue>

#include <functional>
#include <memory>

namespace Durable {

class EngineCore;
class RecordingTap;

using ReplyHandler = std::function<void(const Result<QJsonValue> &reply)>;

// A handle to one durable object, cheap to copy and usable from any thread.
//
// Failures reach the caller as a Durable::Error: through the QFuture (result() rethrows it;
// use .onFailed([](const Durable::Error &e) {...}) in continuations), or as the error of the
// Result handed to a ReplyHandler. A reply is released only after the turn that produced it
// has committed.
class Stub
{
public:
    Stub() = default;

    bool isValid() const { return m_core != nullptr; }
    ObjectId id() const { return m_id; }
    QString className() const { return m_className; }
    QString name() const { return m_name; }

    QFuture<QJsonValue> call(const QString &method, const QJsonValue &args = {}) const;
    // Lowest-overhead form: handler runs on the object's worker thread, or at once on the
    // calling thread when the call is refused (full queue, engine stopped). Keep it short.
    void call(const QString &method, const QJsonValue &args, ReplyHandler handler) const;

private:
    friend class Engine;
    friend class EngineCore;
    Stub(std::shared_ptr<EngineCore> core, QString className, ObjectId id, QString name)
        : m_core(std::move(core)), m_className(std::move(className)), m_id(std::move(id)),
          m_name(std::move(name))
    { }
    std::shared_ptr<EngineCore> m_core;
    // Set on stubs that Engine::stub() hands out, not on those turns use to message other
    // objects: only calls from outside the engine are a user's to record.
    std::shared_ptr<RecordingTap> m_tap;
    QString m_className;
    ObjectId m_id;
    QString m_name;
};

} // namespace Durable
