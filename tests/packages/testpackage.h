// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackage.h>

#include <QObject>

// A well-formed agent package built in-tree with durable_add_agent_package(): "test", with the
// class PackagedCounter (increment {by} -> the new count, kept in storage).
class TestPackage : public QObject, public Durable::AgentPackage
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
    Q_INTERFACES(Durable::AgentPackage)

public:
    QString name() const override;
    QString description() const override;
    QList<Durable::ClassRegistration> classes() const override;
};
