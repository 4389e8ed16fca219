// SPDX-License-Identifier: MIT
#include "agentconnectionmessages.h"

#include "turneffects.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Durable {

QString AgentConnectionMessages::text(const QJsonValue &message)
{
    if (message.isString())
        return message.toString();
    if (message.isObject())
        return QString::fromUtf8(QJsonDocument(message.toObject()).toJson(QJsonDocument::Compact));
    if (message.isArray())
        return QString::fromUtf8(QJsonDocument(message.toArray()).toJson(QJsonDocument::Compact));
    // A scalar: its JSON text, as an array of one shows it, without the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray {message}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

void AgentConnectionMessages::send(const QString &connectionId, const QJsonValue &message)
{
    m_messages.push_back({{connectionId}, {}, text(message)});
}

void AgentConnectionMessages::broadcast(const QJsonValue &message, const QStringList &except)
{
    m_messages.push_back({{}, except, text(message)});
}

void AgentConnectionMessages::sendFirst(const QString &connectionId, const QJsonValue &message)
{
    m_messages.insert(m_messages.begin(), Message {{connectionId}, {}, text(message)});
}

void AgentConnectionMessages::publish(TurnEffects &effects) const
{
    for (const Message &message : m_messages) {
        QJsonObject detail {{QStringLiteral("data"), message.data}};
        if (!message.to.isEmpty())
            detail.insert(QStringLiteral("to"), QJsonArray::fromStringList(message.to));
        if (!message.except.isEmpty())
            detail.insert(QStringLiteral("except"), QJsonArray::fromStringList(message.except));
        effects.publish(ChangeEvent::Kind::ConnectionMessage, std::move(detail));
    }
}

} // namespace Durable
