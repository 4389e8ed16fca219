// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackage.h>

#include <QObject>

// A valid package "duplicate" whose class PackagedEcho is named PackagedCounter too: loaded after
// TestPackage, it must be refused for the name clash.
class DuplicatePackage : public QObject, public Durable::AgentPackage
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
    Q_INTERFACES(Durable::AgentPackage)

public:
    QString name() const override;
    QString description() const override;
    QList<Durable::ClassRegistration> classes() const override;
};
