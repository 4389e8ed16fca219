// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace Durable {

// What the engine tells a recording about the operations a user makes on it: calls through
// stubs from Engine::stub(), human answers through HumanInbox, evict and crash, the virtual
// clock's jumps. The engine (and the agent layer above it) call these hooks; ScenarioRecorder
// implements them. Attach one with Engine::attachRecorder().
//
// Hooks are called from any thread. A step is recorded when its operation is issued (so
// steps keep that order) and completed through the returned token when its outcome arrives.
class OperationRecorder
{
public:
    enum class ClockMove { Advance, RunToNextAlarm };
    enum class Fault { Evict, Crash };

    virtual ~OperationRecorder() = default;

    virtual int callIssued(const QString &className, const QString &name, const ObjectId &id,
                           const QString &method, const QJsonValue &args) = 0;
    virtual void callFinished(int token, const Result<QJsonValue> &outcome) = 0;
    // response: a HumanResponse as JSON.
    virtual int answerIssued(const QString &requestId, const QJsonObject &response) = 0;
    virtual void answerTargeted(int token, const QString &className, const QString &name,
                                const ObjectId &id, const QString &title) = 0;
    virtual void answerFinished(int token, const Result<QJsonValue> &outcome) = 0;
    virtual void clockMoved(ClockMove move, qint64 fromMs, qint64 toMs, int fired) = 0;
    virtual void faultInjected(Fault fault, const ObjectId &id) = 0;
};

} // namespace Durable
