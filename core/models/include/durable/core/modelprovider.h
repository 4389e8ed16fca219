// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>

namespace Durable {

class ChatModel;
class Clock;

// Makes the ChatModel that agents' model calls go through (EngineOptions::modelProvider).
//
// Called lazily on each worker thread, once per thread, on that thread: the model lives there
// and is destroyed with the worker. clock is the engine's clock (a VirtualClock in tests), for
// models whose replies take (virtual) time. Return nullptr to refuse; calls then fail clearly.
using ModelProvider = std::function<std::unique_ptr<ChatModel>(Clock *clock)>;

// The provider the engine uses when EngineOptions::modelProvider is empty: an
// OpenAiChatModel configured from OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL when
// DURABLE_MODEL=openai, otherwise nothing (each agent class then gets a ScriptedChatModel built
// from its own Agent::scriptedRules()). Any thread.
ModelProvider modelProviderFromEnvironment();

} // namespace Durable
