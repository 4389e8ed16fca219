// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <durable/core/result.h>
#include <durable/core/toolcall.h>
#include <optional>

namespace Durable {

enum class ChatRole { System, User, Assistant, Tool };

// One message of a conversation with a model. Assistant messages may carry the tool calls the
// model made; tool messages carry a tool's result and the toolCallId they answer. A plain value,
// persisted as JSON in agent memory and in model-call journal entries.
struct ChatMessage
{
    ChatRole role = ChatRole::User;
    QString content;
    QList<ToolCall> toolCalls; // assistant only
    QString toolCallId;        // tool only: the ToolCall::id this result answers
    QString name;              // optional: the tool's or participant's name

    static ChatMessage system(const QString &content);
    static ChatMessage user(const QString &content);
    static ChatMessage assistant(const QString &content, const QList<ToolCall> &toolCalls = {});
    static ChatMessage toolResult(const QString &toolCallId, const QString &content,
                                  const QString &name = {});

    static QString roleName(ChatRole role); // "system", "user", "assistant", "tool"
    static std::optional<ChatRole> roleFromName(const QString &name);

    // Empty optional fields are left out, so persisted conversations stay small.
    QJsonObject toJson() const;
    static Result<ChatMessage> fromJson(const QJsonObject &json);

    friend bool operator==(const ChatMessage &, const ChatMessage &) = default;
};

} // namespace Durable
