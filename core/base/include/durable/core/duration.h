// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QString>

#include <chrono>

namespace Durable {

// Durations as text, the one place for it. As people write them in scenarios and on the
// command line: "24h", "90m", "5s", "250ms", "2d", "1w", and sums such as "1h30m" (a bare
// number is seconds); and as the studio shows them, rounded for reading.
class Duration
{
public:
    static Result<std::chrono::milliseconds> parse(const QString &text);
    // The shortest exact form, which parse() reads back: 90 minutes -> "1h30m", 0 -> "0s".
    static QString format(std::chrono::milliseconds duration);
    // For reading, to two units: "42 s", "5 min 3 s", "2 h 10 min", "3 d 4 h".
    static QString describe(std::chrono::milliseconds duration);
    // A short time measured in microseconds (a turn's duration): "850 µs", "12.5 ms", "1.20 s".
    static QString describeMicros(qint64 us);
};

} // namespace Durable
