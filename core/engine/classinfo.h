// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classoptions.h>

#include <QString>

namespace Durable {

// A registered class. Immutable once the engine started, so workers read it without locks.
struct ClassInfo
{
    QString name;
    ObjectFactory factory;
    ClassOptions options;
};

} // namespace Durable
