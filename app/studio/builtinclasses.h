// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {
class Engine;
}

// Registers the classes the studio ships with. For now two small demo objects, "Counter" and
// "Reminder"; the recruitment agent (the product's reference workflow) replaces them when the
// Agent SDK lands.
void registerBuiltinClasses(Durable::Engine &engine);
