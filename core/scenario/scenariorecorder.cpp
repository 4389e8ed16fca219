// SPDX-License-Identifier: MIT
#include <durable/core/scenariorecorder.h>

#include "recordedstep.h"
#include "scenariowriter.h"

#include <durable/core/clock.h>
#include <durable/core/engine.h>

#include <QDir>
#include <QFileInfo>
#include <QPromise>
#include <QSaveFile>

#include <mutex>
#include <thread>
#include <vector>

namespace Durable {

namespace {

// Save threads are joined, never left to finish on their own: a thread that was still
// returning (and QThread's own end, which posts to the main thread) when `durable serve
// --record` destroyed its QCoreApplication raced with that teardown (found by ThreadSanitizer).
// They are joined when the process ends; by then each has long delivered its result.
class SaveThreads
{
public:
    template<typename Work>
    void start(Work work)
    {
        const std::lock_guard lock(m_mutex);
        m_threads.emplace_back(std::move(work));
    }

private:
    std::mutex m_mutex;
    std::vector<std::jthread> m_threads; // joined by their destructors
};

SaveThreads &saveThreads()
{
    static SaveThreads threads;
    return threads;
}

// Runs work on a thread of its own: the writer blocks on engine reads that themselves need the
// shared pools, so it must not sit on one of them.
template<typename T, typename Work>
QFuture<T> runOnOwnThread(Work work)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    saveThreads().start([promise, work]() mutable {
        Result<T> result = work();
        if (result)
            promise->addResult(result.value());
        else
            promise->setException(result.error());
        promise->finish();
    });
    return future;
}

Result<void> writeFile(const QString &file, const QByteArray &text)
{
    const QFileInfo info(file);
    if (!QDir().mkpath(info.absolutePath())) {
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not create the directory %1 for the scenario")
                         .arg(info.absolutePath()));
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size() || !out.commit()) {
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not write the scenario to %1: %2").arg(file, out.errorString()));
    }
    return {};
}

} // namespace

Result<std::shared_ptr<ScenarioRecorder>> ScenarioRecorder::start(Engine *engine)
{
    auto recorder = std::make_shared<ScenarioRecorder>(engine->clock());
    if (Result<void> attached = engine->attachRecorder(recorder); !attached)
        return attached.error();
    return recorder;
}

std::shared_ptr<ScenarioRecorder> ScenarioRecorder::stop(Engine *engine)
{
    return std::dynamic_pointer_cast<ScenarioRecorder>(engine->detachRecorder());
}

std::shared_ptr<ScenarioRecorder> ScenarioRecorder::active(const Engine *engine)
{
    return std::dynamic_pointer_cast<ScenarioRecorder>(engine->recorder());
}

ScenarioRecorder::ScenarioRecorder(Clock *clock, QObject *parent)
    : QObject(parent), m_clock(clock), m_startMs(clock->nowMs()), m_timeMs(m_startMs)
{ }

ScenarioRecorder::~ScenarioRecorder() = default;

int ScenarioRecorder::stepCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_userSteps;
}

bool ScenarioRecorder::timeFlowed() const
{
    QMutexLocker lock(&m_mutex);
    return m_timeFlowed;
}

int ScenarioRecorder::append(RecordedStep step)
{
    // Caller holds m_mutex.
    m_steps.push_back(std::move(step));
    ++m_userSteps;
    return int(m_steps.size()) - 1;
}

void ScenarioRecorder::catchUpTime(qint64 nowMs)
{
    // Caller holds m_mutex. Time that passed by itself becomes a jump, so alarms that came due
    // meanwhile in the session fire at the same point of the replay.
    if (nowMs <= m_timeMs)
        return;
    RecordedStep flow;
    flow.kind = RecordedStep::Kind::Advance;
    flow.byMs = nowMs - m_timeMs;
    m_steps.push_back(std::move(flow));
    m_timeMs = nowMs;
    m_timeFlowed = true;
}

void ScenarioRecorder::announce()
{
    emit stepRecorded(stepCount());
}

int ScenarioRecorder::callIssued(const QString &className, const QString &name, const ObjectId &id,
                                 const QString &method, const QJsonValue &args)
{
    int token;
    {
        QMutexLocker lock(&m_mutex);
        catchUpTime(m_clock->nowMs());
        RecordedStep step;
        step.kind = RecordedStep::Kind::Call;
        step.className = className;
        step.name = name;
        step.id = id;
        step.method = method;
        step.args = args;
        token = append(std::move(step));
    }
    announce();
    return token;
}

void ScenarioRecorder::callFinished(int token, const Result<QJsonValue> &outcome)
{
    QMutexLocker lock(&m_mutex);
    m_steps[size_t(token)].outcome = outcome;
}

int ScenarioRecorder::answerIssued(const QString &requestId, const QJsonObject &response)
{
    int token;
    {
        QMutexLocker lock(&m_mutex);
        catchUpTime(m_clock->nowMs());
        RecordedStep step;
        step.kind = RecordedStep::Kind::Answer;
        step.requestId = requestId;
        // The inbox hands over the JSON of a HumanResponse it holds, so it always reads back.
        Result<HumanResponse> parsed = HumanResponse::fromJson(response);
        step.response = parsed ? parsed.value() : HumanResponse {};
        step.targeted = false;
        token = append(std::move(step));
    }
    announce();
    return token;
}

void ScenarioRecorder::answerTargeted(int token, const QString &className, const QString &name,
                                      const ObjectId &id, const QString &title)
{
    QMutexLocker lock(&m_mutex);
    RecordedStep &step = m_steps[size_t(token)];
    step.className = className;
    step.name = name;
    step.id = id;
    step.title = title;
    step.targeted = true;
}

void ScenarioRecorder::answerFinished(int token, const Result<QJsonValue> &outcome)
{
    QMutexLocker lock(&m_mutex);
    m_steps[size_t(token)].outcome = outcome;
}

void ScenarioRecorder::clockMoved(ClockMove move, qint64 fromMs, qint64 toMs, int fired)
{
    {
        QMutexLocker lock(&m_mutex);
        catchUpTime(fromMs);
        RecordedStep step;
        step.kind = move == ClockMove::Advance ? RecordedStep::Kind::Advance
                                               : RecordedStep::Kind::RunToNextAlarm;
        step.byMs = std::max<qint64>(0, toMs - m_timeMs);
        step.fired = fired;
        append(std::move(step));
        m_timeMs = std::max(m_timeMs, toMs);
    }
    announce();
}

void ScenarioRecorder::faultInjected(Fault fault, const ObjectId &id)
{
    {
        QMutexLocker lock(&m_mutex);
        catchUpTime(m_clock->nowMs());
        RecordedStep step;
        step.kind = fault == Fault::Evict ? RecordedStep::Kind::Evict : RecordedStep::Kind::Crash;
        step.id = id;
        append(std::move(step));
    }
    announce();
}

void ScenarioRecorder::engineRestarted()
{
    {
        QMutexLocker lock(&m_mutex);
        catchUpTime(m_clock->nowMs());
        RecordedStep step;
        step.kind = RecordedStep::Kind::Restart;
        append(std::move(step));
    }
    announce();
}

QFuture<QByteArray> ScenarioRecorder::scenario(Engine *engine, const Inspector *inspector,
                                               const QString &name) const
{
    ScenarioWriter::Recording recording;
    {
        QMutexLocker lock(&m_mutex);
        recording.name = name;
        recording.startMs = m_startMs;
        recording.timeFlowed = m_timeFlowed;
        recording.steps = m_steps;
    }
    return runOnOwnThread<QByteArray>([engine, inspector, recording]() mutable {
        return ScenarioWriter(engine, inspector).write(std::move(recording));
    });
}

QFuture<int> ScenarioRecorder::save(Engine *engine, const Inspector *inspector,
                                    const QString &file) const
{
    ScenarioWriter::Recording recording;
    int operations;
    {
        QMutexLocker lock(&m_mutex);
        recording.name = QFileInfo(file).completeBaseName();
        recording.startMs = m_startMs;
        recording.timeFlowed = m_timeFlowed;
        recording.steps = m_steps;
        operations = m_userSteps;
    }
    return runOnOwnThread<int>(
        [engine, inspector, recording, file, operations]() mutable -> Result<int> {
            const Result<QByteArray> text =
                ScenarioWriter(engine, inspector).write(std::move(recording));
            if (!text)
                return text.error();
            if (const Result<void> written = writeFile(file, text.value()); !written)
                return written.error();
            return operations;
        });
}

} // namespace Durable
