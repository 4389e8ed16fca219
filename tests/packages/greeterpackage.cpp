// SPDX-License-Identifier: MIT
#include "greeterpackage.h"

#include <durable/core/agent.h>

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
#if DURABLE_GREETER_VERSION < 3
        continuation("onReminder", &Greeter::onReminder);
#endif
    }

private:
    QJsonValue greet()
    {
        const int count = state().value(QStringLiteral("count")).toInt() + 1;
        setState({{QStringLiteral("count"), count}});
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
