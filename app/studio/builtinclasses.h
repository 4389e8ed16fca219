// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {
class Engine;
}

// Registers the classes the studio and the CLI ship with: the reference agents "Recruitment" and
// "Assistant" (resources/examples) when the app links durable_examples, else the old demo
// objects "Counter" and "Reminder".
void registerBuiltinClasses(Durable::Engine &engine);
// Seeds a fresh data directory: three candidates submitted to Recruitment, so the inbox has
// requests waiting. The engine must be started. Fire and forget.
void seedBuiltinData(Durable::Engine &engine);
