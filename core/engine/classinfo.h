// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classoptions.h>

#include <QString>

namespace Durable {

// A registered class. Immutable: a reload (Engine::replaceClass) registers a new ClassInfo, and
// objects that opened with the old one keep it until they close.
struct ClassInfo
{
    QString name;
    ObjectFactory factory;
    ClassOptions options;
    // Unique per registration in the process: what is cached per class (an agent class's
    // scripted model) is cached per version of it.
    quint64 generation = 0;
};

} // namespace Durable
