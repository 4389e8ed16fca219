// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {
class AgentPackageLoader;
}

#include <QString>

namespace DurableTest {

// The built demo agents package's file: what `--agents` takes to load it where --demo is not
// offered (the studio on a directory of the user's).
QString demoAgentsPath();

// The demo agents package as built (DURABLE_DEMO_AGENTS_PATH), loaded once per process: what
// `durable --demo` loads, for the in-process ScenarioRunners of the CLI tests. Fails the test
// run (qFatal) if the package cannot be loaded, since every use needs its classes.
Durable::AgentPackageLoader &demoAgents();

} // namespace DurableTest
