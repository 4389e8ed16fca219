// SPDX-License-Identifier: MIT
#include "assistant.h"

#include "examples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

namespace DurableExamples {

using namespace Durable;

Assistant::Assistant()
{
    handle("chat", &Assistant::chat);
    handle("history", &Assistant::history);
    handle("status", &Assistant::status);
    continuation("onAnswer", &Assistant::onAnswer);
    tool("now", QStringLiteral("The current date and time (UTC, ISO 8601)."),
         QJsonObject {{QStringLiteral("type"), QStringLiteral("object")},
                      {QStringLiteral("properties"), QJsonObject {}}},
         &Assistant::now);
    tool(
        "remember", QStringLiteral("Remember a fact about the user for later conversations."),
        QJsonObject {{QStringLiteral("type"), QStringLiteral("object")},
                     {QStringLiteral("properties"),
                      QJsonObject {{QStringLiteral("fact"),
                                    QJsonObject {{QStringLiteral("type"), QStringLiteral("string")},
                                                 {QStringLiteral("minLength"), 1}}}}},
                     {QStringLiteral("required"), QJsonArray {QStringLiteral("fact")}}},
        &Assistant::remember);
    tool("forget", QStringLiteral("Forget everything you remember about the user."),
         QJsonObject {{QStringLiteral("type"), QStringLiteral("object")},
                      {QStringLiteral("properties"), QJsonObject {}}},
         &Assistant::forget);
    continuation("onForgetAnswer", &Assistant::onForgetAnswer);
}

QJsonObject Assistant::scriptedRules() const
{
    return exampleRules(QStringLiteral("assistant"));
}

void Assistant::ensureMemory()
{
    if (m_memoryReady)
        return;
    storage().sql(
        QStringLiteral("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, "
                       "role TEXT NOT NULL, message TEXT NOT NULL, at_ms INTEGER NOT NULL)"));
    m_memoryReady = true;
}

void Assistant::appendMessage(const ChatMessage &message)
{
    ensureMemory();
    storage().sql(QStringLiteral("INSERT INTO messages(role, message, at_ms) VALUES (?, ?, ?)"),
                  QJsonArray {ChatMessage::roleName(message.role),
                              QString::fromUtf8(
                                  QJsonDocument(message.toJson()).toJson(QJsonDocument::Compact)),
                              double(context().nowMs())});
}

QList<ChatMessage> Assistant::conversation()
{
    ensureMemory();
    QList<ChatMessage> messages;
    const SqlResult rows = storage().sql(
        QStringLiteral("SELECT message FROM messages ORDER BY id"));
    for (const QJsonArray &row : rows.rows) {
        const auto parsed = ChatMessage::fromJson(
            QJsonDocument::fromJson(row.at(0).toString().toUtf8()).object());
        if (parsed)
            messages.append(parsed.value());
    }
    return messages;
}

QJsonValue Assistant::chat(const QJsonValue &args)
{
    const QString text = args.isString() ? args.toString()
                                         : args.toObject().value(QStringLiteral("text")).toString();
    if (text.trimmed().isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("chat needs a \"text\""));
    appendMessage(ChatMessage::user(text));
    QString system = QStringLiteral("You are a helpful assistant. Use the tools when they help.");
    const QJsonArray facts = state().value(QStringLiteral("facts")).toArray();
    if (!facts.isEmpty()) {
        QStringList lines;
        for (const QJsonValue &fact : facts)
            lines.append(QStringLiteral("- ") + fact.toString());
        system += QStringLiteral("\nWhat you know about the user:\n") +
                  lines.join(QLatin1Char('\n'));
    }
    ChatRequest request;
    request.messages = {ChatMessage::system(system)};
    request.messages.append(conversation());
    return callModel(request, QStringLiteral("onAnswer"));
}

QJsonValue Assistant::onAnswer(const QJsonValue &, const ChatReply &reply)
{
    appendMessage(ChatMessage::assistant(reply.content));
    QJsonObject next = state();
    next.insert(QStringLiteral("lastAnswer"), reply.content);
    next.insert(QStringLiteral("turns"), next.value(QStringLiteral("turns")).toInt() + 1);
    setState(next);
    return reply.content;
}

QJsonValue Assistant::now(const QJsonObject &)
{
    return QStringLiteral("It is %1.").arg(context().now().toUTC().toString(Qt::ISODate));
}

QJsonValue Assistant::remember(const QJsonObject &args)
{
    QString fact = args.value(QStringLiteral("fact")).toString().trimmed();
    if (fact.startsWith(QLatin1String("remember "), Qt::CaseInsensitive))
        fact = fact.mid(9).trimmed();
    QJsonObject next = state();
    QJsonArray facts = next.value(QStringLiteral("facts")).toArray();
    facts.append(fact);
    next.insert(QStringLiteral("facts"), facts);
    setState(next);
    return QStringLiteral("I will remember that %1.").arg(fact);
}

namespace {

QString factCount(qsizetype count)
{
    return count == 1 ? QStringLiteral("1 fact") : QStringLiteral("%1 facts").arg(count);
}

} // namespace

// Forgetting cannot be undone, so the person decides: the model hears that it was asked, and
// the answer arrives later as its own turn (onForgetAnswer).
QJsonValue Assistant::forget(const QJsonObject &)
{
    const QJsonArray facts = state().value(QStringLiteral("facts")).toArray();
    QStringList lines;
    for (const QJsonValue &fact : facts)
        lines.append(QStringLiteral("- ") + fact.toString());
    HumanRequest request;
    request.title = QStringLiteral("Forget %1?").arg(factCount(facts.size()));
    request.prompt = facts.isEmpty()
                         ? QStringLiteral("The assistant wants to forget what it knows about you; "
                                          "it knows nothing yet.")
                         : QStringLiteral("The assistant wants to forget everything it knows "
                                          "about you:\n") +
                               lines.join(QLatin1Char('\n'));
    request.context = QJsonObject {{QStringLiteral("facts"), facts}};
    request.actions = {HumanAction::Approve, HumanAction::Reject};
    askHuman(request, QStringLiteral("onForgetAnswer"));
    return QStringLiteral("I asked you to confirm that I should forget %1.")
        .arg(factCount(facts.size()));
}

QJsonValue Assistant::onForgetAnswer(const HumanRequestInfo &, const HumanResponse &response)
{
    QJsonObject next = state();
    QString answer;
    if (response.action == HumanAction::Approve) {
        answer = QStringLiteral("I forgot %1.")
                     .arg(factCount(next.value(QStringLiteral("facts")).toArray().size()));
        next.insert(QStringLiteral("facts"), QJsonArray {});
    } else {
        answer = QStringLiteral("I keep what I know.");
    }
    appendMessage(ChatMessage::assistant(answer));
    next.insert(QStringLiteral("lastAnswer"), answer);
    setState(next);
    return answer;
}

QJsonValue Assistant::history()
{
    QJsonArray out;
    for (const ChatMessage &message : conversation())
        out.append(message.toJson());
    return out;
}

QJsonValue Assistant::status() const
{
    QJsonObject s = state();
    s.insert(QStringLiteral("pendingModelCalls"), int(modelCalls(true).size()));
    return s;
}

} // namespace DurableExamples
