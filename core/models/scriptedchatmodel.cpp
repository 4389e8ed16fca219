// SPDX-License-Identifier: MIT
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <algorithm>
#include <durable/core/scriptedchatmodel.h>

namespace Durable {

namespace {

// A mistake in a script, prefixed with where it is.
Error invalidScript(const QString &where, const QString &what)
{
    return Error(ErrorCode::InvalidArgument, where + QStringLiteral(": ") + what);
}

const QString s_provider = QStringLiteral("scripted");

QString quoted(const QString &text, int limit = 200)
{
    const QString simplified = text.simplified();
    return QLatin1Char('"') +
           (simplified.size() <= limit ? simplified
                                       : simplified.left(limit) + QStringLiteral("…")) +
           QLatin1Char('"');
}

// A rough, deterministic token estimate (about four characters per token) so the studio's
// usage columns are not all zero for scripted runs.
int estimatedTokens(qsizetype characters)
{
    return int((characters + 3) / 4);
}

QJsonValue substituted(const QJsonValue &value, const QList<QPair<QString, QString>> &variables)
{
    if (value.isString()) {
        QString text = value.toString();
        for (const auto &[name, replacement] : variables)
            text.replace(name, replacement);
        return text;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            array[i] = substituted(array.at(i), variables);
        return array;
    }
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = substituted(it.value(), variables);
        return object;
    }
    return value;
}

QString lineAndColumn(const QByteArray &data, int offset)
{
    const QByteArray before = data.left(offset);
    const int line = int(before.count('\n')) + 1;
    const int column = int(before.size() - (before.lastIndexOf('\n') + 1)) + 1;
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

} // namespace

ScriptedChatModel::ScriptedChatModel(Clock *clock, QObject *parent)
    : ChatModel(parent), m_clock(clock)
{
    m_realTime.start();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ScriptedChatModel::releaseDue);
    if (clock) {
        // Queued automatically when the clock is moved from another thread.
        connect(clock, &Clock::timeJumped, this, &ScriptedChatModel::releaseDue);
        connect(clock, &Clock::pausedChanged, this, &ScriptedChatModel::releaseDue);
    }
}

ScriptedChatModel::~ScriptedChatModel() = default;

Result<std::unique_ptr<ScriptedChatModel>> ScriptedChatModel::fromFile(const QString &path,
                                                                       Clock *clock)
{
    auto model = std::make_unique<ScriptedChatModel>(clock);
    Result<void> loaded = model->loadFile(path);
    if (!loaded)
        return loaded.error();
    return model;
}

Result<std::unique_ptr<ScriptedChatModel>> ScriptedChatModel::fromJson(const QJsonObject &rules,
                                                                       Clock *clock,
                                                                       const QString &sourceName)
{
    auto model = std::make_unique<ScriptedChatModel>(clock);
    Result<void> set = model->setRules(rules, sourceName);
    if (!set)
        return set.error();
    return model;
}

Result<void> ScriptedChatModel::loadFile(const QString &path)
{
    const QString prefix = QStringLiteral("Could not load scripted model rules from %1").arg(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error(ErrorCode::Io, prefix + QStringLiteral(": ") + file.errorString(),
                     {{QStringLiteral("file"), path}});
    }
    const QByteArray data = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1: %2: %3")
                .arg(prefix, lineAndColumn(data, parseError.offset), parseError.errorString()),
            {{QStringLiteral("file"), path}, {QStringLiteral("offset"), parseError.offset}});
    }
    QJsonObject rules;
    if (doc.isArray())
        rules.insert(QStringLiteral("rules"), doc.array());
    else if (doc.isObject())
        rules = doc.object();
    else
        return Error(ErrorCode::InvalidArgument,
                     prefix + QStringLiteral(": expected an object with \"rules\" or an array"),
                     {{QStringLiteral("file"), path}});
    Result<void> set = setRules(rules, QFileInfo(path).fileName());
    if (!set)
        return Error(set.error()).withContext(QStringLiteral("file"), path);
    return {};
}

Result<void> ScriptedChatModel::setRules(const QJsonObject &json, const QString &sourceName)
{
    const QString prefix = QStringLiteral("Invalid scripted model rules in %1").arg(sourceName);
    const auto fail = [&prefix](const Error &error) {
        return Error(error.code(), prefix + QStringLiteral(": ") + error.message(),
                     error.context());
    };
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.key() != QStringLiteral("rules") && it.key() != QStringLiteral("fallback")) {
            return fail(Error(ErrorCode::InvalidArgument,
                              QStringLiteral("unknown key \"%1\"; expected \"rules\" and "
                                             "optionally \"fallback\"")
                                  .arg(it.key())));
        }
    }
    const QJsonValue rulesValue = json.value(QStringLiteral("rules"));
    if (!rulesValue.isUndefined() && !rulesValue.isArray())
        return fail(Error(ErrorCode::InvalidArgument, QStringLiteral("\"rules\" is not an array")));

    std::vector<Rule> rules;
    const QJsonArray array = rulesValue.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject ruleJson = array.at(i).toObject();
        const QString name = ruleJson.value(QStringLiteral("name")).toString();
        const QString where = name.isEmpty()
                                  ? QStringLiteral("rule %1").arg(i + 1)
                                  : QStringLiteral("rule %1 (\"%2\")").arg(i + 1).arg(name);
        if (!array.at(i).isObject())
            return fail(
                Error(ErrorCode::InvalidArgument, where + QStringLiteral(" is not an object")));
        Result<Rule> rule = parseRule(ruleJson, where);
        if (!rule)
            return fail(rule.error());
        rules.push_back(std::move(rule).value());
    }

    std::optional<Rule> fallback;
    const QJsonValue fallbackValue = json.value(QStringLiteral("fallback"));
    if (!fallbackValue.isUndefined()) {
        if (!fallbackValue.isObject())
            return fail(
                Error(ErrorCode::InvalidArgument, QStringLiteral("\"fallback\" is not an object")));
        QJsonObject fallbackJson = fallbackValue.toObject();
        if (fallbackJson.contains(QStringLiteral("when")))
            return fail(Error(ErrorCode::InvalidArgument,
                              QStringLiteral("the fallback rule cannot have \"when\"")));
        if (!fallbackJson.contains(QStringLiteral("name")))
            fallbackJson.insert(QStringLiteral("name"), QStringLiteral("fallback"));
        Result<Rule> rule = parseRule(fallbackJson, QStringLiteral("the fallback rule"));
        if (!rule)
            return fail(rule.error());
        fallback = std::move(rule).value();
    }

    m_rules = std::move(rules);
    m_fallback = std::move(fallback);
    m_sourceName = sourceName;
    return {};
}

Result<ScriptedChatModel::Rule> ScriptedChatModel::parseRule(const QJsonObject &json,
                                                             const QString &where)
{
    static const QStringList ruleKeys {QStringLiteral("name"), QStringLiteral("when"),
                                       QStringLiteral("reply"), QStringLiteral("delayMs")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!ruleKeys.contains(it.key()))
            return invalidScript(where, QStringLiteral("unknown key \"%1\"; expected one of %2")
                                            .arg(it.key(), ruleKeys.join(QStringLiteral(", "))));
    }

    Rule rule;
    rule.name = json.value(QStringLiteral("name")).toString();

    const QJsonValue when = json.value(QStringLiteral("when"));
    if (!when.isUndefined() && !when.isObject())
        return invalidScript(where, QStringLiteral("\"when\" is not an object"));
    const QJsonObject whenObject = when.toObject();
    for (auto it = whenObject.begin(); it != whenObject.end(); ++it) {
        Result<Condition> condition = parseCondition(it.key(), it.value(), where);
        if (!condition)
            return condition.error();
        rule.conditions.append(std::move(condition).value());
    }

    Result<QJsonObject> reply = parseReply(json.value(QStringLiteral("reply")), where);
    if (!reply)
        return reply.error();
    rule.reply = std::move(reply).value();

    const QJsonValue delay = json.value(QStringLiteral("delayMs"));
    if (!delay.isUndefined()) {
        if (!delay.isDouble() || delay.toDouble() < 0)
            return invalidScript(
                where, QStringLiteral("\"delayMs\" must be a number of milliseconds >= 0"));
        rule.delayMs = qint64(delay.toDouble());
    }
    return rule;
}

// One entry of "when": a field name and either the text it contains or an object with
// "contains" and/or "matches".
Result<ScriptedChatModel::Condition> ScriptedChatModel::parseCondition(const QString &field,
                                                                       const QJsonValue &test,
                                                                       const QString &where)
{
    Condition condition;
    if (field == QStringLiteral("lastUser"))
        condition.field = Field::LastUser;
    else if (field == QStringLiteral("system"))
        condition.field = Field::System;
    else if (field == QStringLiteral("lastToolResult"))
        condition.field = Field::LastToolResult;
    else
        return invalidScript(where,
                             QStringLiteral("unknown condition \"%1\"; use lastUser, system or "
                                            "lastToolResult")
                                 .arg(field));
    if (test.isString()) {
        condition.contains = test.toString();
        return condition;
    }
    if (!test.isObject())
        return invalidScript(where,
                             QStringLiteral("condition \"%1\" must be a string or an object with "
                                            "\"contains\" and/or \"matches\"")
                                 .arg(field));
    const QJsonObject object = test.toObject();
    for (auto key = object.begin(); key != object.end(); ++key) {
        if (key.key() != QStringLiteral("contains") && key.key() != QStringLiteral("matches"))
            return invalidScript(where,
                                 QStringLiteral("condition \"%1\" has unknown key \"%2\"; use "
                                                "\"contains\" or \"matches\"")
                                     .arg(field, key.key()));
    }
    condition.contains = object.value(QStringLiteral("contains")).toString();
    if (object.contains(QStringLiteral("matches"))) {
        QRegularExpression regex(object.value(QStringLiteral("matches")).toString());
        if (!regex.isValid()) {
            return invalidScript(
                where,
                QStringLiteral("\"matches\" of condition \"%1\" is not a valid "
                               "regular expression: %2 at offset %3")
                    .arg(field, regex.errorString(), QString::number(regex.patternErrorOffset())));
        }
        condition.matches = regex;
    }
    return condition;
}

// "reply": a string (the content) or an object with content, toolCalls and finishReason; tool
// calls are checked now so a broken script fails when loaded, not in the middle of a run.
Result<QJsonObject> ScriptedChatModel::parseReply(const QJsonValue &reply, const QString &where)
{
    if (reply.isString())
        return QJsonObject {{QStringLiteral("content"), reply.toString()}};
    if (!reply.isObject())
        return invalidScript(
            where, QStringLiteral("has no \"reply\" (a string or an object with \"content\" "
                                  "and/or \"toolCalls\")"));
    const QJsonObject object = reply.toObject();
    static const QStringList replyKeys {QStringLiteral("content"), QStringLiteral("toolCalls"),
                                        QStringLiteral("finishReason")};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!replyKeys.contains(it.key()))
            return invalidScript(
                where, QStringLiteral("\"reply\" has unknown key \"%1\"; expected one of %2")
                           .arg(it.key(), replyKeys.join(QStringLiteral(", "))));
    }
    const QJsonValue calls = object.value(QStringLiteral("toolCalls"));
    if (!calls.isUndefined() && !calls.isArray())
        return invalidScript(where, QStringLiteral("\"toolCalls\" is not an array"));
    const QJsonArray callArray = calls.toArray();
    for (qsizetype i = 0; i < callArray.size(); ++i) {
        Result<ToolCall> call = ToolCall::fromJson(callArray.at(i).toObject());
        if (!call)
            return invalidScript(
                where, QStringLiteral("tool call %1: %2").arg(i + 1).arg(call.error().message()));
    }
    return object;
}

bool ScriptedChatModel::conditionHolds(const Condition &condition, const ChatRequest &request)
{
    QString subject;
    switch (condition.field) {
    case Field::LastUser:
        subject = request.lastUserMessage();
        break;
    case Field::System:
        subject = request.systemPrompt();
        break;
    case Field::LastToolResult: {
        const std::optional<ChatMessage> result = request.lastToolResult();
        if (!result)
            return false;
        subject = result->content;
        break;
    }
    }
    if (!condition.contains.isEmpty() && !subject.contains(condition.contains, Qt::CaseInsensitive))
        return false;
    if (condition.matches && !condition.matches->match(subject).hasMatch())
        return false;
    return true;
}

Result<ChatReply> ScriptedChatModel::replyFor(const Rule &rule, const ChatRequest &request) const
{
    const std::optional<ChatMessage> toolResult = request.lastToolResult();
    const QString model = request.model.isEmpty() ? s_provider : request.model;
    const QList<QPair<QString, QString>> variables {
        {QStringLiteral("{{last_user}}"), request.lastUserMessage()},
        {QStringLiteral("{{last_tool_result}}"), toolResult ? toolResult->content : QString()},
        {QStringLiteral("{{system}}"), request.systemPrompt()},
        {QStringLiteral("{{model}}"), model}};
    const QJsonObject reply = substituted(rule.reply, variables).toObject();

    ChatReply result;
    result.content = reply.value(QStringLiteral("content")).toString();
    const QJsonArray calls = reply.value(QStringLiteral("toolCalls")).toArray();
    const QString fingerprint = request.fingerprint();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        Result<ToolCall> call = ToolCall::fromJson(calls.at(i).toObject());
        if (!call)
            return call.error(); // validated when loading; kept for safety
        if (call->id.isEmpty())
            call->id = QStringLiteral("call_%1_%2").arg(fingerprint.left(12)).arg(i + 1);
        result.toolCalls.append(std::move(call).value());
    }
    result.finishReason = reply.value(QStringLiteral("finishReason"))
                              .toString(result.toolCalls.isEmpty() ? QStringLiteral("stop")
                                                                   : QStringLiteral("tool_calls"));
    qsizetype promptCharacters = 0;
    for (const ChatMessage &message : request.messages)
        promptCharacters += message.content.size();
    qsizetype completionCharacters = result.content.size();
    for (const ToolCall &call : std::as_const(result.toolCalls))
        completionCharacters += call.name.size() +
                                QJsonDocument(call.arguments).toJson(QJsonDocument::Compact).size();
    result.usage.promptTokens = estimatedTokens(promptCharacters);
    result.usage.completionTokens = estimatedTokens(completionCharacters);
    result.usage.totalTokens = result.usage.promptTokens + result.usage.completionTokens;
    result.latencyMs = rule.delayMs;
    result.model = model;
    result.provider = s_provider;
    result.scripted = true;
    return result;
}

void ScriptedChatModel::complete(const ChatRequest &request, Done done)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const Rule *chosen = nullptr;
    for (const Rule &rule : m_rules) {
        const bool holds = std::all_of(
            rule.conditions.cbegin(), rule.conditions.cend(),
            [&request](const Condition &condition) { return conditionHolds(condition, request); });
        if (holds) {
            chosen = &rule;
            break;
        }
    }
    if (!chosen && m_fallback)
        chosen = &*m_fallback;
    if (!chosen) {
        const QString lastUser = request.lastUserMessage();
        const QString what = lastUser.isEmpty()
                                 ? QStringLiteral("this request (it has no user message)")
                                 : QStringLiteral("the last user message %1").arg(quoted(lastUser));
        Error error(
            ErrorCode::NotFound,
            QStringLiteral("No scripted rule in %1 matches %2 (%3 rule(s) tried); add a "
                           "rule or a \"fallback\"")
                .arg(m_sourceName, what, QString::number(m_rules.size())),
            {{QStringLiteral("provider"), s_provider}, {QStringLiteral("rules"), m_sourceName}});
        deliverLater(std::move(done), error);
        return;
    }

    Result<ChatReply> reply = replyFor(*chosen, request);
    if (!reply || chosen->delayMs <= 0) {
        deliverLater(std::move(done), std::move(reply));
        return;
    }
    m_pending.push_back(Pending {nowMs() + chosen->delayMs, m_nextSequence++, std::move(done),
                                 std::move(reply).value()});
    rearm();
}

QString ScriptedChatModel::describe() const
{
    return QStringLiteral("scripted (%1)").arg(m_sourceName);
}

qint64 ScriptedChatModel::nowMs() const
{
    return m_clock ? m_clock->nowMs() : m_realTime.elapsed();
}

void ScriptedChatModel::releaseDue()
{
    Q_ASSERT(QThread::currentThread() == thread());
    const qint64 now = nowMs();
    std::vector<Pending> due;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->dueMs <= now) {
            due.push_back(std::move(*it));
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    std::sort(due.begin(), due.end(), [](const Pending &a, const Pending &b) {
        return a.dueMs != b.dueMs ? a.dueMs < b.dueMs : a.sequence < b.sequence;
    });
    // Through the event loop, because timeJumped may be emitted inside a caller's advance().
    for (Pending &pending : due)
        deliverLater(std::move(pending.done), std::move(pending.reply));
    rearm();
}

void ScriptedChatModel::rearm()
{
    m_timer.stop();
    if (m_pending.empty())
        return;
    // A paused clock only moves by jumps, which arrive as timeJumped; nothing to wait for.
    if (m_clock && m_clock->isPaused())
        return;
    const auto earliest = std::min_element(
        m_pending.cbegin(), m_pending.cend(),
        [](const Pending &a, const Pending &b) { return a.dueMs < b.dueMs; });
    m_timer.start(int(std::clamp<qint64>(earliest->dueMs - nowMs(), 0, 24 * 3600 * 1000)));
}

} // namespace Durable
