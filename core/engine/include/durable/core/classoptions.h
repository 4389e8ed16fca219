// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/journaltypes.h>

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace Durable {

class DurableObject;

using ObjectFactory = std::function<std::unique_ptr<DurableObject>()>;

// How a registered class behaves beyond its factory.
struct ClassOptions
{
    // Whether the class overrides DurableObject::onAlarm; setAlarm() is refused otherwise.
    // registerClass<T>() works it out itself.
    bool handlesAlarms = false;
    QString description;
    // Where the class's code is: a JavaScript agent file or an agent package's library (an
    // absolute path); empty for a class built into the program. Shown by the studio and the CLI.
    QString source;
    // Agents: the workflow steps objects of this class move through, in order.
    QStringList steps;
    // How much history objects of this class keep; applied as snapshots are written.
    RetentionPolicy retention;
};

} // namespace Durable
