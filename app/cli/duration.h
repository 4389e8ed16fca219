// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QString>

#include <chrono>

namespace Durable::Cli {

// Durations as people write them in scenarios and on the command line: "24h", "90m", "5s",
// "250ms", "2d", "1w", and sums such as "1h30m". A bare number is seconds.
class Duration
{
public:
    static Result<std::chrono::milliseconds> parse(const QString &text);
    // The shortest exact form: 90 minutes -> "1h30m", 0 -> "0s".
    static QString format(std::chrono::milliseconds duration);
};

} // namespace Durable::Cli
