// SPDX-License-Identifier: MIT
#include <durable/core/engine.h>

#include "enginecore.h"
#include "objecthost.h"
#include "worker.h"

#include <QPromise>

namespace Durable {

Engine::Engine(EngineOptions options, QObject *parent)
    : QObject(parent), m_core(std::make_shared<EngineCore>(std::move(options)))
{
    qRegisterMetaType<Durable::Error>();
    m_core->setEngine(this);
}

Engine::~Engine()
{
    shutdown();
}

Result<void> Engine::registerClass(const QString &name, ObjectFactory factory, ClassOptions options)
{
    return m_core->registerClass({name, std::move(factory), std::move(options)});
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
    return m_core->makeStub(className, name, ObjectId::fromName(className, name));
}

Result<Stub> Engine::stub(const QString &className, const ObjectId &id) const
{
    return m_core->makeStub(className, QString(), id);
}

namespace {

QFuture<void> controlTurn(EngineCore &core, const ObjectId &id, Turn::Kind kind)
{
    auto promise = std::make_shared<QPromise<void>>();
    promise->start();
    QFuture<void> future = promise->future();
    if (!core.isRunning()) {
        promise->setException(Error(ErrorCode::ShuttingDown, QStringLiteral("The engine is not running")));
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
    return controlTurn(*m_core, id, Turn::Kind::Evict);
}

QFuture<void> Engine::crash(const ObjectId &id)
{
    return controlTurn(*m_core, id, Turn::Kind::Crash);
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
