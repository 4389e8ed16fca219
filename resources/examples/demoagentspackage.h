// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackage.h>

#include <QObject>

namespace DurableExamples {

// The demo agents as an agent package (durable_demo_agents, installed under
// lib/durable-studio/demo-agents): the reference agents Recruitment and Assistant and the demo
// objects Counter and Reminder. `durable --demo` and the studio's demo directory load it; a
// user's own engine never has these names taken.
class DemoAgentsPackage : public QObject, public Durable::AgentPackage
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
    Q_INTERFACES(Durable::AgentPackage)

public:
    QString name() const override;
    QString description() const override;
    QList<Durable::ClassRegistration> classes() const override;
};

} // namespace DurableExamples
