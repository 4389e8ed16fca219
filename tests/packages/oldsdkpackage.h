// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackage.h>

#include <QObject>

// A package as if built against Durable SDK 0.0: its IID names that version. The loader must
// refuse it from its metadata, without running its code.
class OldSdkPackage : public QObject, public Durable::AgentPackage
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.durablestudio.AgentPackage/0.0")
    Q_INTERFACES(Durable::AgentPackage)

public:
    QString name() const override;
    QString description() const override;
    QList<Durable::ClassRegistration> classes() const override;
};
