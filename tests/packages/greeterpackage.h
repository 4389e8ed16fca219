// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackage.h>

#include <QObject>

// An agent package built three times from one source, as if rebuilt between reloads (see
// tst_packages' reload tests): "greeter", with the agent Greeter (greet -> "hello vN #count",
// the count kept in its state; remindLater schedules the continuation onReminder; ask asks its
// scripted model, which answers "vN answers <question>", and answer says what it said). Version 3
// no longer registers onReminder. DURABLE_GREETER_VERSION says which version this is.
class GreeterPackage : public QObject, public Durable::AgentPackage
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
    Q_INTERFACES(Durable::AgentPackage)

public:
    QString name() const override;
    QString description() const override;
    QList<Durable::ClassRegistration> classes() const override;
};
