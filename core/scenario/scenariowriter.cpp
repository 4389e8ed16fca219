// SPDX-License-Identifier: MIT
#include "scenariowriter.h"

#include <durable/core/agentdirectory.h>
#include <durable/core/duration.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/jsontext.h>
#include <durable/core/modelcalldirectory.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <optional>

namespace Durable {

namespace {

// How long the writer waits for model calls the session started to land before it reads the
// final state (real time: the scripted model answers in milliseconds, a real one in seconds).
constexpr int AgentsSettleMs = 15000;

template<typename T>
Result<T> wait(QFuture<T> future)
{
    try {
        future.waitForFinished(); // rethrows the stored Durable::Error
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

bool hasRandomId(const QString &text)
{
    static const QRegularExpression uuid(QStringLiteral(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"));
    return uuid.match(text).hasMatch();
}

bool hasTime(const QString &text)
{
    static const QRegularExpression isoTime(QStringLiteral("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}"));
    return isoTime.match(text).hasMatch();
}

// A value a replay cannot reproduce exactly.
bool isVolatile(const QJsonValue &value, bool timeFlowed)
{
    if (value.isString())
        return hasRandomId(value.toString()) || (timeFlowed && hasTime(value.toString()));
    if (value.isDouble() && timeFlowed) {
        // Epoch milliseconds between 2000 and 3000: a time, not a count.
        const double number = value.toDouble();
        return number >= 946684800000.0 && number <= 32503680000000.0;
    }
    return false;
}

// value without what a replay cannot reproduce: volatile object members are left out (scenario
// objects match as subsets); an array or scalar that holds one is dropped whole (they match
// exactly). pruned says whether anything was left out.
std::optional<QJsonValue> replayable(const QJsonValue &value, bool timeFlowed, bool *pruned)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        QJsonObject kept;
        for (auto it = object.begin(); it != object.end(); ++it) {
            const std::optional<QJsonValue> member =
                hasRandomId(it.key()) ? std::nullopt : replayable(it.value(), timeFlowed, pruned);
            if (member)
                kept.insert(it.key(), *member);
            else
                *pruned = true;
        }
        return kept;
    }
    if (value.isArray()) {
        for (const QJsonValue &element : value.toArray()) {
            bool elementPruned = false;
            if (!replayable(element, timeFlowed, &elementPruned) || elementPruned) {
                *pruned = true;
                return std::nullopt;
            }
        }
        return value;
    }
    if (isVolatile(value, timeFlowed)) {
        *pruned = true;
        return std::nullopt;
    }
    return value;
}

// Failures of the moment (a full queue, a stopping engine, a crash the user caused) that a
// sequential replay would not meet; the call changed nothing, so it is left out.
bool isTransient(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Overloaded:
    case ErrorCode::ShuttingDown:
    case ErrorCode::Crashed:
    case ErrorCode::Timeout:
    case ErrorCode::Network:
    case ErrorCode::Io:
    case ErrorCode::StorageError:
    case ErrorCode::CommitFailed:
        return true;
    default:
        return false;
    }
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

ScenarioWriter::ScenarioWriter(Engine *engine, const Inspector *inspector)
    : m_engine(engine), m_inspector(inspector)
{ }

Result<QByteArray> ScenarioWriter::write(Recording recording)
{
    m_timeFlowed = recording.timeFlowed;
    resolveTargets(recording.steps);
    QList<Line> lines;
    int operations = 0;
    const Line settle {{QStringLiteral("do"), QStringLiteral("settle")}};
    for (const RecordedStep &step : recording.steps) {
        std::optional<Line> line = lineFor(step);
        if (!line)
            continue;
        const bool clockMove = step.kind == RecordedStep::Kind::Advance ||
                               step.kind == RecordedStep::Kind::RunToNextAlarm;
        // The session's user saw the agents' follow-up work land before moving the clock; the
        // replay waits for it too, or alarms that work sets would miss the jump.
        if (clockMove && !m_touched.isEmpty() && (lines.isEmpty() || lines.constLast() != settle))
            lines.append(settle);
        lines.append(*line);
        ++operations;
    }
    if (operations == 0) {
        return Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Nothing to save: the recording holds no request, answer, clock "
                           "move or fault that a replay could repeat"));
    }
    waitForAgents();
    const QList<Line> finalLines = finalAssertions();
    if (!m_touched.isEmpty()) {
        lines.append(Line {{QStringLiteral("do"), QStringLiteral("settle")},
                           {QStringLiteral("title"),
                            QStringLiteral("the agents finish what the session started")}});
    }
    lines += finalLines;
    const QString description =
        QStringLiteral("Recorded from a session on %1: %2 operation(s), then the final state of "
                       "the %3 object(s) they touched.")
            .arg(m_engine->dataDir())
            .arg(operations)
            .arg(m_touched.size());
    return render(recording, lines, description);
}

void ScenarioWriter::resolveTargets(std::vector<RecordedStep> &steps)
{
    QHash<ObjectId, Target> known;
    for (const RecordedStep &step : steps) {
        if (!step.className.isEmpty() && !step.name.isEmpty())
            known.insert(step.id, {step.className, step.name, step.id});
    }
    for (RecordedStep &step : steps) {
        if (step.id.isNull() || (step.kind == RecordedStep::Kind::Answer && !step.targeted))
            continue;
        if (const auto it = known.constFind(step.id); it != known.cend()) {
            step.className = it->className;
            step.name = it->name;
        } else if (step.className.isEmpty()) {
            // Evict and crash name only the id: the catalog knows the rest. An object that is
            // not there was never created, and the fault did nothing.
            ObjectQuery query;
            query.text = step.id.toString();
            const auto found = wait(m_inspector->objects(query));
            for (const ObjectSummary &summary : found.valueOr({})) {
                if (summary.id == step.id) {
                    step.className = summary.className;
                    step.name = summary.name;
                }
            }
        } else if (step.name.isEmpty()) {
            const auto summary = wait(m_inspector->object(step.className, step.id));
            if (summary)
                step.name = summary->name;
        }
        if (step.className.isEmpty())
            continue;
        known.insert(step.id, {step.className, step.name, step.id});
        const bool seen = std::any_of(
            m_touched.cbegin(), m_touched.cend(),
            [&step](const Target &target) { return target.id == step.id; });
        if (!seen)
            m_touched.append({step.className, step.name, step.id});
    }
}

std::optional<ScenarioWriter::Line> ScenarioWriter::lineFor(const RecordedStep &step) const
{
    using Kind = RecordedStep::Kind;
    const auto failed = [&step] { return step.outcome && !step.outcome->ok(); };
    switch (step.kind) {
    case Kind::Call: {
        if (step.className.isEmpty() || (failed() && isTransient(step.outcome->error().code())))
            return std::nullopt;
        Line line {{QStringLiteral("do"), QStringLiteral("call")}};
        addObject(line, step);
        line.append({QStringLiteral("method"), step.method});
        if (!step.args.isUndefined() && !step.args.isNull())
            line.append({QStringLiteral("args"), step.args});
        if (step.outcome)
            addExpectation(line, *step.outcome);
        return line;
    }
    case Kind::Answer: {
        // A failed answer changed nothing (and its request may not even be pending in a replay).
        if (!step.targeted || step.className.isEmpty() || failed())
            return std::nullopt;
        Line line {{QStringLiteral("do"), QStringLiteral("answer")}};
        addObject(line, step);
        line.append({QStringLiteral("request"), step.title});
        line.append({QStringLiteral("action"), humanActionName(step.response.action)});
        if (!step.response.text.isEmpty())
            line.append({QStringLiteral("text"), step.response.text});
        if (!step.response.value.isUndefined() && !step.response.value.isNull())
            line.append({QStringLiteral("value"), step.response.value});
        if (!step.response.answeredBy.isEmpty())
            line.append({QStringLiteral("answeredBy"), step.response.answeredBy});
        if (step.outcome)
            addExpectation(line, *step.outcome);
        return line;
    }
    case Kind::Advance: {
        Line line {{QStringLiteral("do"), QStringLiteral("advance")},
                   {QStringLiteral("by"), Duration::format(std::chrono::milliseconds(step.byMs))}};
        if (step.fired >= 0)
            line.append({QStringLiteral("expectFired"), step.fired});
        else
            line.append({QStringLiteral("title"),
                         QStringLiteral("%1 passed while the clock ran")
                             .arg(Duration::format(std::chrono::milliseconds(step.byMs)))});
        return line;
    }
    case Kind::RunToNextAlarm:
        return Line {{QStringLiteral("do"), QStringLiteral("runToNextAlarm")},
                     {QStringLiteral("expectFired"), std::max(step.fired, 0)}};
    case Kind::Evict:
    case Kind::Crash: {
        if (step.className.isEmpty())
            return std::nullopt;
        Line line {{QStringLiteral("do"),
                    step.kind == Kind::Evict ? QStringLiteral("evict") : QStringLiteral("crash")}};
        addObject(line, step);
        return line;
    }
    case Kind::Restart:
        return Line {{QStringLiteral("do"), QStringLiteral("restart")}};
    }
    return std::nullopt;
}

void ScenarioWriter::addObject(Line &line, const RecordedStep &step) const
{
    line.append({QStringLiteral("class"), step.className});
    if (step.name.isEmpty())
        line.append({QStringLiteral("id"), step.id.toString()});
    else
        line.append({QStringLiteral("name"), step.name});
}

void ScenarioWriter::addExpectation(Line &line, const Result<QJsonValue> &outcome) const
{
    if (!outcome.ok()) {
        QJsonObject expected {{QStringLiteral("code"), outcome.error().codeName()}};
        const QString message = outcome.error().message();
        if (!hasRandomId(message) && !(m_timeFlowed && hasTime(message)))
            expected.insert(QStringLiteral("message"), message);
        line.append({QStringLiteral("expectError"), expected});
        return;
    }
    const QJsonValue reply = outcome.value().isUndefined() ? QJsonValue() : outcome.value();
    bool pruned = false;
    const std::optional<QJsonValue> kept = replayable(reply, m_timeFlowed, &pruned);
    if (!kept)
        return; // nothing in it can be checked: the step still checks that the call succeeds
    line.append({pruned ? QStringLiteral("expectMatch") : QStringLiteral("expect"), *kept});
}

void ScenarioWriter::waitForAgents() const
{
    const ModelCallDirectory calls(m_engine);
    QElapsedTimer waited;
    waited.start();
    for (const Target &target : m_touched) {
        while (waited.elapsed() < AgentsSettleMs) {
            // Objects that are not agents have no model calls: the read fails, nothing waits.
            const auto pending = wait(calls.modelCalls(target.className, target.id, true));
            if (!pending || pending->isEmpty())
                break;
            QThread::msleep(10);
        }
    }
}

QList<ScenarioWriter::Line> ScenarioWriter::finalAssertions() const
{
    QList<Line> lines;
    for (const Target &target : m_touched)
        lines += assertionsFor(target);
    return lines;
}

QList<ScenarioWriter::Line> ScenarioWriter::assertionsFor(const Target &target) const
{
    const auto summary = wait(m_inspector->object(target.className, target.id));
    if (!summary)
        return {}; // never created (e.g. only refused calls reached it)
    const AgentDirectory agents(m_engine);
    const QJsonObject state = wait(agents.state(target.className, target.id)).valueOr({});
    const qsizetype pending =
        wait(agents.humanRequests(target.className, target.id, true)).valueOr({}).size();
    const QList<KeyValue> entries =
        wait(m_inspector->keyValues(target.className, target.id)).valueOr({});
    const auto alarm = wait(m_inspector->alarm(target.className, target.id));

    RecordedStep object;
    object.className = target.className;
    object.name = target.name;
    object.id = target.id;
    const auto lineOf = [this, &object](const QString &kind) {
        Line line {{QStringLiteral("do"), kind}};
        addObject(line, object);
        return line;
    };
    QList<Line> lines;
    if (!summary->step.isEmpty()) {
        Line line = lineOf(QStringLiteral("assertStep"));
        line.append({QStringLiteral("step"), summary->step});
        lines.append(line);
    }
    if (!summary->step.isEmpty() || !state.isEmpty() || pending > 0) {
        Line line = lineOf(QStringLiteral("assertPending"));
        line.append({QStringLiteral("count"), int(pending)});
        lines.append(line);
    }

    // The agent's state and the key/value storage are checked by separate steps.
    Line stateLine = lineOf(QStringLiteral("assertState"));
    const qsizetype bare = stateLine.size();
    bool pruned = false;
    if (const auto kept = replayable(state, m_timeFlowed, &pruned);
        kept && !kept->toObject().isEmpty())
        stateLine.append({QStringLiteral("state"), *kept});
    if (stateLine.size() > bare)
        lines.append(stateLine);
    Line storageLine = lineOf(QStringLiteral("assertStorage"));
    QJsonObject kv;
    QJsonArray keys;
    bool volatileKey = false;
    for (const KeyValue &entry : entries) {
        volatileKey |= hasRandomId(entry.key);
        keys.append(entry.key);
        if (const auto kept = replayable(entry.value, m_timeFlowed, &pruned);
            kept && !hasRandomId(entry.key))
            kv.insert(entry.key, *kept);
    }
    if (!kv.isEmpty())
        storageLine.append({QStringLiteral("kv"), kv});
    if (!volatileKey)
        storageLine.append({QStringLiteral("keys"), keys});
    if (storageLine.size() > bare)
        lines.append(storageLine);

    if (alarm) {
        Line line = lineOf(QStringLiteral("assertAlarm"));
        if (!alarm.value())
            line.append({QStringLiteral("none"), true});
        else if (m_timeFlowed)
            line.append({QStringLiteral("exists"), true});
        else
            line.append({QStringLiteral("at"), timeText(alarm.value()->dueMs)});
        lines.append(line);
    }
    return lines;
}

QByteArray ScenarioWriter::render(const Recording &recording, const QList<Line> &lines,
                                  const QString &description)
{
    QByteArray text = "{\n";
    text += "    \"name\": " + JsonText::serialize(recording.name) + ",\n";
    text += "    \"description\": " + JsonText::serialize(description) + ",\n";
    text += "    \"start\": " + JsonText::serialize(timeText(recording.startMs)) + ",\n";
    text += "    \"steps\": [\n";
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArrayList fields;
        for (const auto &[key, value] : lines.at(i))
            fields.append(JsonText::serialize(key) + ": " + JsonText::serialize(value));
        text += "        { " + fields.join(", ") + (i + 1 < lines.size() ? " },\n" : " }\n");
    }
    text += "    ]\n}\n";
    return text;
}

} // namespace Durable
