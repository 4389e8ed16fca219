// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>

namespace DurableExamples {

// A chat agent with conversation memory (its own SQL table "messages") and three tools: "now"
// (the engine clock's time), "remember" (a fact kept in state and in every later system prompt)
// and "forget" (asks the person to confirm, then drops every fact).
//
//   chat {text} -> callModel with the whole conversation -> onAnswer stores the answer in memory
//                  and in state.lastAnswer
//   history     -> the conversation, oldest first
//   status      -> state, pending model calls
//   forget      -> askHuman (approve / reject) -> onForgetAnswer clears state.facts on approve
//                  and answers in the conversation and state.lastAnswer either way
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
    QJsonValue forget(const QJsonObject &args);
    QJsonValue onForgetAnswer(const Durable::HumanRequestInfo &request,
                              const Durable::HumanResponse &response);

    void ensureMemory();
    void appendMessage(const Durable::ChatMessage &message);
    QList<Durable::ChatMessage> conversation();
    bool m_memoryReady = false;
};

} // namespace DurableExamples
