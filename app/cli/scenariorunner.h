// SPDX-License-Identifier: MIT
#pragma once

#include "scenarioresult.h"
#include <durable/core/scenario.h>

#include <durable/core/modelchoice.h>
#include <durable/core/result.h>

#include <QJsonValue>
#include <QList>
#include <QPair>

#include <memory>
#include <optional>

namespace Durable {
class AgentPackageLoader;
}

namespace Durable::Cli {

class EngineSession;
class ScenarioBranch;

// Runs one scenario against a fresh engine in a temporary data directory on a paused
// VirtualClock, step by step; the first failing step fails the scenario and the rest are
// skipped (they would only report follow-on failures).
//
// Main thread; blocks while it runs (the engine's workers do the turns).
class ScenarioRunner
{
public:
    // packages, if given, must outlive the runner: their classes are registered too.
    explicit ScenarioRunner(AgentPackageLoader *packages = nullptr);
    ~ScenarioRunner();

    ScenarioResult run(const Scenario &scenario);
    // Runs in dir (which should be empty) instead of a temporary directory, and leaves the data
    // there, so the outcome can be inspected afterwards. Empty: a temporary directory.
    void setDataDir(const QString &dir) { m_dataDir = dir; }
    // Where agents' model calls go (`durable test --model`); by default the environment decides.
    void setModel(const ModelChoice &model) { m_model = model; }

    // What a step that failed reports: why, and the expected and actual values.
    struct Failure
    {
        QString message;
        QString expected;
        QString actual;
    };
    using StepOutcome = std::optional<Failure>;

private:
    StepOutcome runStep(const ScenarioStep &step);
    StepOutcome call(const ScenarioStep &step);
    StepOutcome advance(const ScenarioStep &step);
    StepOutcome runToNextAlarm(const ScenarioStep &step);
    StepOutcome runUntilIdle(const ScenarioStep &step);
    StepOutcome evictOrCrash(const ScenarioStep &step, bool crash);
    StepOutcome restart();
    StepOutcome assertState(const ScenarioStep &step);
    StepOutcome assertStorage(const ScenarioStep &step);
    StepOutcome assertAlarm(const ScenarioStep &step);
    StepOutcome assertJournal(const ScenarioStep &step);
    StepOutcome assertSql(const ScenarioStep &step);
    StepOutcome answer(const ScenarioStep &step);
    StepOutcome assertPending(const ScenarioStep &step);
    StepOutcome assertStep(const ScenarioStep &step);
    StepOutcome settle(const ScenarioStep &step);
    StepOutcome busy();
    void noteObject(const ScenarioStep &step);

    // Compares a reply or error against "expect", "expectMatch" and "expectError".
    static StepOutcome checkReply(const ScenarioStep &step, const Result<QJsonValue> &reply);
    QStringList recentHistory(const ScenarioStep &step) const;
    qint64 nowMs() const;

    AgentPackageLoader *m_packages = nullptr;
    QString m_dataDir;
    ModelChoice m_model;
    std::unique_ptr<EngineSession> m_session;
    std::unique_ptr<ScenarioBranch> m_branch; // the what-if steps, and the original's session
    // Objects the steps so far addressed (class, id) and those they called durably, in order:
    // what settling waits for.
    QList<QPair<QString, ObjectId>> m_objects;
};

} // namespace Durable::Cli
