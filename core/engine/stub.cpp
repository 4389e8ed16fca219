// SPDX-License-Identifier: MIT
#include <durable/core/stub.h>

#include "enginecore.h"
#include "objecthost.h"
#include "recordingtap.h"
#include "turnrunner.h"

#include <durable/core/operationrecorder.h>

#include <QPromise>

namespace Durable {

QFuture<QJsonValue> Stub::call(const QString &method, const QJsonValue &args) const
{
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    promise->start();
    QFuture<QJsonValue> future = promise->future();
    if (const ObjectHost *caller = runningHost()) {
        // Inside a turn the reply can only be waited for, and waiting would hold the strand
        // (and its worker) until the callee answers: fail at once, naming the way that works.
        promise->setException(Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 called %2/%3.%4 and would wait for the reply inside its turn, "
                           "which blocks its worker. Use callObject(\"%2\", \"%3\", \"%4\", "
                           "args, \"onReply\") to get the reply as a new turn, or sendTo(...) to "
                           "send without a reply")
                .arg(caller->label(), m_className, m_name, method)));
        promise->finish();
        return future;
    }
    call(method, args, [promise](const Result<QJsonValue> &reply) {
        if (reply.ok())
            promise->addResult(reply.value());
        else
            promise->setException(reply.error());
        promise->finish();
    });
    return future;
}

void Stub::call(const QString &method, const QJsonValue &args, ReplyHandler handler) const
{
    if (!m_core) {
        if (handler)
            handler(
                Error(ErrorCode::InvalidArgument, QStringLiteral("Call through an empty stub")));
        return;
    }
    if (std::shared_ptr<OperationRecorder> recorder = m_tap ? m_tap->recorder() : nullptr) {
        const int token = recorder->callIssued(m_className, m_name, m_id, method, args);
        handler = [recorder, token, handler = std::move(handler)](const Result<QJsonValue> &reply) {
            recorder->callFinished(token, reply);
            if (handler)
                handler(reply);
        };
    }
    Turn turn;
    turn.method = method;
    turn.args = args;
    turn.reply = std::move(handler);
    m_core->dispatch(m_className, m_id, m_name, std::move(turn));
}

} // namespace Durable
