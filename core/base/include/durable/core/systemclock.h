// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/clock.h>

namespace Durable {

// Wall-clock time (QDateTime::currentMSecsSinceEpoch).
class SystemClock : public Clock
{
    Q_OBJECT
public:
    using Clock::Clock;
    qint64 nowMs() const override;
};

} // namespace Durable
