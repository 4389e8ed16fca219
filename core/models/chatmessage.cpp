// SPDX-License-Identifier: MIT
#include <QJsonArray>
#include <durable/core/chatmessage.h>

namespace Durable {

ChatMessage ChatMessage::system(const QString &content)
{
    return ChatMessage {ChatRole::System, content, {}, {}, {}};
}

ChatMessage ChatMessage::user(const QString &content)
{
    return ChatMessage {ChatRole::User, content, {}, {}, {}};
}

ChatMessage ChatMessage::assistant(const QString &content, const QList<ToolCall> &toolCalls)
{
    return ChatMessage {ChatRole::Assistant, content, toolCalls, {}, {}};
}

ChatMessage ChatMessage::toolResult(const QString &toolCallId, const QString &content,
                                    const QString &name)
{
    return ChatMessage {ChatRole::Tool, content, {}, toolCallId, name};
}

QString ChatMessage::roleName(ChatRole role)
{
    switch (role) {
    case ChatRole::System:
        return QStringLiteral("system");
    case ChatRole::User:
        return QStringLiteral("user");
    case ChatRole::Assistant:
        return QStringLiteral("assistant");
    case ChatRole::Tool:
        return QStringLiteral("tool");
    }
    return QStringLiteral("user");
}

std::optional<ChatRole> ChatMessage::roleFromName(const QString &name)
{
    for (ChatRole role : {ChatRole::System, ChatRole::User, ChatRole::Assistant, ChatRole::Tool}) {
        if (roleName(role) == name)
            return role;
    }
    return std::nullopt;
}

QJsonObject ChatMessage::toJson() const
{
    QJsonObject json {{QStringLiteral("role"), roleName(role)},
                      {QStringLiteral("content"), content}};
    if (!toolCalls.isEmpty()) {
        QJsonArray calls;
        for (const ToolCall &call : toolCalls)
            calls.append(call.toJson());
        json.insert(QStringLiteral("toolCalls"), calls);
    }
    if (!toolCallId.isEmpty())
        json.insert(QStringLiteral("toolCallId"), toolCallId);
    if (!name.isEmpty())
        json.insert(QStringLiteral("name"), name);
    return json;
}

Result<ChatMessage> ChatMessage::fromJson(const QJsonObject &json)
{
    ChatMessage message;
    const QString roleText = json.value(QStringLiteral("role")).toString();
    const std::optional<ChatRole> role = roleFromName(roleText);
    if (!role) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("A chat message has role \"%1\"; expected system, user, "
                                    "assistant or tool")
                         .arg(roleText));
    }
    message.role = *role;
    message.content = json.value(QStringLiteral("content")).toString();
    const QJsonArray calls = json.value(QStringLiteral("toolCalls")).toArray();
    for (const QJsonValue &value : calls) {
        Result<ToolCall> call = ToolCall::fromJson(value.toObject());
        if (!call)
            return call.error().prefixed(QStringLiteral("In a %1 message").arg(roleText));
        message.toolCalls.append(std::move(call).value());
    }
    message.toolCallId = json.value(QStringLiteral("toolCallId")).toString();
    message.name = json.value(QStringLiteral("name")).toString();
    return message;
}

} // namespace Durable
