// SPDX-License-Identifier: MIT
#include <durable/core/systemclock.h>

namespace Durable {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace Durable
