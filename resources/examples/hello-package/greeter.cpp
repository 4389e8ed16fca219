// SPDX-License-Identifier: MIT
#include "greeter.h"

#include <QJsonObject>

#include <chrono>

using namespace std::chrono_literals;

namespace Hello {

namespace {

const QString s_greetings = QStringLiteral("greetings");
const QString s_followUps = QStringLiteral("followUps");
const QString s_lastVisitor = QStringLiteral("lastVisitor");
const QString s_lastGreetedAt = QStringLiteral("lastGreetedAt");
constexpr qsizetype s_maxNameLength = 40;

} // namespace

Greeter::Greeter()
{
    handle(QStringLiteral("greet"), &Greeter::greet);
    handle(QStringLiteral("status"), &Greeter::status);
    continuation(QStringLiteral("followUp"), &Greeter::followUp);
}

QStringList Greeter::workflowSteps()
{
    return {QStringLiteral("greeted"), QStringLiteral("followed-up")};
}

QJsonObject Greeter::initialState() const
{
    return {{s_greetings, 0}, {s_followUps, 0}};
}

Durable::Result<void> Greeter::validateState(const QJsonObject &next) const
{
    if (next.value(s_lastVisitor).toString().size() > s_maxNameLength) {
        return Durable::Error(
            Durable::ErrorCode::InvalidArgument,
            QStringLiteral("A visitor's name has at most %1 characters").arg(s_maxNameLength));
    }
    return {};
}

QJsonValue Greeter::greet(const QJsonValue &args)
{
    const QString name = args.toObject().value(QStringLiteral("name")).toString().trimmed();
    if (name.isEmpty())
        throw Durable::Error(Durable::ErrorCode::InvalidArgument,
                             QStringLiteral("greet needs a \"name\""));
    QJsonObject next = state();
    next[s_greetings] = next.value(s_greetings).toInt() + 1;
    next[s_lastVisitor] = name;
    // The engine's clock (virtual in scenarios), never the wall clock: replays stay exact.
    next[s_lastGreetedAt] = context().now().toString(Qt::ISODate);
    setState(next);
    setStep(QStringLiteral("greeted"));
    // A name and a payload, never a lambda: the follow-up survives a restart.
    schedule(24h, QStringLiteral("followUp"), QJsonObject {{QStringLiteral("name"), name}});
    return QStringLiteral("Hello, %1!").arg(name);
}

void Greeter::followUp(const QJsonValue &payload)
{
    Q_UNUSED(payload);
    QJsonObject next = state();
    next[s_followUps] = next.value(s_followUps).toInt() + 1;
    setState(next);
    // The schedule that runs this turn is no longer listed; others may still be pending.
    if (schedules().isEmpty())
        setStep(QStringLiteral("followed-up"));
}

QJsonValue Greeter::status() const
{
    QJsonObject result = state();
    result.insert(QStringLiteral("step"), step());
    result.insert(QStringLiteral("pendingFollowUps"), int(schedules().size()));
    return result;
}

} // namespace Hello
