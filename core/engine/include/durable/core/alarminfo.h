// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>

namespace Durable {

// What an alarm turn knows about the alarm that fired.
struct AlarmInfo
{
    QDateTime scheduledTime; // when it was due
    int retryCount = 0;      // 0 on the first attempt
    bool isRetry = false;
};

} // namespace Durable
