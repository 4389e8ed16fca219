// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

namespace Durable {
class Engine;
}

// The reference agents that ship with Durable Studio (see docs/WRITING_AGENTS.md).
namespace DurableExamples {

// Registers "Recruitment" and "Assistant" (with their workflow steps and descriptions).
void registerExampleClasses(Durable::Engine &engine);
// Submits three candidates to Recruitment, so a fresh studio has requests in its inbox once the
// (scripted) screening replies arrived. Fire and forget; the engine must be started.
void seedExampleData(Durable::Engine &engine);
// The scripted model rules compiled into the library: "recruitment" or "assistant".
QJsonObject exampleRules(const QString &name);

} // namespace DurableExamples
