// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QUrl>

namespace Durable {

// Where and how OpenAiChatModel reaches an OpenAI-compatible server (OpenAI, Ollama, vLLM,
// llama.cpp, ...). The key lives only here, in memory: it is never logged, never put in an
// Error and never serialised.
struct OpenAiConfig
{
    QUrl baseUrl = QUrl(QStringLiteral("https://api.openai.com/v1"));
    QString model = QStringLiteral("gpt-4o-mini");
    QString apiKey;
    int timeoutMs = 60000;      // per attempt, from sending to the last byte of the reply
    int maxRetries = 4;         // extra attempts after a 429 or 5xx
    int initialBackoffMs = 500; // doubled after each retry unless the server sent Retry-After
    int maxBackoffMs = 30000;   // cap for both the doubling and Retry-After

    // OPENAI_BASE_URL (default https://api.openai.com/v1), OPENAI_API_KEY, OPENAI_MODEL
    // (default gpt-4o-mini).
    static OpenAiConfig fromEnvironment();
};

} // namespace Durable
