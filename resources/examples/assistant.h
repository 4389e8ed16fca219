// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>

namespace DurableExamples {

// A chat agent with conversation memory (its own SQL table "messages") and two tools: "now"
// (the engine clock's time) and "remember" (a fact kept in state and in every later system
// prompt).
//
//   chat {text} -> callModel with the whole conversation -> onAnswer stores the answer in memory
//                  and in state.lastAnswer
//   history     -> the conversation, oldest first
//   status      -> state, pending model calls
class Assistant : public Durable::Agent
{
public:
    Assistant();

protected:
    QJsonObject scriptedRules() const override;

private:
    QJsonValue chat(const QJsonValue &args);
    QJsonValue history();
    QJsonValue status() const;
    QJsonValue onAnswer(const QJsonValue &payload, const Durable::ChatReply &reply);
    QJsonValue now(const QJsonObject &args);
    QJsonValue remember(const QJsonObject &args);

    void ensureMemory();
    void appendMessage(const Durable::ChatMessage &message);
    QList<Durable::ChatMessage> conversation();
    bool m_memoryReady = false;
};

} // namespace DurableExamples
