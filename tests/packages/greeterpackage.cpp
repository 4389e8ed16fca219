// SPDX-License-Identifier: MIT
#include "greeterpackage.h"

#include <durable/core/agent.h>

#include <QJsonArray>
#include <QJsonObject>

#include <chrono>

namespace {

class Greeter : public Durable::Agent
{
public:
    Greeter()
    {
        handle("greet", &Greeter::greet);
        handle("remindLater", &Greeter::remindLater);
        handle("ask", &Greeter::ask);
        handle("answer", &Greeter::answer);
        continuation("onAnswer", &Greeter::onAnswer);
#if DURABLE_GREETER_VERSION < 3
        continuation("onReminder", &Greeter::onReminder);
#endif
    }

    // Each version answers in its own words: a reload must bring its rules along.
    QJsonObject scriptedRules() const override
    {
        const QJsonObject reply {
            {QStringLiteral("content"),
             QStringLiteral("v%1 answers {{last_user}}").arg(DURABLE_GREETER_VERSION)}};
        return {{QStringLiteral("rules"),
                 QJsonArray {QJsonObject {{QStringLiteral("name"), QStringLiteral("any")},
                                          {QStringLiteral("reply"), reply}}}}};
    }

private:
    QJsonValue ask(const QJsonValue &question)
    {
        Durable::ChatRequest request;
        request.messages = {Durable::ChatMessage::user(question.toString())};
        return callModel(request, QStringLiteral("onAnswer"));
    }
    void onAnswer(const QJsonValue &, const Durable::ChatReply &reply)
    {
        QJsonObject next = state();
        next.insert(QStringLiteral("answer"), reply.content);
        setState(next);
    }
    QJsonValue answer() const
    {
        return state().value(QStringLiteral("answer"));
    }
    QJsonValue greet()
    {
        const int count = state().value(QStringLiteral("count")).toInt() + 1;
        QJsonObject next = state();
        next.insert(QStringLiteral("count"), count);
        setState(next);
        return QStringLiteral("hello v%1 #%2").arg(DURABLE_GREETER_VERSION).arg(count);
    }
    QJsonValue remindLater()
    {
        return schedule(std::chrono::hours(1), QStringLiteral("onReminder"));
    }
    void onReminder(const QJsonValue &)
    { }
};

} // namespace

QString GreeterPackage::name() const
{
    return QStringLiteral("greeter");
}

QString GreeterPackage::description() const
{
    return QStringLiteral("Greets, version %1").arg(DURABLE_GREETER_VERSION);
}

QList<Durable::ClassRegistration> GreeterPackage::classes() const
{
    return {Durable::ClassRegistration::of<Greeter>(QStringLiteral("Greeter"))};
}
