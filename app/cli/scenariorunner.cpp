// SPDX-License-Identifier: MIT
#include "scenariorunner.h"

#include "awaitresult.h"
#include "enginesession.h"
#include "journalreader.h"
#include "scenariobranch.h"
#include <durable/core/duration.h>
#include <durable/core/jsonmatch.h>

#include <durable/core/agentdirectory.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/modelsources.h>
#include <durable/core/outgoingcallinfo.h>
#include <durable/core/virtualclock.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <optional>

using namespace std::chrono_literals;

namespace Durable::Cli {
namespace {

// Model replies, tool turns and messages complete on the workers after the step that started
// them. The one waiting rule: every assertion and answer first waits until the objects are idle
// (settle), polling for at most "settleMs" of real time (default 5 s), then checks once.
template<typename Check>
ScenarioRunner::StepOutcome settled(const ScenarioStep &step, Check check)
{
    QElapsedTimer waited;
    waited.start();
    const int timeoutMs = step.params.value(QStringLiteral("settleMs")).toInt(5000);
    for (;;) {
        ScenarioRunner::StepOutcome outcome = check();
        if (!outcome)
            return outcome;
        if (waited.elapsed() >= timeoutMs) {
            outcome->message = QStringLiteral("the objects were still busy after %1 ms "
                                              "(settleMs): %2")
                                   .arg(timeoutMs)
                                   .arg(outcome->message);
            return outcome;
        }
        QThread::msleep(5);
    }
}

// Steps that first wait until the objects are idle: assertions, answers, and a sandbox's copy.
bool isAssertion(const QString &kind)
{
    return kind.startsWith(QLatin1String("assert")) || kind == QLatin1String("answer") ||
           kind == QLatin1String("sandbox");
}

} // namespace
} // namespace Durable::Cli

namespace Durable::Cli {

namespace {

QString errorText(const Error &error)
{
    return error.codeName() + QStringLiteral(": ") + error.message();
}

ObjectId idOf(const ScenarioStep &step)
{
    return step.objectId();
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::chrono::milliseconds durationOf(const QJsonObject &params, const QString &field,
                                     std::chrono::milliseconds fallback)
{
    if (!params.contains(field))
        return fallback;
    // Checked when the scenario was loaded.
    return Duration::parse(params.value(field).toString()).valueOr(fallback);
}

} // namespace

ScenarioRunner::ScenarioRunner(AgentPackageLoader *packages) : m_packages(packages)
{ }
ScenarioRunner::~ScenarioRunner() = default;

ScenarioResult ScenarioRunner::run(const Scenario &scenario)
{
    ScenarioResult result;
    result.name = scenario.name;
    result.file = scenario.file;
    QElapsedTimer total;
    total.start();

    QTemporaryDir dir;
    if (m_dataDir.isEmpty() && !dir.isValid()) {
        result.error = QStringLiteral("Could not create a temporary data directory: %1")
                           .arg(dir.errorString());
        return result;
    }
    EngineOptions options;
    options.dataDir = m_dataDir.isEmpty() ? dir.path() : m_dataDir;
    options.workerThreads = 2;
    options.setModel(m_model);
    options.clock = scenario.start.isValid() ? std::make_shared<VirtualClock>(scenario.start)
                                             : std::make_shared<VirtualClock>();
    // For "modelSource" steps: an answer without a choice goes to the model, as it would without.
    auto sources = ModelSources::open(options.dataDir);
    if (!sources) {
        result.error = sources.error().message();
        return result;
    }
    options.modelSources = sources.value();
    auto session = EngineSession::open(options, m_packages);
    if (!session) {
        result.error = session.error().message();
        return result;
    }
    m_session = std::move(session.value());
    m_branch = std::make_unique<ScenarioBranch>(m_packages, m_model);
    m_objects.clear();

    bool failed = false;
    for (const ScenarioStep &step : scenario.steps) {
        StepResult stepResult;
        stepResult.index = step.index;
        stepResult.kind = step.kind;
        stepResult.title = step.title;
        if (failed) {
            stepResult.outcome = StepResult::Outcome::Skipped;
            result.steps.append(stepResult);
            continue;
        }
        QElapsedTimer timer;
        timer.start();
        StepOutcome outcome;
        if (!m_session->isRunning())
            outcome = Failure {
                QStringLiteral("the engine is not running (an earlier restart failed)"), {}, {}};
        else
            outcome = runStep(step);
        stepResult.elapsedMs = timer.elapsed();
        if (outcome) {
            failed = true;
            stepResult.outcome = StepResult::Outcome::Failed;
            stepResult.message = outcome->message;
            stepResult.expected = outcome->expected;
            stepResult.actual = outcome->actual;
            if (m_session->isRunning())
                stepResult.journal = recentHistory(step);
        }
        result.steps.append(stepResult);
    }
    m_session.reset();
    m_branch.reset();
    result.elapsedMs = total.elapsed();
    return result;
}

qint64 ScenarioRunner::nowMs() const
{
    return m_session->virtualClock()->nowMs();
}

ScenarioRunner::StepOutcome ScenarioRunner::runStep(const ScenarioStep &step)
{
    const QString &kind = step.kind;
    noteObject(step);
    if (kind == QLatin1String("settle"))
        return settle(step);
    if (isAssertion(kind)) {
        if (StepOutcome busy = settle(step))
            return busy;
    }
    if (kind == QLatin1String("call"))
        return call(step);
    if (kind == QLatin1String("advance"))
        return advance(step);
    if (kind == QLatin1String("runToNextAlarm"))
        return runToNextAlarm(step);
    if (kind == QLatin1String("runUntilIdle"))
        return runUntilIdle(step);
    if (kind == QLatin1String("evict"))
        return evictOrCrash(step, false);
    if (kind == QLatin1String("crash"))
        return evictOrCrash(step, true);
    if (kind == QLatin1String("restart"))
        return restart();
    if (kind == QLatin1String("assertState"))
        return assertState(step);
    if (kind == QLatin1String("assertStorage"))
        return assertStorage(step);
    if (kind == QLatin1String("assertAlarm"))
        return assertAlarm(step);
    if (kind == QLatin1String("assertJournal"))
        return assertJournal(step);
    if (kind == QLatin1String("assertSql"))
        return assertSql(step);
    if (kind == QLatin1String("answer"))
        return answer(step);
    if (kind == QLatin1String("assertPending"))
        return assertPending(step);
    if (kind == QLatin1String("assertStep"))
        return assertStep(step);
    if (kind == QLatin1String("sandbox")) {
        m_objects = {{step.className(), step.objectId()}}; // the only object there
        return m_branch->sandbox(step, m_session);
    }
    if (kind == QLatin1String("modelSource"))
        return m_branch->modelSource(step, *m_session);
    if (kind == QLatin1String("assertCompare"))
        return m_branch->assertCompare(step, *m_session);
    return Failure {QStringLiteral("unknown step kind \"%1\"").arg(kind), {}, {}};
}

ScenarioRunner::StepOutcome ScenarioRunner::checkReply(const ScenarioStep &step,
                                                       const Result<QJsonValue> &reply)
{
    const QJsonObject &p = step.params;
    if (p.contains(QStringLiteral("expectError"))) {
        const QJsonValue want = p.value(QStringLiteral("expectError"));
        QString code;
        QString message;
        if (want.isObject()) {
            code = want.toObject().value(QStringLiteral("code")).toString();
            message = want.toObject().value(QStringLiteral("message")).toString();
        } else {
            message = want.toString();
        }
        const QString expected = want.isObject()
                                     ? JsonMatch::text(want)
                                     : QStringLiteral("an error matching \"%1\"").arg(message);
        if (reply.ok()) {
            return Failure {QStringLiteral("expected an error, but the call succeeded"), expected,
                            QStringLiteral("reply ") + JsonMatch::text(reply.value())};
        }
        const Error &error = reply.error();
        bool ok = true;
        if (!code.isEmpty())
            ok &= error.codeName() == code;
        if (!message.isEmpty()) {
            // A bare string matches the code name or a substring of the message.
            ok &= error.message().contains(message, Qt::CaseInsensitive) ||
                  (!want.isObject() && error.codeName() == message);
        }
        if (!ok)
            return Failure {QStringLiteral("the call failed with a different error"), expected,
                            errorText(error)};
        return std::nullopt;
    }
    if (!reply.ok()) {
        // Classes come from packages only: say where, since a missing --demo looks like a typo.
        const bool unknownClass = reply.error().code() == ErrorCode::UnknownClass;
        return Failure {unknownClass ? QStringLiteral("the call failed: its class is not loaded "
                                                      "(give its package with --agents DIR, or "
                                                      "--demo for the demo agents)")
                                     : QStringLiteral("the call failed"),
                        QStringLiteral("a reply"), errorText(reply.error())};
    }
    const QJsonValue actual = reply.value().isUndefined() ? QJsonValue() : reply.value();
    if (p.contains(QStringLiteral("expect"))) {
        const QJsonValue want = p.value(QStringLiteral("expect"));
        const bool equal = (want.isDouble() && actual.isDouble())
                               ? want.toDouble() == actual.toDouble()
                               : want == actual;
        if (!equal)
            return Failure {QStringLiteral("unexpected reply"), JsonMatch::text(want),
                            JsonMatch::text(actual)};
    }
    if (p.contains(QStringLiteral("expectMatch"))) {
        const QJsonValue want = p.value(QStringLiteral("expectMatch"));
        if (!JsonMatch::matches(want, actual)) {
            return Failure {QStringLiteral("the reply does not match"), JsonMatch::text(want),
                            JsonMatch::text(actual)};
        }
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::call(const ScenarioStep &step)
{
    const auto stub = step.objectName().isEmpty()
                          ? m_session->engine().stub(step.className(), step.objectId())
                          : m_session->engine().stub(step.className(), step.objectName());
    if (!stub)
        return checkReply(step, stub.error());
    const QJsonValue args = step.params.value(QStringLiteral("args"));
    return checkReply(step,
                      awaitResult(stub->call(step.params.value(QStringLiteral("method")).toString(),
                                             args.isUndefined() ? QJsonValue() : args)));
}

ScenarioRunner::StepOutcome ScenarioRunner::advance(const ScenarioStep &step)
{
    const auto by = durationOf(step.params, QStringLiteral("by"), 0ms);
    const int fired = m_session->virtualClock()->advance(by);
    if (step.params.contains(QStringLiteral("expectFired"))) {
        const int want = step.params.value(QStringLiteral("expectFired")).toInt();
        if (fired != want) {
            return Failure {QStringLiteral("a different number of alarms fired while advancing"),
                            QString::number(want), QString::number(fired)};
        }
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::runToNextAlarm(const ScenarioStep &step)
{
    const qint64 before = nowMs();
    const int fired = m_session->virtualClock()->runToNextAlarm();
    if (step.params.contains(QStringLiteral("expectFired"))) {
        const int want = step.params.value(QStringLiteral("expectFired")).toInt();
        if (fired != want) {
            return Failure {QStringLiteral("a different number of alarms fired"),
                            QString::number(want), QString::number(fired)};
        }
    } else if (fired == 0) {
        return Failure {QStringLiteral("no alarm was pending"),
                        QStringLiteral("at least one alarm to fire"),
                        QStringLiteral("none (clock stays at %1)").arg(timeText(before))};
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::runUntilIdle(const ScenarioStep &step)
{
    const auto horizon = durationOf(step.params, QStringLiteral("horizon"),
                                    std::chrono::hours(24 * 30));
    const int maxAlarms = step.params.value(QStringLiteral("maxAlarms")).toInt(1000);
    const qint64 limit = nowMs() + horizon.count();
    int fired = 0;
    while (true) {
        const auto alarms = awaitResult(m_session->inspector().alarms());
        if (!alarms)
            return Failure {QStringLiteral("could not list alarms"), {}, errorText(alarms.error())};
        qint64 next = -1;
        for (const AlarmSummary &alarm : alarms.value())
            next = next < 0 ? alarm.dueMs : std::min(next, alarm.dueMs);
        if (next < 0 || next > limit)
            break;
        if (fired >= maxAlarms) {
            return Failure {QStringLiteral("alarms kept coming"),
                            QStringLiteral("idle within %1 alarms").arg(maxAlarms),
                            QStringLiteral("next alarm at %1").arg(timeText(next))};
        }
        const int now = m_session->virtualClock()->runToNextAlarm();
        if (now == 0) // due already but the clock had nothing to fire: let a jump deliver it
            m_session->virtualClock()->advance(0ms);
        fired += std::max(now, 1);
    }
    if (step.params.contains(QStringLiteral("expectFired"))) {
        const int want = step.params.value(QStringLiteral("expectFired")).toInt();
        if (fired != want)
            return Failure {QStringLiteral("a different number of alarms fired"),
                            QString::number(want), QString::number(fired)};
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::evictOrCrash(const ScenarioStep &step, bool crash)
{
    const ObjectId id = idOf(step);
    const Result<void> done = awaitResult(crash ? m_session->engine().crash(id)
                                                : m_session->engine().evict(id));
    if (!done)
        return Failure {crash ? QStringLiteral("crash failed") : QStringLiteral("evict failed"),
                        {},
                        errorText(done.error())};
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::restart()
{
    const Result<void> restarted = m_session->restart();
    if (!restarted)
        return Failure {
            QStringLiteral("the engine did not start again"), {}, errorText(restarted.error())};
    return std::nullopt;
}

namespace {

// Checks "paths" ({dotted path: expected}), "keys" (exactly these top-level keys) and "absent"
// (paths that must not exist) against a JSON object; what names it in failures.
ScenarioRunner::StepOutcome checkJsonObject(const QJsonObject &have, const QJsonObject &paths,
                                            const QJsonValue &keys, const QJsonArray &absent,
                                            const QString &what)
{
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        const auto found = JsonMatch::find(have, it.key());
        if (!found || !JsonMatch::matches(it.value(), *found)) {
            return ScenarioRunner::Failure {
                QStringLiteral("%1: \"%2\" does not match").arg(what, it.key()),
                JsonMatch::text(it.value()),
                found ? JsonMatch::text(*found)
                      : QStringLiteral("missing; %1 holds %2").arg(what, JsonMatch::text(have))};
        }
    }
    if (keys.isArray()) {
        QStringList want;
        for (const QJsonValue &key : keys.toArray())
            want.append(key.toString());
        want.sort();
        QStringList actual = have.keys();
        actual.sort();
        if (want != actual)
            return ScenarioRunner::Failure {
                QStringLiteral("%1: different keys").arg(what), want.join(QStringLiteral(", ")),
                actual.isEmpty() ? QStringLiteral("no keys") : actual.join(QStringLiteral(", "))};
    }
    for (const QJsonValue &path : absent) {
        const auto found = JsonMatch::find(have, path.toString());
        if (found)
            return ScenarioRunner::Failure {
                QStringLiteral("%1: \"%2\" should not exist").arg(what, path.toString()),
                QStringLiteral("absent"), JsonMatch::text(*found)};
    }
    return std::nullopt;
}

} // namespace

// The agent's own state (Agent::state()/setState()).
ScenarioRunner::StepOutcome ScenarioRunner::assertState(const ScenarioStep &step)
{
    const QJsonObject &p = step.params;
    const auto state = awaitResult(
        m_session->inspector().agents().state(step.className(), idOf(step)));
    if (!state)
        return Failure {
            QStringLiteral("could not read the agent's state"), {}, errorText(state.error())};
    return checkJsonObject(
        state.value(), p.value(QStringLiteral("state")).toObject(), p.value(QStringLiteral("keys")),
        p.value(QStringLiteral("absent")).toArray(), QStringLiteral("the agent's state"));
}

// The object's key/value storage (Storage::put()/get()); "kv" and "paths" are both dotted
// paths from its keys.
ScenarioRunner::StepOutcome ScenarioRunner::assertStorage(const ScenarioStep &step)
{
    const QJsonObject &p = step.params;
    const auto entries = awaitResult(
        m_session->inspector().keyValues(step.className(), idOf(step)));
    if (!entries)
        return Failure {QStringLiteral("could not read the object's key/value storage"),
                        {},
                        errorText(entries.error())};
    QJsonObject kv;
    for (const KeyValue &entry : entries.value())
        kv.insert(entry.key, entry.value);
    QJsonObject paths = p.value(QStringLiteral("kv")).toObject();
    const QJsonObject dotted = p.value(QStringLiteral("paths")).toObject();
    for (auto it = dotted.begin(); it != dotted.end(); ++it)
        paths.insert(it.key(), it.value());
    return checkJsonObject(kv, paths, p.value(QStringLiteral("keys")),
                           p.value(QStringLiteral("absent")).toArray(),
                           QStringLiteral("the key/value storage"));
}

ScenarioRunner::StepOutcome ScenarioRunner::assertAlarm(const ScenarioStep &step)
{
    const QJsonObject &p = step.params;
    const auto alarm = awaitResult(m_session->inspector().alarm(step.className(), idOf(step)));
    if (!alarm)
        return Failure {QStringLiteral("could not read the alarm"), {}, errorText(alarm.error())};
    const qint64 now = nowMs();
    const QString actual =
        alarm.value()
            ? QStringLiteral("due at %1 (in %2)")
                  .arg(timeText(alarm.value()->dueMs),
                       Duration::format(std::chrono::milliseconds(alarm.value()->dueMs - now)))
            : QStringLiteral("no alarm");
    if (p.value(QStringLiteral("none")).toBool()) {
        if (alarm.value())
            return Failure {QStringLiteral("an alarm is set"), QStringLiteral("no alarm"), actual};
        return std::nullopt;
    }
    if (!alarm.value())
        return Failure {QStringLiteral("no alarm is set"), QStringLiteral("an alarm"), actual};
    const qint64 due = alarm.value()->dueMs;
    if (p.contains(QStringLiteral("dueIn"))) {
        const auto in = durationOf(p, QStringLiteral("dueIn"), 0ms);
        if (due != now + in.count())
            return Failure {QStringLiteral("the alarm is due at another time"),
                            QStringLiteral("due at %1 (in %2)")
                                .arg(timeText(now + in.count()), Duration::format(in)),
                            actual};
    }
    if (p.contains(QStringLiteral("within"))) {
        const auto within = durationOf(p, QStringLiteral("within"), 0ms);
        if (due > now + within.count())
            return Failure {QStringLiteral("the alarm is due too late"),
                            QStringLiteral("due within %1").arg(Duration::format(within)), actual};
    }
    if (p.contains(QStringLiteral("at"))) {
        const QDateTime at = QDateTime::fromString(p.value(QStringLiteral("at")).toString(),
                                                   Qt::ISODateWithMs);
        if (!at.isValid())
            return Failure {QStringLiteral("\"at\" is not an ISO 8601 time"),
                            {},
                            p.value(QStringLiteral("at")).toString()};
        if (due != at.toMSecsSinceEpoch())
            return Failure {QStringLiteral("the alarm is due at another time"),
                            timeText(at.toMSecsSinceEpoch()), actual};
    }
    if (p.contains(QStringLiteral("retryCount")) &&
        alarm.value()->retryCount != p.value(QStringLiteral("retryCount")).toInt()) {
        return Failure {QStringLiteral("a different retry count"),
                        QString::number(p.value(QStringLiteral("retryCount")).toInt()),
                        QString::number(alarm.value()->retryCount)};
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::assertJournal(const ScenarioStep &step)
{
    const QJsonObject &p = step.params;
    const JournalReader reader(m_session->inspector());
    if (p.contains(QStringLiteral("count"))) {
        const auto count = reader.count(step.className(), idOf(step));
        if (!count)
            return Failure {
                QStringLiteral("could not read the journal"), {}, errorText(count.error())};
        const qint64 want = qint64(p.value(QStringLiteral("count")).toDouble());
        if (count.value() != want)
            return Failure {QStringLiteral("a different number of journal entries"),
                            QString::number(want), QString::number(count.value())};
    }
    const QJsonArray last = p.value(QStringLiteral("last")).toArray();
    if (!last.isEmpty()) {
        const auto entries = reader.last(step.className(), idOf(step), int(last.size()));
        if (!entries)
            return Failure {
                QStringLiteral("could not read the journal"), {}, errorText(entries.error())};
        auto describeWant = [&last] {
            QStringList out;
            for (const QJsonValue &want : last)
                out.append(JsonMatch::text(want));
            return out.join(QStringLiteral(", "));
        };
        auto describeHave = [&entries] {
            QStringList out;
            for (const JournalEntry &entry : entries.value())
                out.append(QStringLiteral("%1 %2").arg(entry.trigger, entry.method).trimmed());
            return out.isEmpty() ? QStringLiteral("no entries") : out.join(QStringLiteral(", "));
        };
        if (entries->size() < last.size())
            return Failure {QStringLiteral("fewer journal entries than expected"), describeWant(),
                            describeHave()};
        for (qsizetype i = 0; i < last.size(); ++i) {
            const JournalEntry &entry = entries->at(i);
            const QJsonObject have = JournalReader::toJson(entry);
            const QJsonValue want = last.at(i).isString()
                                        ? QJsonValue(
                                              QJsonObject {{QStringLiteral("trigger"), last.at(i)}})
                                        : last.at(i);
            if (!JsonMatch::matches(want, have))
                return Failure {QStringLiteral("journal entry #%1 does not match").arg(entry.seq),
                                describeWant(), describeHave()};
        }
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::assertSql(const ScenarioStep &step)
{
    const QJsonObject &p = step.params;
    const auto result = awaitResult(m_session->inspector().query(
        step.className(), idOf(step), p.value(QStringLiteral("query")).toString(),
        p.value(QStringLiteral("params")).toArray()));
    if (!result)
        return Failure {QStringLiteral("the query failed"), {}, errorText(result.error())};
    QJsonArray rows;
    for (const QJsonArray &row : result->rows)
        rows.append(row);
    if (p.contains(QStringLiteral("rowCount")) &&
        rows.size() != p.value(QStringLiteral("rowCount")).toInt())
        return Failure {QStringLiteral("a different number of rows"),
                        QString::number(p.value(QStringLiteral("rowCount")).toInt()),
                        JsonMatch::text(rows)};
    if (p.contains(QStringLiteral("rows")) &&
        !JsonMatch::matches(p.value(QStringLiteral("rows")), rows))
        return Failure {QStringLiteral("different rows"),
                        JsonMatch::text(p.value(QStringLiteral("rows"))), JsonMatch::text(rows)};
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::answer(const ScenarioStep &step)
{
    // Which pending request: its title, or a part of it (case-insensitive).
    const QString title = step.params.value(QStringLiteral("request")).toString();
    const QJsonObject &p = step.params;
    const HumanInbox inbox = m_session->inspector().inbox();
    const auto pending = awaitResult(inbox.pending(step.className()));
    if (!pending)
        return Failure {QStringLiteral("could not list the inbox"), {}, errorText(pending.error())};
    const ObjectId id = idOf(step);
    QStringList seen;
    std::optional<HumanRequestInfo> chosen;
    for (const HumanRequestInfo &request : pending.value()) {
        if (request.objectId != id)
            continue;
        seen.append(request.title);
        if (!chosen &&
            (request.title == title || request.title.contains(title, Qt::CaseInsensitive)))
            chosen = request;
    }
    if (!chosen) {
        return Failure {
            QStringLiteral("no pending request with that title (\"request\")"),
            QStringLiteral("\"%1\"").arg(title),
            seen.isEmpty()
                ? QStringLiteral("no pending requests for this object")
                : QStringLiteral("pending: \"%1\"").arg(seen.join(QStringLiteral("\", \"")))};
    }
    QJsonObject responseJson {
        {QStringLiteral("action"),
         p.value(QStringLiteral("action")).toString(QStringLiteral("approve"))}};
    for (const QString &field :
         {QStringLiteral("text"), QStringLiteral("value"), QStringLiteral("answeredBy")}) {
        if (p.contains(field))
            responseJson.insert(field, p.value(field));
    }
    if (!responseJson.contains(QStringLiteral("answeredBy")))
        responseJson.insert(QStringLiteral("answeredBy"), QStringLiteral("durable test"));
    const auto response = HumanResponse::fromJson(responseJson);
    if (!response)
        return checkReply(step, response.error());
    return checkReply(step, awaitResult(inbox.answer(*chosen, response.value())));
}

ScenarioRunner::StepOutcome ScenarioRunner::assertPending(const ScenarioStep &step)
{
    const QJsonObject &p = step.params;
    const auto pending = awaitResult(m_session->inspector().inbox().pending(step.className()));
    if (!pending)
        return Failure {QStringLiteral("could not list the inbox"), {}, errorText(pending.error())};
    QStringList titles;
    for (const HumanRequestInfo &request : pending.value()) {
        if (step.hasObject() && request.objectId != idOf(step))
            continue;
        titles.append(request.title);
    }
    const QString actual =
        QStringLiteral("%1 pending%2")
            .arg(titles.size())
            .arg(titles.isEmpty()
                     ? QString()
                     : QStringLiteral(": \"%1\"").arg(titles.join(QStringLiteral("\", \""))));
    if (p.contains(QStringLiteral("count")) &&
        titles.size() != p.value(QStringLiteral("count")).toInt())
        return Failure {QStringLiteral("a different number of pending requests"),
                        QString::number(p.value(QStringLiteral("count")).toInt()), actual};
    if (p.contains(QStringLiteral("titles"))) {
        QStringList want;
        for (const QJsonValue &title : p.value(QStringLiteral("titles")).toArray())
            want.append(title.toString());
        if (want != titles)
            return Failure {QStringLiteral("different pending requests"),
                            QStringLiteral("\"%1\"").arg(want.join(QStringLiteral("\", \""))),
                            actual};
    }
    return std::nullopt;
}

ScenarioRunner::StepOutcome ScenarioRunner::assertStep(const ScenarioStep &step)
{
    const auto summary = awaitResult(m_session->inspector().object(step.className(), idOf(step)));
    if (!summary)
        return Failure {
            QStringLiteral("could not read the object"), {}, errorText(summary.error())};
    const QString want = step.params.value(QStringLiteral("step")).toString();
    if (summary->step != want)
        return Failure {QStringLiteral("the object is at another step"), want,
                        summary->step.isEmpty() ? QStringLiteral("no step") : summary->step};
    return std::nullopt;
}

void ScenarioRunner::noteObject(const ScenarioStep &step)
{
    if (!step.hasObject() || !m_session->engine().classNames().contains(step.className()))
        return;
    const QPair<QString, ObjectId> object {step.className(), idOf(step)};
    if (!m_objects.contains(object))
        m_objects.append(object);
}

ScenarioRunner::StepOutcome ScenarioRunner::settle(const ScenarioStep &step)
{
    return settled(step, [this] { return busy(); });
}

// Idle: no turn queued anywhere, and no model call in flight at an object the scenario touched
// or one they called durably. A model call in flight is a row in its agent's database until its
// reply's turn lands, and the read queues behind the object's turns: no row means nothing more
// is on its way. A call waiting on a person is idle: it will not finish on its own.
ScenarioRunner::StepOutcome ScenarioRunner::busy()
{
    const ModelCallDirectory calls = m_session->inspector().modelCalls();
    const AgentDirectory agents = m_session->inspector().agents();
    for (qsizetype i = 0; i < m_objects.size(); ++i) {
        const auto [className, id] = m_objects.at(i);
        const auto pending = awaitResult(calls.modelCalls(className, id, true));
        if (pending && !pending->isEmpty()) {
            QStringList ids;
            for (const ModelCallInfo &call : pending.value())
                ids.append(call.id);
            return Failure {
                QStringLiteral("model calls in flight"), QStringLiteral("none"),
                QStringLiteral("%1 at %2 %3: %4")
                    .arg(ids.size())
                    .arg(className, id.toString().left(16), ids.join(QStringLiteral(", ")))};
        }
        const auto outgoing = awaitResult(agents.pendingCalls(className, id));
        for (const OutgoingCallInfo &call : outgoing.valueOr({})) {
            const QPair<QString, ObjectId> callee {call.className, call.targetId};
            if (!m_objects.contains(callee))
                m_objects.append(callee);
        }
    }
    const int queued = m_session->inspector().metrics().queueDepth;
    if (queued > 0)
        return Failure {QStringLiteral("turns still queued"), QStringLiteral("none"),
                        QString::number(queued)};
    return std::nullopt;
}

QStringList ScenarioRunner::recentHistory(const ScenarioStep &step) const
{
    QStringList lines;
    if (!step.hasObject() || !m_session->engine().classNames().contains(step.className()))
        return lines;
    const JournalReader reader(m_session->inspector());
    const auto entries = reader.last(step.className(), idOf(step), 5);
    if (entries) {
        for (const JournalEntry &entry : entries.value())
            lines.append(JournalReader::describe(entry));
    } else {
        lines.append(QStringLiteral("(journal not readable: %1)").arg(entries.error().message()));
    }
    const auto failures = reader.failures(step.className(), idOf(step), 3);
    if (failures) {
        for (const TurnFailure &failure : failures.value())
            lines.append(JournalReader::describe(failure));
    }
    return lines;
}

} // namespace Durable::Cli
