// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

namespace Durable {

// What the inspection API knows of an object in memory.
struct LiveState
{
    bool open = false;
    bool quarantined = false;
    int queueDepth = 0;
    qint64 lastActiveMs = 0;
};

} // namespace Durable
