// SPDX-License-Identifier: MIT
#include "demoagentspackage.h"

#include "examples.h"

namespace DurableExamples {

QString DemoAgentsPackage::name() const
{
    return QStringLiteral("demo");
}

QString DemoAgentsPackage::description() const
{
    return QStringLiteral("The demo agents: Recruitment, Assistant, Counter and Reminder");
}

QList<Durable::ClassRegistration> DemoAgentsPackage::classes() const
{
    return demoClasses();
}

} // namespace DurableExamples
