// SPDX-License-Identifier: MIT
#include "hellopackage.h"

#include "greeter.h"

namespace Hello {

QString HelloPackage::name() const
{
    return QStringLiteral("hello");
}

QString HelloPackage::description() const
{
    return QStringLiteral("A greeter agent that follows up with every visitor a day later");
}

QList<Durable::ClassRegistration> HelloPackage::classes() const
{
    Durable::ClassOptions greeter;
    greeter.description = QStringLiteral(
        "Greets visitors and follows up a day later (greet, status)");
    greeter.steps = Greeter::workflowSteps();
    return {Durable::ClassRegistration::of<Greeter>(QStringLiteral("Greeter"), greeter)};
}

} // namespace Hello
