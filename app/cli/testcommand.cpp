// SPDX-License-Identifier: MIT
#include "testcommand.h"

#include "commandline.h"
#include "enginesession.h"
#include "exitcode.h"
#include "junitwriter.h"
#include "scenariorunner.h"
#include <durable/core/modelchoice.h>
#include <durable/core/scenario.h>

#include <durable/core/agentpackageloader.h>

#include <QFileInfo>

namespace Durable::Cli {

namespace {

void printStep(const StepResult &step)
{
    switch (step.outcome) {
    case StepResult::Outcome::Passed:
        CommandLine::printOut(QStringLiteral("  ok    %1. %2").arg(step.index, 2).arg(step.title));
        break;
    case StepResult::Outcome::Skipped:
        CommandLine::printOut(QStringLiteral("  skip  %1. %2").arg(step.index, 2).arg(step.title));
        break;
    case StepResult::Outcome::Failed: {
        QString text = QStringLiteral("  FAIL  %1. %2\n        %3")
                           .arg(step.index, 2)
                           .arg(step.title, step.message);
        if (!step.expected.isEmpty())
            text += QStringLiteral("\n        expected: ") + step.expected;
        if (!step.actual.isEmpty())
            text += QStringLiteral("\n        actual:   ") + step.actual;
        if (!step.journal.isEmpty()) {
            text += QStringLiteral("\n        recent history of the object:");
            for (const QString &line : step.journal)
                text += QStringLiteral("\n          ") + line;
        }
        CommandLine::printOut(text);
        break;
    }
    }
}

} // namespace

int TestCommand::run(const QStringList &arguments)
{
    CommandLine cli(
        QStringLiteral("test"),
        QStringLiteral("Runs JSON scenario files, each against a fresh engine on a virtual "
                       "clock in a temporary data directory.\n"
                       "Step kinds: %1.\nExit code 0 when every scenario passed, 1 otherwise.")
            .arg(Scenario::stepKinds().join(QStringLiteral(", "))));
    const QCommandLineOption junit(QStringLiteral("junit"),
                                   QStringLiteral("Also write a JUnit XML report to FILE."),
                                   QStringLiteral("FILE"));
    cli.addOption(junit);
    cli.addAgentOptions();
    cli.addModelOption();
    cli.parser().addPositionalArgument(QStringLiteral("scenario"),
                                       QStringLiteral("Scenario files (*.json)."),
                                       QStringLiteral("SCENARIO..."));
    if (const auto stop = cli.parse(arguments))
        return *stop;
    ModelChoice model;
    if (const auto stop = cli.readModel(model))
        return *stop;
    const QStringList files = cli.parser().positionalArguments();
    if (files.isEmpty())
        return cli.usageError(QStringLiteral("no scenario files given"));
    for (const QString &file : files) {
        if (!QFileInfo(file).isFile())
            return cli.usageError(QStringLiteral("no such scenario file: %1").arg(file));
    }

    AgentPackageLoader packages; // every scenario's engine registers these classes too
    if (!cli.loadAgentPackages(packages))
        return exitStatus(ExitCode::EngineError);
    if (const Result<void> registrable = EngineSession::checkPackages(packages); !registrable) {
        CommandLine::printErr(
            QStringLiteral("durable test: %1").arg(registrable.error().message()));
        return exitStatus(ExitCode::EngineError);
    }

    QList<ScenarioResult> results;
    for (const QString &file : files) {
        ScenarioResult result;
        const auto scenario = Scenario::load(file);
        if (!scenario) {
            result.name = QFileInfo(file).completeBaseName();
            result.file = file;
            result.error = scenario.error().message();
        } else {
            CommandLine::printOut(QStringLiteral("scenario %1 (%2)").arg(scenario->name, file));
            ScenarioRunner runner(&packages);
            runner.setModel(model);
            result = runner.run(scenario.value());
            for (const StepResult &step : result.steps)
                printStep(step);
        }
        if (!result.error.isEmpty())
            CommandLine::printOut(QStringLiteral("ERROR %1: %2").arg(result.name, result.error));
        else
            CommandLine::printOut(
                QStringLiteral("%1 %2: %3/%4 steps passed (%5 ms)")
                    .arg(result.passed() ? QStringLiteral("PASS") : QStringLiteral("FAIL"),
                         result.name)
                    .arg(result.count(StepResult::Outcome::Passed))
                    .arg(result.steps.size())
                    .arg(result.elapsedMs));
        results.append(result);
    }
    int passed = 0;
    for (const ScenarioResult &result : results)
        passed += result.passed() ? 1 : 0;
    CommandLine::printOut(
        QStringLiteral("%1 of %2 scenarios passed").arg(passed).arg(results.size()));
    if (cli.parser().isSet(junit)) {
        const Result<void> written = JUnitWriter::write(cli.parser().value(junit), results);
        if (!written) {
            CommandLine::printErr(
                QStringLiteral("durable test: %1").arg(written.error().message()));
            return exitStatus(ExitCode::EngineError);
        }
    }
    return exitStatus(passed == results.size() ? ExitCode::Ok : ExitCode::TestsFailed);
}

} // namespace Durable::Cli
