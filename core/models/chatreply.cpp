// SPDX-License-Identifier: MIT
#include <QJsonArray>
#include <durable/core/chatreply.h>

namespace Durable {

ChatMessage ChatReply::toMessage() const
{
    return ChatMessage::assistant(content, toolCalls);
}

QJsonObject ChatReply::toJson() const
{
    QJsonArray calls;
    for (const ToolCall &call : toolCalls)
        calls.append(call.toJson());
    QJsonObject json {
        {QStringLiteral("content"), content},           {QStringLiteral("toolCalls"), calls},
        {QStringLiteral("finishReason"), finishReason}, {QStringLiteral("usage"), usage.toJson()},
        {QStringLiteral("latencyMs"), latencyMs},       {QStringLiteral("model"), model},
        {QStringLiteral("provider"), provider},         {QStringLiteral("scripted"), scripted}};
    if (!replayedFrom.isEmpty())
        json.insert(QStringLiteral("replayedFrom"), replayedFrom);
    return json;
}

Result<ChatReply> ChatReply::fromJson(const QJsonObject &json)
{
    ChatReply reply;
    reply.content = json.value(QStringLiteral("content")).toString();
    const QJsonArray calls = json.value(QStringLiteral("toolCalls")).toArray();
    for (const QJsonValue &value : calls) {
        Result<ToolCall> call = ToolCall::fromJson(value.toObject());
        if (!call)
            return call.error().prefixed(QStringLiteral("In a chat reply"));
        reply.toolCalls.append(std::move(call).value());
    }
    reply.finishReason = json.value(QStringLiteral("finishReason")).toString();
    Result<TokenUsage> usage = TokenUsage::fromJson(json.value(QStringLiteral("usage")).toObject());
    if (!usage)
        return usage.error().prefixed(QStringLiteral("In a chat reply"));
    reply.usage = usage.value();
    reply.latencyMs = json.value(QStringLiteral("latencyMs")).toInteger();
    reply.model = json.value(QStringLiteral("model")).toString();
    reply.provider = json.value(QStringLiteral("provider")).toString();
    reply.scripted = json.value(QStringLiteral("scripted")).toBool();
    reply.replayedFrom = json.value(QStringLiteral("replayedFrom")).toString();
    return reply;
}

} // namespace Durable
