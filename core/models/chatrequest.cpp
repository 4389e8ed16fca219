// SPDX-License-Identifier: MIT
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <durable/core/chatrequest.h>

namespace Durable {

QJsonObject ChatRequest::toJson() const
{
    QJsonArray messageArray;
    for (const ChatMessage &message : messages)
        messageArray.append(message.toJson());
    QJsonObject json {{QStringLiteral("model"), model}, {QStringLiteral("messages"), messageArray}};
    if (!tools.isEmpty()) {
        QJsonArray toolArray;
        for (const ToolDefinition &tool : tools)
            toolArray.append(tool.toJson());
        json.insert(QStringLiteral("tools"), toolArray);
    }
    if (temperature)
        json.insert(QStringLiteral("temperature"), *temperature);
    if (maxTokens)
        json.insert(QStringLiteral("maxTokens"), *maxTokens);
    return json;
}

Result<ChatRequest> ChatRequest::fromJson(const QJsonObject &json)
{
    ChatRequest request;
    request.model = json.value(QStringLiteral("model")).toString();
    const QJsonValue messages = json.value(QStringLiteral("messages"));
    if (!messages.isArray()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("A chat request has no \"messages\" array"));
    }
    const QJsonArray messageArray = messages.toArray();
    for (qsizetype i = 0; i < messageArray.size(); ++i) {
        Result<ChatMessage> message = ChatMessage::fromJson(messageArray.at(i).toObject());
        if (!message)
            return message.error().prefixed(QStringLiteral("Chat request message %1").arg(i));
        request.messages.append(std::move(message).value());
    }
    const QJsonArray toolArray = json.value(QStringLiteral("tools")).toArray();
    for (qsizetype i = 0; i < toolArray.size(); ++i) {
        Result<ToolDefinition> tool = ToolDefinition::fromJson(toolArray.at(i).toObject());
        if (!tool)
            return tool.error().prefixed(QStringLiteral("Chat request tool %1").arg(i));
        request.tools.append(std::move(tool).value());
    }
    const QJsonValue temperature = json.value(QStringLiteral("temperature"));
    if (temperature.isDouble())
        request.temperature = temperature.toDouble();
    else if (!temperature.isUndefined() && !temperature.isNull())
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("A chat request's \"temperature\" is not a number"));
    const QJsonValue maxTokens = json.value(QStringLiteral("maxTokens"));
    if (maxTokens.isDouble())
        request.maxTokens = maxTokens.toInt();
    else if (!maxTokens.isUndefined() && !maxTokens.isNull())
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("A chat request's \"maxTokens\" is not a number"));
    return request;
}

QByteArray ChatRequest::canonicalJson() const
{
    // QJsonObject keeps its keys sorted, so compact serialisation is already canonical.
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

QString ChatRequest::fingerprint() const
{
    return QString::fromLatin1(
        QCryptographicHash::hash(canonicalJson(), QCryptographicHash::Sha256).toHex());
}

QString ChatRequest::lastUserMessage() const
{
    for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
        if (it->role == ChatRole::User)
            return it->content;
    }
    return {};
}

QString ChatRequest::systemPrompt() const
{
    QStringList parts;
    for (const ChatMessage &message : messages) {
        if (message.role == ChatRole::System)
            parts.append(message.content);
    }
    return parts.join(QStringLiteral("\n\n"));
}

std::optional<ChatMessage> ChatRequest::lastToolResult() const
{
    for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
        if (it->role == ChatRole::Tool)
            return *it;
        if (it->role == ChatRole::User)
            break;
    }
    return std::nullopt;
}

} // namespace Durable
