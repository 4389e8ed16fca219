// SPDX-License-Identifier: MIT
#include <durable/core/agentconnections.h>

#include "engineaccess.h"
#include "objecthost.h"
#include "strandcall.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <atomic>
#include <durable/core/agent.h>

namespace Durable {

namespace {

// Queues one connection turn on the object's strand; fn runs it on the agent.
QFuture<QJsonValue> connectionTurn(const std::shared_ptr<EngineCore> &core,
                                   const QString &className, const QString &name,
                                   const QString &trigger, const QJsonObject &args,
                                   std::function<QJsonValue(Agent &)> fn)
{
    StrandCall call;
    call.kind = StrandCall::Kind::Turn;
    call.owner = QStringLiteral("A WebSocket connection");
    call.className = className;
    call.id = ObjectId::fromName(className, name);
    call.name = name;
    call.trigger = trigger;
    call.args = args;
    return runOnStrand<QJsonValue>(core, call, [fn = std::move(fn), trigger](ObjectHost &host) {
        auto *agent = dynamic_cast<Agent *>(&host.instance());
        if (!agent) {
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 is not an agent: only agents take WebSocket "
                                       "connections (its \"%2\" turn cannot run)")
                            .arg(host.label(), trigger));
        }
        return fn(*agent);
    });
}

} // namespace

AgentConnections::AgentConnections(Engine *engine) : m_core(EngineAccess::core(engine))
{ }

QFuture<QJsonValue> AgentConnections::connect(const QString &className, const QString &name,
                                              const AgentConnection &connection) const
{
    return connectionTurn(m_core, className, name, QStringLiteral("connect"),
                          {{QStringLiteral("connection"), connection.toJson()}},
                          [connection](Agent &agent) { return agent.deliverConnect(connection); });
}

QFuture<QJsonValue> AgentConnections::message(const QString &className, const QString &name,
                                              const AgentConnection &connection,
                                              const QString &text) const
{
    return connectionTurn(
        m_core, className, name, QStringLiteral("message"),
        {{QStringLiteral("connection"), connection.id}, {QStringLiteral("message"), text}},
        [connection, text](Agent &agent) { return agent.deliverMessage(connection, text); });
}

QFuture<QJsonValue> AgentConnections::close(const QString &className, const QString &name,
                                            const AgentConnection &connection, int code,
                                            const QString &reason) const
{
    return connectionTurn(m_core, className, name, QStringLiteral("close"),
                          {{QStringLiteral("connection"), connection.id},
                           {QStringLiteral("code"), code},
                           {QStringLiteral("reason"), reason}},
                          [connection, code, reason](Agent &agent) {
                              return agent.deliverClose(connection, code, reason);
                          });
}

QString AgentConnections::newConnectionId()
{
    static std::atomic<quint64> next {0};
    // The random part keeps ids of two serving processes apart in one journal.
    return QStringLiteral("c-%1-%2").arg(++next).arg(QRandomGenerator::global()->generate(), 8, 16,
                                                     QLatin1Char('0'));
}

} // namespace Durable
