// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <durable/core/chatmodel.h>
#include <durable/core/clock.h>
#include <memory>
#include <optional>
#include <vector>

namespace Durable {

// A ChatModel that answers from rules, deterministically and with no network: the default
// model, so agents, tests and the demo run anywhere.
//
// Rules (a JSON file or object) are tried in order; the first whose conditions all hold
// answers. Format:
//   { "rules": [ { "name": "screen",
//                  "when": { "lastUser": {"contains": "resume"},   // case-insensitive
//                            "system": {"matches": "recruit(er|ing)"},  // regular expression
//                            "lastToolResult": "score" },          // a string means contains
//                  "reply": { "content": "Screening {{last_user}}",
//                             "toolCalls": [ {"name": "score", "arguments": {"x": 1}} ],
//                             "finishReason": "tool_calls" },       // optional
//                  "delayMs": 2000 } ],                             // optional
//     "fallback": { "reply": { "content": "I don't know." } } }       // optional
// A top-level array is read as the "rules" list; a rule without "when" matches everything.
// lastToolResult is the latest tool result after the last user message (absent: no match).
// Content and string tool arguments may use {{last_user}}, {{last_tool_result}}, {{system}}
// and {{model}}. Tool calls without an "id" get one derived from the request fingerprint.
//
// delayMs is measured on the given Clock: with a paused VirtualClock a reply is released only
// once virtual time passes its due time (timeJumped); a flowing clock uses a QTimer. Lives on
// one thread; replies always arrive through the event loop.
class ScriptedChatModel : public ChatModel
{
    Q_OBJECT
public:
    // clock is not owned (nullptr: real time). Starts with no rules: every call fails clearly.
    explicit ScriptedChatModel(Clock *clock = nullptr, QObject *parent = nullptr);
    ~ScriptedChatModel() override;

    static Result<std::unique_ptr<ScriptedChatModel>> fromFile(const QString &path,
                                                               Clock *clock = nullptr);
    static Result<std::unique_ptr<ScriptedChatModel>> fromJson(
        const QJsonObject &rules, Clock *clock = nullptr,
        const QString &sourceName = QStringLiteral("inline rules"));

    // Replace the rules; on error the previous rules stay in force.
    Result<void> loadFile(const QString &path);
    Result<void> setRules(const QJsonObject &rules,
                          const QString &sourceName = QStringLiteral("inline rules"));

    int ruleCount() const { return int(m_rules.size()); }
    // Replies waiting for their delay to pass.
    int pendingCount() const { return int(m_pending.size()); }

    void complete(const ChatRequest &request, Done done) override;
    QString describe() const override;

private:
    enum class Field { LastUser, System, LastToolResult };
    struct Condition
    {
        Field field = Field::LastUser;
        QString contains;
        std::optional<QRegularExpression> matches;
    };
    struct Rule
    {
        QString name;
        QList<Condition> conditions;
        QJsonObject reply;
        qint64 delayMs = 0;
    };
    struct Pending
    {
        qint64 dueMs = 0;
        quint64 sequence = 0;
        Done done;
        ChatReply reply;
    };

    static Result<Rule> parseRule(const QJsonObject &json, const QString &where);
    static Result<Condition> parseCondition(const QString &field, const QJsonValue &test,
                                            const QString &where);
    static Result<QJsonObject> parseReply(const QJsonValue &reply, const QString &where);
    static bool conditionHolds(const Condition &condition, const ChatRequest &request);
    Result<ChatReply> replyFor(const Rule &rule, const ChatRequest &request) const;
    qint64 nowMs() const;
    void releaseDue();
    void rearm();

    QPointer<Clock> m_clock;
    QElapsedTimer m_realTime; // time base when there is no clock
    std::vector<Rule> m_rules;
    std::optional<Rule> m_fallback;
    QString m_sourceName = QStringLiteral("no rules");
    std::vector<Pending> m_pending;
    quint64 m_nextSequence = 0;
    QTimer m_timer;
};

} // namespace Durable
