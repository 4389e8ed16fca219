// SPDX-License-Identifier: MIT
#include <durable/core/engine.h>

#include "enginecore.h"
#include "objecthost.h"
#include "recordingtap.h"
#include "worker.h"

#include <durable/core/operationrecorder.h>
#include <durable/core/virtualclock.h>

#include <QPromise>

namespace Durable {

Engine::Engine(EngineOptions options, QObject *parent)
    : QObject(parent), m_core(std::make_shared<EngineCore>(std::move(options))),
      m_tap(std::make_shared<RecordingTap>())
{
    qRegisterMetaType<Durable::Error>();
    m_core->setEngine(this);
    recordClockMoves();
}

void Engine::recordClockMoves()
{
    auto *clock = qobject_cast<VirtualClock *>(&m_core->clock());
    if (!clock)
        return;
    // Direct: the jump is recorded on the thread that made it, in order with the calls issued
    // before and after it.
    const std::shared_ptr<RecordingTap> tap = m_tap;
    connect(
        clock, &VirtualClock::advanced, this,
        [tap](qint64 fromMs, qint64 toMs, int fired) {
            if (std::shared_ptr<OperationRecorder> recorder = tap->recorder())
                recorder->clockMoved(OperationRecorder::ClockMove::Advance, fromMs, toMs, fired);
        },
        Qt::DirectConnection);
    connect(
        clock, &VirtualClock::ranToNextAlarm, this,
        [tap](qint64 fromMs, qint64 toMs, int fired) {
            if (std::shared_ptr<OperationRecorder> recorder = tap->recorder())
                recorder->clockMoved(OperationRecorder::ClockMove::RunToNextAlarm, fromMs, toMs,
                                     fired);
        },
        Qt::DirectConnection);
}

Engine::~Engine()
{
    shutdown();
}

Result<void> Engine::registerClass(const QString &name, ObjectFactory factory, ClassOptions options)
{
    return m_core->registerClass({name, std::move(factory), std::move(options)});
}

QFuture<void> Engine::replaceClass(const QString &name, ObjectFactory factory, ClassOptions options)
{
    return m_core->replaceClass({name, std::move(factory), std::move(options)});
}

QStringList Engine::classNames() const
{
    return m_core->classNames();
}

Result<void> Engine::start()
{
    return m_core->start();
}

void Engine::shutdown()
{
    m_core->shutdown();
}

bool Engine::isRunning() const
{
    return m_core->isRunning();
}

Result<Stub> Engine::stub(const QString &className, const QString &name) const
{
    if (name.isEmpty()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("An object name must not be empty (class %1)").arg(className));
    }
    return tapped(m_core->makeStub(className, name, ObjectId::fromName(className, name)));
}

Result<Stub> Engine::stub(const QString &className, const ObjectId &id) const
{
    return tapped(m_core->makeStub(className, QString(), id));
}

Result<Stub> Engine::tapped(Result<Stub> stub) const
{
    if (stub)
        stub->m_tap = m_tap;
    return stub;
}

namespace {

QFuture<void> controlTurn(EngineCore &core, const ObjectId &id, Turn::Kind kind)
{
    auto promise = std::make_shared<QPromise<void>>();
    promise->start();
    QFuture<void> future = promise->future();
    if (!core.isRunning()) {
        promise->setException(
            Error(ErrorCode::ShuttingDown, QStringLiteral("The engine is not running")));
        promise->finish();
        return future;
    }
    // Routed like any turn, so it runs between the object's turns on its own strand. An
    // object that is not in memory has nothing to evict or crash; the engine reports success.
    Turn turn;
    turn.kind = kind;
    turn.reply = [promise](const Result<QJsonValue> &result) {
        if (!result.ok())
            promise->setException(result.error());
        promise->finish();
    };
    core.dispatchActive(id, std::move(turn));
    return future;
}

} // namespace

QFuture<void> Engine::evict(const ObjectId &id)
{
    if (std::shared_ptr<OperationRecorder> recorder = m_tap->recorder())
        recorder->faultInjected(OperationRecorder::Fault::Evict, id);
    return controlTurn(*m_core, id, Turn::Kind::Evict);
}

QFuture<void> Engine::crash(const ObjectId &id)
{
    if (std::shared_ptr<OperationRecorder> recorder = m_tap->recorder())
        recorder->faultInjected(OperationRecorder::Fault::Crash, id);
    return controlTurn(*m_core, id, Turn::Kind::Crash);
}

Result<void> Engine::attachRecorder(std::shared_ptr<OperationRecorder> recorder)
{
    if (!m_tap->attach(std::move(recorder))) {
        return Error(
            ErrorCode::Conflict,
            QStringLiteral("A recording is already running on %1; stop it first").arg(dataDir()));
    }
    emit recordingChanged(true);
    return {};
}

std::shared_ptr<OperationRecorder> Engine::detachRecorder()
{
    std::shared_ptr<OperationRecorder> recorder = m_tap->detach();
    if (recorder)
        emit recordingChanged(false);
    return recorder;
}

std::shared_ptr<OperationRecorder> Engine::recorder() const
{
    return m_tap->recorder();
}

Clock *Engine::clock() const
{
    return &m_core->clock();
}

const EngineOptions &Engine::options() const
{
    return m_core->options();
}

QString Engine::dataDir() const
{
    return m_core->dataDir();
}

} // namespace Durable
