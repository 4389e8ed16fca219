// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>
#include <durable/core/result.h>

namespace Durable {

// A parsed standard 5-field cron expression ("minute hour day-of-month month day-of-week") or
// one of the macros @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
//
// A plain value type with no thread affinity: parse once, then ask next() as often as needed.
// Times are always evaluated in UTC so that a schedule means the same thing on every machine and
// never fires twice or not at all across a daylight-saving change.
//
// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted (their
// field does not start with '*'), a day matches if EITHER matches; otherwise both must match.
class CronExpression
{
public:
    // An invalid expression that never fires; parse() is the way to get a real one.
    CronExpression() = default;

    // Refuses bad input with an InvalidArgument error naming the field and the token, e.g.
    // Invalid cron expression "61 * * * *": minute value 61 is out of range 0-59
    static Result<CronExpression> parse(const QString &text);

    bool isValid() const { return m_valid; }

    // The first matching minute strictly after `after` (in UTC, seconds zero), or an invalid
    // QDateTime if nothing matches within five years (e.g. "0 0 30 2 *").
    QDateTime next(const QDateTime &after) const;

    // Whether the minute containing `when` (taken in UTC) matches.
    bool matches(const QDateTime &when) const;

    // The text given to parse(), unchanged.
    QString toString() const { return m_text; }

private:
    bool dayMatches(const QDate &date) const;

    QString m_text;
    // Bit n set means value n is allowed; day-of-week uses 0-6 with Sunday as 0.
    quint64 m_minutes = 0;
    quint64 m_hours = 0;
    quint64 m_daysOfMonth = 0;
    quint64 m_months = 0;
    quint64 m_daysOfWeek = 0;
    bool m_dayOfMonthRestricted = false;
    bool m_dayOfWeekRestricted = false;
    bool m_valid = false;
};

} // namespace Durable
