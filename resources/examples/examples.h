// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classregistration.h>

#include <QJsonObject>
#include <QList>
#include <QString>

namespace Durable {
class Engine;
}

// The reference agents that ship with Durable Studio (see docs/WRITING_AGENTS.md) and the two
// small demo classes. Programs get them as the demo agents package (DemoAgentsPackage, loaded by
// `durable --demo` and by the studio for its demo directory); tests link them directly.
namespace DurableExamples {

// "Recruitment" and "Assistant" (with their workflow steps and descriptions).
QList<Durable::ClassRegistration> exampleClasses();
// The reference agents and the demo objects "Counter" and "Reminder".
QList<Durable::ClassRegistration> demoClasses();

// Registers exampleClasses() / demoClasses() into engine, which must not have started.
void registerExampleClasses(Durable::Engine &engine);
void registerDemoClasses(Durable::Engine &engine);
// The scripted model rules compiled into the library: "recruitment" or "assistant".
QJsonObject exampleRules(const QString &name);

} // namespace DurableExamples
