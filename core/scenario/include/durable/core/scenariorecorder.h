// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/humanrequest.h>
#include <durable/core/objectid.h>
#include <durable/core/operationrecorder.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QJsonValue>
#include <QMutex>
#include <QObject>

#include <memory>
#include <vector>

namespace Durable {

class Clock;
class Engine;
class Inspector;
struct RecordedStep;

// Records what a user does with an engine — requests sent through stubs from Engine::stub(),
// answers given through HumanInbox::answer(), evict and crash, virtual clock jumps — as a
// scenario file that `durable test` replays on a fresh engine: each call with the reply or
// error it got, each answer by object and request title, each jump with the alarms it fired,
// then assertions on the final state of every object the session touched (step, pending human
// requests, agent state, key/value entries, alarm). Calls that turns make to other objects are
// not recorded: the replay makes them again.
//
// Attach one with Engine::startRecording(). The hooks are called from any thread (workers,
// pool threads, the GUI); steps keep the order in which their operations were issued, and a
// step's reply is filled in when it arrives. Emits stepRecorded() from the thread that recorded.
//
// Replays run on a paused virtual clock starting at the recording's start. Time that flowed
// between operations (a running virtual clock, or the system clock) becomes "advance" steps;
// then values that look like times (epoch milliseconds after 2000, ISO 8601 strings) are left
// out of the assertions, because a replay cannot hit them to the millisecond. Random ids
// (UUIDs, such as human request ids) are always left out.
class ScenarioRecorder : public QObject, public OperationRecorder
{
    Q_OBJECT
public:
    // Starts recording what users do with engine: a new recorder, attached to it. Fails with
    // Conflict while a recording runs. Costs the engine nothing while none does.
    static Result<std::shared_ptr<ScenarioRecorder>> start(Engine *engine);
    // Stops recording and returns the recorder to save (null when none was recording).
    static std::shared_ptr<ScenarioRecorder> stop(Engine *engine);
    // The recording running on engine, if any.
    static std::shared_ptr<ScenarioRecorder> active(const Engine *engine);

    // clock: the engine's clock; it must outlive the recorder's hooks.
    explicit ScenarioRecorder(Clock *clock, QObject *parent = nullptr);
    ~ScenarioRecorder() override;

    qint64 startMs() const { return m_startMs; }
    // User operations recorded so far.
    int stepCount() const;
    bool timeFlowed() const;

    // Hooks; any thread. A step is recorded when its operation is issued (so steps keep that
    // order) and completed by the returned token when its outcome arrives. An answer has a
    // move in between: its request found (object and title).
    int callIssued(const QString &className, const QString &name, const ObjectId &id,
                   const QString &method, const QJsonValue &args) override;
    void callFinished(int token, const Result<QJsonValue> &outcome) override;
    int answerIssued(const QString &requestId, const QJsonObject &response) override;
    void answerTargeted(int token, const QString &className, const QString &name,
                        const ObjectId &id, const QString &title) override;
    void answerFinished(int token, const Result<QJsonValue> &outcome) override;
    void clockMoved(ClockMove move, qint64 fromMs, qint64 toMs, int fired) override;
    void faultInjected(Fault fault, const ObjectId &id) override;
    void engineRestarted();

    // The scenario as JSON text: the recorded steps, then a settle step and the final-state
    // assertions, read from the engine now (on a helper thread; engine and inspector must stay
    // alive until the future finishes). Fails when nothing was recorded.
    QFuture<QByteArray> scenario(Engine *engine, const Inspector *inspector,
                                 const QString &name) const;
    // scenario(), written to file (its directory is created). Yields the number of steps recorded.
    QFuture<int> save(Engine *engine, const Inspector *inspector, const QString &file) const;

signals:
    void stepRecorded(int count);

private:
    int append(RecordedStep step);  // caller holds m_mutex; returns the token
    void catchUpTime(qint64 nowMs); // caller holds m_mutex
    void announce();

    Clock *m_clock;
    const qint64 m_startMs;
    mutable QMutex m_mutex;
    std::vector<RecordedStep> m_steps; // guarded by m_mutex
    qint64 m_timeMs;                   // where the replay's clock stands after the last step
    bool m_timeFlowed = false;
    int m_userSteps = 0;
};

} // namespace Durable
