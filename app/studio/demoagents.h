// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackagereport.h>

#include <QString>

namespace Durable {
class AgentPackageLoader;
}

namespace Durable::Studio {

// Where the demo agents package (Recruitment, Assistant, Counter, Reminder; built from
// resources/examples) is and how a program loads it. It is installed under
// lib/durable-studio/demo-agents and found relative to the running binary, so an installed
// tree and the build tree both work wherever they are. `durable --demo` and the studio's demo
// directory load it; nothing else does, so a user's engine has none of its class names taken.
class DemoAgents
{
public:
    // The package's library file (it may not exist, e.g. in a partial install).
    static QString file();
    // Loads the package into loader. A missing or refused package gives a report whose error
    // says the demo agents could not be loaded, and why.
    static AgentPackageReport load(AgentPackageLoader &loader);
};

} // namespace Durable::Studio
