// SPDX-License-Identifier: MIT
#include <durable/core/cronexpression.h>

#include <QRegularExpression>
#include <QStringList>

#include <bit>
#include <iterator>

namespace Durable {

namespace {

struct FieldSpec
{
    const char *name;
    int min;
    int max;
    // Names accepted instead of numbers, the first one standing for `namesBase`.
    const char *const *names;
    int nameCount;
    int namesBase;
    const char *namesHint;
};

const char *const s_monthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char *const s_dayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Day-of-week accepts 7 as a second Sunday; it is folded onto 0 after parsing.
const FieldSpec s_fields[] = {
    {"minute", 0, 59, nullptr, 0, 0, nullptr},
    {"hour", 0, 23, nullptr, 0, 0, nullptr},
    {"day-of-month", 1, 31, nullptr, 0, 0, nullptr},
    {"month", 1, 12, s_monthNames, 12, 1, "a month name (JAN-DEC)"},
    {"day-of-week", 0, 7, s_dayNames, 7, 0, "a day name (SUN-SAT)"},
};

struct Macro
{
    const char *name;
    const char *expansion;
};

const Macro s_macros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

QString fieldName(const FieldSpec &spec)
{
    return QString::fromLatin1(spec.name);
}

// Parses one value (number or name) of a field; returns an error text or an empty string.
QString parseValue(const FieldSpec &spec, const QString &token, int &value)
{
    if (token.isEmpty())
        return QStringLiteral("%1 has an empty value").arg(fieldName(spec));
    bool isNumber = true;
    for (QChar c : token)
        isNumber = isNumber && c >= u'0' && c <= u'9';
    if (isNumber) {
        // More than 4 digits can't be in range and might overflow toInt().
        value = token.size() > 4 ? spec.max + 1 : token.toInt();
        if (value < spec.min || value > spec.max)
            return QStringLiteral("%1 value %2 is out of range %3-%4")
                .arg(fieldName(spec), token)
                .arg(spec.min)
                .arg(spec.max);
        return {};
    }
    const QString upper = token.toUpper();
    for (int i = 0; i < spec.nameCount; ++i) {
        if (upper == QLatin1String(spec.names[i])) {
            value = spec.namesBase + i;
            return {};
        }
    }
    if (spec.names)
        return QStringLiteral("%1 value \"%2\" is not a number or %3")
            .arg(fieldName(spec), token, QLatin1String(spec.namesHint));
    return QStringLiteral("%1 value \"%2\" is not a number").arg(fieldName(spec), token);
}

// Parses a whole field (a comma-separated list of items) into a bit mask.
QString parseField(const FieldSpec &spec, const QString &field, quint64 &mask)
{
    mask = 0;
    const QStringList items = field.split(u',');
    for (const QString &item : items) {
        if (item.isEmpty())
            return QStringLiteral("%1 field \"%2\" has an empty list item")
                .arg(fieldName(spec), field);

        QString rangePart = item;
        int step = 1;
        bool hasStep = false;
        const qsizetype slash = item.indexOf(u'/');
        if (slash >= 0) {
            hasStep = true;
            rangePart = item.left(slash);
            const QString stepText = item.mid(slash + 1);
            bool ok = false;
            step = stepText.toInt(&ok);
            for (QChar c : stepText)
                ok = ok && c >= u'0' && c <= u'9';
            if (!ok || step < 1 || step > spec.max)
                return QStringLiteral("%1 step \"%2\" must be a number in range 1-%3")
                    .arg(fieldName(spec), stepText)
                    .arg(spec.max);
        }

        int first = spec.min;
        int last = spec.max;
        if (rangePart != QLatin1String("*")) {
            const qsizetype dash = rangePart.indexOf(u'-');
            if (dash >= 0) {
                if (QString error = parseValue(spec, rangePart.left(dash), first); !error.isEmpty())
                    return error;
                if (QString error = parseValue(spec, rangePart.mid(dash + 1), last);
                    !error.isEmpty())
                    return error;
                if (first > last)
                    return QStringLiteral("%1 range \"%2\" is backwards (%3 is after %4)")
                        .arg(fieldName(spec), rangePart)
                        .arg(first)
                        .arg(last);
            } else {
                if (QString error = parseValue(spec, rangePart, first); !error.isEmpty())
                    return error;
                // As in Vixie cron and cronie, "10/15" means "from 10 to the end, every 15".
                last = hasStep ? spec.max : first;
            }
        }
        for (int value = first; value <= last; value += step)
            mask |= quint64(1) << value;
    }
    return {};
}

// The smallest set bit >= from, or -1.
int nextSetBit(quint64 mask, int from)
{
    if (from >= 64)
        return -1;
    const quint64 rest = mask >> from;
    return rest ? from + std::countr_zero(rest) : -1;
}

} // namespace

Result<CronExpression> CronExpression::parse(const QString &text)
{
    const auto invalid = [&text](const QString &why) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Invalid cron expression \"%1\": %2").arg(text.left(100), why));
    };

    QString expanded = text.trimmed();
    if (expanded.isEmpty())
        return invalid(QStringLiteral("the expression is empty"));
    if (expanded.startsWith(u'@')) {
        const QString name = expanded.toLower();
        bool found = false;
        for (const Macro &macro : s_macros) {
            if (name == QLatin1String(macro.name)) {
                expanded = QString::fromLatin1(macro.expansion);
                found = true;
                break;
            }
        }
        if (!found && name == QLatin1String("@reboot"))
            return invalid(QStringLiteral("@reboot is not supported: schedules fire at times, "
                                          "not when the engine starts"));
        if (!found)
            return invalid(QStringLiteral("unknown macro \"%1\" (expected @yearly, @annually, "
                                          "@monthly, @weekly, @daily, @midnight or @hourly)")
                               .arg(expanded));
    }

    static const QRegularExpression s_whitespace(QStringLiteral("\\s+"));
    const QStringList fields = expanded.split(s_whitespace, Qt::SkipEmptyParts);
    constexpr qsizetype fieldCount = std::size(s_fields);
    if (fields.size() != fieldCount)
        return invalid(QStringLiteral("expected 5 fields (minute hour day-of-month month "
                                      "day-of-week), got %1")
                           .arg(fields.size()));

    quint64 masks[fieldCount] = {};
    for (qsizetype i = 0; i < fieldCount; ++i) {
        if (QString error = parseField(s_fields[i], fields[i], masks[i]); !error.isEmpty())
            return invalid(error);
    }

    CronExpression cron;
    cron.m_text = text;
    cron.m_minutes = masks[0];
    cron.m_hours = masks[1];
    cron.m_daysOfMonth = masks[2];
    cron.m_months = masks[3];
    cron.m_daysOfWeek = masks[4];
    constexpr quint64 sundayAgain = quint64(1) << 7;
    if (cron.m_daysOfWeek & sundayAgain)
        cron.m_daysOfWeek = (cron.m_daysOfWeek & ~sundayAgain) | 1;
    // Vixie cron's rule: a field counts as unrestricted when it starts with '*', so "*/2" in
    // day-of-month still combines with day-of-week by AND.
    cron.m_dayOfMonthRestricted = !fields[2].startsWith(u'*');
    cron.m_dayOfWeekRestricted = !fields[4].startsWith(u'*');
    cron.m_valid = true;
    return cron;
}

bool CronExpression::dayMatches(const QDate &date) const
{
    const bool dayOfMonth = m_daysOfMonth & (quint64(1) << date.day());
    // QDate counts Monday = 1 ... Sunday = 7; cron counts Sunday = 0.
    const bool dayOfWeek = m_daysOfWeek & (quint64(1) << (date.dayOfWeek() % 7));
    if (m_dayOfMonthRestricted && m_dayOfWeekRestricted)
        return dayOfMonth || dayOfWeek;
    return dayOfMonth && dayOfWeek;
}

bool CronExpression::matches(const QDateTime &when) const
{
    if (!m_valid || !when.isValid())
        return false;
    const QDateTime utc = when.toUTC();
    const QDate date = utc.date();
    const QTime time = utc.time();
    return (m_months & (quint64(1) << date.month())) && dayMatches(date) &&
           (m_hours & (quint64(1) << time.hour())) && (m_minutes & (quint64(1) << time.minute()));
}

QDateTime CronExpression::next(const QDateTime &after) const
{
    if (!m_valid || !after.isValid())
        return {};
    const QDateTime start = after.toUTC();
    const QDateTime limit = start.addYears(5);

    // Walk forward month by month, day by day, hour by hour, jumping straight to the next
    // allowed value inside each unit, so even a year-long search takes a few hundred steps.
    QDate date = start.date();
    int hour = start.time().hour();
    int minute = start.time().minute() + 1; // strictly after; seconds are dropped
    const auto nextDay = [&date, &hour, &minute]() {
        date = date.addDays(1);
        hour = 0;
        minute = 0;
    };
    if (minute == 60) {
        minute = 0;
        if (++hour == 24)
            nextDay();
    }

    while (date <= limit.date()) {
        if (!(m_months & (quint64(1) << date.month()))) {
            date = QDate(date.year(), date.month(), 1).addMonths(1);
            hour = 0;
            minute = 0;
            continue;
        }
        if (!dayMatches(date)) {
            nextDay();
            continue;
        }
        const int matchingHour = nextSetBit(m_hours, hour);
        if (matchingHour < 0) {
            nextDay();
            continue;
        }
        if (matchingHour != hour) {
            hour = matchingHour;
            minute = 0;
        }
        const int matchingMinute = nextSetBit(m_minutes, minute);
        if (matchingMinute < 0) {
            minute = 0;
            if (++hour == 24)
                nextDay();
            continue;
        }
        const QDateTime found(date, QTime(hour, matchingMinute), Qt::UTC);
        return found <= limit ? found : QDateTime();
    }
    return {};
}

} // namespace Durable
