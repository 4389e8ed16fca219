// SPDX-License-Identifier: MIT
#include <QThread>
#include <durable/core/chatmodel.h>

namespace Durable {

ChatModel::ChatModel(QObject *parent) : QObject(parent)
{ }

ChatModel::~ChatModel() = default;

QString ModelCallContext::key() const
{
    return QStringLiteral("%1/%2/%3").arg(id.toString(), callId).arg(round);
}

void ChatModel::completeCall(const ModelCallContext &, const ChatRequest &request, Done done)
{
    complete(request, std::move(done));
}

void ChatModel::deliverLater(Done done, Result<ChatReply> result)
{
    // With `this` as context the call is dropped if the model dies first, and it always goes
    // through the event loop of the model's thread.
    QMetaObject::invokeMethod(
        this,
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
        Qt::QueuedConnection);
}

} // namespace Durable
