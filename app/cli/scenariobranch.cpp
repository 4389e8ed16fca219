// SPDX-License-Identifier: MIT
#include "scenariobranch.h"

#include "awaitresult.h"
#include "branchcompareview.h"
#include "enginesession.h"

#include <durable/core/branchcomparison.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/jsonmatch.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/modelsources.h>
#include <durable/core/sandboxes.h>

#include <QJsonArray>

namespace Durable::Cli {

namespace {

using Failure = ScenarioRunner::Failure;

QString errorText(const Error &error)
{
    return error.codeName() + QStringLiteral(": ") + error.message();
}

// "mc-2#1" -> the call and its round; "mc-1" is round 0.
ModelCallContext callOf(const ScenarioStep &step, const QString &spec)
{
    const qsizetype hash = spec.indexOf(QLatin1Char('#'));
    return {step.className(), step.objectId(), hash < 0 ? spec : spec.left(hash),
            hash < 0 ? 0 : spec.mid(hash + 1).toInt()};
}

// The object's newest turn, for a sandbox step without "turn".
Result<qint64> newestTurn(EngineSession &session, const ScenarioStep &step)
{
    JournalQuery newest;
    newest.limit = 1;
    const auto entries = awaitResult(
        session.inspector().journal(step.className(), step.objectId(), newest));
    if (!entries)
        return entries.error();
    if (entries->isEmpty())
        return Error(ErrorCode::NotFound,
                     QStringLiteral("%1 has no turn to copy yet").arg(step.objectLabel()));
    return entries->constFirst().seq;
}

} // namespace

ScenarioBranch::ScenarioBranch(AgentPackageLoader *packages, const ModelChoice &model)
    : m_packages(packages), m_model(model)
{ }

ScenarioBranch::~ScenarioBranch() = default;

ScenarioBranch::StepOutcome ScenarioBranch::sandbox(const ScenarioStep &step,
                                                    std::unique_ptr<EngineSession> &session)
{
    if (m_original)
        return Failure {QStringLiteral("the scenario runs in a sandbox already: a sandbox step "
                                       "copies from the original, once"),
                        {},
                        {}};
    const QJsonObject &p = step.params;
    const Result<qint64> seq = p.contains(QStringLiteral("turn"))
                                   ? Result<qint64>(p.value(QStringLiteral("turn")).toInteger())
                                   : newestTurn(*session, step);
    if (!seq)
        return Failure {
            QStringLiteral("could not find the turn to copy"), {}, errorText(seq.error())};
    const auto made = awaitResult(Sandboxes::create(&session->engine(), step.className(),
                                                    step.objectId(), seq.value(),
                                                    p.value(QStringLiteral("sandbox")).toString()));
    if (!made)
        return Failure {QStringLiteral("the sandbox was not made"), {}, errorText(made.error())};
    // The copy's choices before anything is sent: its pending calls go out when it opens.
    auto sources = ModelSources::open(made->dataDir);
    if (!sources)
        return Failure {QStringLiteral("could not read the sandbox's model sources"),
                        {},
                        errorText(sources.error())};
    const QJsonObject calls = p.value(QStringLiteral("modelCalls")).toObject();
    for (auto it = calls.begin(); it != calls.end(); ++it) {
        const auto choice = ModelSourceChoice::fromJson(it.value().toObject());
        const Result<void> chosen = choice ? sources.value()->choose(callOf(step, it.key()),
                                                                     choice.value())
                                           : Result<void>(choice.error());
        if (!chosen)
            return Failure {QStringLiteral("model call %1: the choice was refused").arg(it.key()),
                            {},
                            errorText(chosen.error())};
    }
    EngineOptions options;
    options.dataDir = made->dataDir;
    options.workerThreads = 2;
    options.setModel(m_model);
    auto opened = EngineSession::open(options, m_packages);
    if (!opened)
        return Failure {QStringLiteral("the sandbox did not open"), {}, errorText(opened.error())};
    const auto sent = awaitResult(ModelCallDirectory(&opened.value()->engine())
                                      .sendWaiting(step.className(), step.objectId()));
    if (!sent)
        return Failure {
            QStringLiteral("the copy's model calls were not sent"), {}, errorText(sent.error())};
    m_original = std::move(session);
    session = std::move(opened.value());
    return std::nullopt;
}

ScenarioBranch::StepOutcome ScenarioBranch::modelSource(const ScenarioStep &step,
                                                        EngineSession &session)
{
    const QJsonObject &p = step.params;
    const std::shared_ptr<ModelSources> sources = session.inspector().modelSources();
    const auto choice = ModelSourceChoice::fromJson(p);
    if (!sources || !choice)
        return Failure {QStringLiteral("the choice was refused"),
                        {},
                        choice ? QStringLiteral("this engine has no model sources")
                               : errorText(choice.error())};
    const ModelCallContext call {step.className(), step.objectId(),
                                 p.value(QStringLiteral("call")).toString(),
                                 p.value(QStringLiteral("round")).toInt()};
    // Too late for an answer already given: say so rather than choose for nothing.
    const auto made = awaitResult(
        session.inspector().modelCalls().modelCalls(step.className(), step.objectId()));
    for (const ModelCallInfo &info : made.valueOr({})) {
        if (info.id == call.callId && (!info.isPending() || info.round > call.round))
            return Failure {QStringLiteral("model call %1 (round %2) was answered already: "
                                           "choose before the step that makes it")
                                .arg(call.callId)
                                .arg(call.round),
                            {},
                            {}};
    }
    if (const Result<void> chosen = sources->choose(call, choice.value()); !chosen)
        return Failure {QStringLiteral("the choice was refused"), {}, errorText(chosen.error())};
    return std::nullopt;
}

ScenarioBranch::StepOutcome ScenarioBranch::assertCompare(const ScenarioStep &step,
                                                          EngineSession &session)
{
    if (!m_original)
        return Failure {
            QStringLiteral("nothing to compare: assertCompare follows a sandbox step"), {}, {}};
    const QString spec = step.className() + QLatin1Char('/') + step.objectName();
    const auto a = BranchCompareView::read(m_original->engine(), m_original->inspector(), spec);
    const auto b = BranchCompareView::read(session.engine(), session.inspector(), spec);
    if (!a || !b)
        return Failure {QStringLiteral("could not read the branches"),
                        {},
                        errorText(a ? b.error() : a.error())};
    const BranchComparison comparison = BranchComparison::build(a.value(), b.value());
    const QJsonObject &p = step.params;
    if (p.contains(QStringLiteral("firstDifference"))) {
        const QJsonValue want = p.value(QStringLiteral("firstDifference"));
        const QJsonValue have = comparison.firstDifference < 0
                                    ? QJsonValue(QJsonValue::Null)
                                    : QJsonValue(double(comparison.firstDifference));
        if (!JsonMatch::matches(want, have))
            return Failure {QStringLiteral("the branches part at another turn"),
                            JsonMatch::text(want), JsonMatch::text(have)};
    }
    QStringList differing;
    for (const KeyChange &change : comparison.stateDiff)
        differing.append(change.key);
    for (const QJsonValue &key : p.value(QStringLiteral("stateDiff")).toArray()) {
        if (!differing.contains(key.toString()))
            return Failure {
                QStringLiteral("\"%1\" is the same in both branches").arg(key.toString()),
                QStringLiteral("different"), differing.join(QStringLiteral(", "))};
    }
    for (const QJsonValue &key : p.value(QStringLiteral("same")).toArray()) {
        if (differing.contains(key.toString()))
            return Failure {
                QStringLiteral("\"%1\" differs between the branches").arg(key.toString()),
                QStringLiteral("the same"), differing.join(QStringLiteral(", "))};
    }
    return std::nullopt;
}

} // namespace Durable::Cli
