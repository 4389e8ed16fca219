// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Durable::Cli {

// What running one step gave: passed, failed (with what was expected and what happened, and
// the object's recent history), or skipped because an earlier step failed.
struct StepResult
{
    enum class Outcome { Passed, Failed, Skipped };
    int index = 0;
    QString kind;
    QString title;
    Outcome outcome = Outcome::Passed;
    QString message;
    QString expected;
    QString actual;
    QStringList journal; // the object's last journal entries and failed turns, on failure
    qint64 elapsedMs = 0;
};

struct ScenarioResult
{
    QString name;
    QString file;
    QString error; // the scenario could not be loaded or its engine did not start
    QList<StepResult> steps;
    qint64 elapsedMs = 0;

    bool passed() const
    {
        if (!error.isEmpty())
            return false;
        for (const StepResult &step : steps) {
            if (step.outcome != StepResult::Outcome::Passed)
                return false;
        }
        return true;
    }
    int count(StepResult::Outcome outcome) const
    {
        int n = 0;
        for (const StepResult &step : steps)
            n += step.outcome == outcome ? 1 : 0;
        return n;
    }
};

} // namespace Durable::Cli
