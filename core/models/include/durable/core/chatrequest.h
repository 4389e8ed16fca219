// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <durable/core/chatmessage.h>
#include <durable/core/result.h>
#include <durable/core/tooldefinition.h>
#include <optional>

namespace Durable {

// Everything a model call sends: the model name, the conversation, the tools on offer and the
// sampling options. A plain value: the engine stores it as JSON before the call is sent and
// re-issues it after a restart, so toJson()/fromJson() round-trip exactly. No credentials ever.
struct ChatRequest
{
    QString model; // empty: the ChatModel's configured default
    QList<ChatMessage> messages;
    QList<ToolDefinition> tools;
    std::optional<double> temperature;
    std::optional<int> maxTokens;

    QJsonObject toJson() const;
    static Result<ChatRequest> fromJson(const QJsonObject &json);

    // Compact JSON with keys sorted: equal requests give equal bytes whatever the key order
    // of the JSON they were read from.
    QByteArray canonicalJson() const;
    // Lower-case hex SHA-256 of canonicalJson(); cassettes and the journal key calls by it.
    QString fingerprint() const;

    // Content of the last user message, or empty if there is none.
    QString lastUserMessage() const;
    // Contents of the system messages joined by blank lines.
    QString systemPrompt() const;
    // The most recent tool result after the last user message (what the model is asked to
    // continue from after a tool ran); nullopt if no tool answered since the user spoke.
    std::optional<ChatMessage> lastToolResult() const;

    friend bool operator==(const ChatRequest &, const ChatRequest &) = default;
};

} // namespace Durable
