// SPDX-License-Identifier: MIT
#pragma once

#include "scenariorunner.h"

#include <memory>

namespace Durable::Cli {

class EngineSession;

// The what-if steps of a scenario: "sandbox" copies an object at one of its turns into a sandbox
// and moves the scenario there, "modelSource" chooses where one answer of one model call comes
// from (recorded, live or edited), and "assertCompare" compares the sandbox's copy with the
// original. Holds the original's session while the scenario runs in the sandbox.
//
// Main thread; blocks while a step runs, like ScenarioRunner.
class ScenarioBranch
{
public:
    using StepOutcome = ScenarioRunner::StepOutcome;

    ScenarioBranch(AgentPackageLoader *packages, const ModelChoice &model);
    ~ScenarioBranch();

    // session is the scenario's current one; on success it is the sandbox's, and the original's
    // is kept here.
    StepOutcome sandbox(const ScenarioStep &step, std::unique_ptr<EngineSession> &session);
    StepOutcome modelSource(const ScenarioStep &step, EngineSession &session);
    StepOutcome assertCompare(const ScenarioStep &step, EngineSession &session);

private:
    AgentPackageLoader *m_packages;
    ModelChoice m_model;
    std::unique_ptr<EngineSession> m_original;
};

} // namespace Durable::Cli
