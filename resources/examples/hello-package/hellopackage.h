// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackage.h>

#include <QObject>

namespace Hello {

// The package's entry point: the plugin object `durable --agents DIR` and the studio find in
// libhello_package.so. The IID carries the SDK version this package was built against.
class HelloPackage : public QObject, public Durable::AgentPackage
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
    Q_INTERFACES(Durable::AgentPackage)

public:
    QString name() const override;
    QString description() const override;
    QList<Durable::ClassRegistration> classes() const override;
};

} // namespace Hello
