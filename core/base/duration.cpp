// SPDX-License-Identifier: MIT
#include <durable/core/duration.h>

#include <QRegularExpression>

namespace Durable {

namespace {

constexpr qint64 MaxMs = 3'155'760'000'000; // 100 years of 365.25 days, in ms

qint64 unitMs(const QString &unit)
{
    if (unit == QLatin1String("ms"))
        return 1;
    if (unit.isEmpty() || unit == QLatin1String("s"))
        return 1000;
    if (unit == QLatin1String("m") || unit == QLatin1String("min"))
        return 60 * 1000;
    if (unit == QLatin1String("h"))
        return 3600 * 1000;
    if (unit == QLatin1String("d"))
        return 24 * 3600 * 1000;
    if (unit == QLatin1String("w"))
        return 7 * 24 * 3600 * 1000LL;
    return -1;
}

} // namespace

Result<std::chrono::milliseconds> Duration::parse(const QString &text)
{
    const QString trimmed = text.trimmed().toLower();
    auto invalid = [&text](const QString &why) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Invalid duration \"%1\": %2 (write e.g. \"24h\", \"90m\", "
                                    "\"5s\", \"250ms\", \"1h30m\")")
                         .arg(text, why));
    };
    if (trimmed.isEmpty())
        return invalid(QStringLiteral("it is empty"));
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)\\s*(ms|min|[smhdw]?)"));
    qint64 total = 0;
    qsizetype at = 0;
    while (at < trimmed.size()) {
        const QRegularExpressionMatch match = part.match(
            trimmed, at, QRegularExpression::NormalMatch,
            QRegularExpression::AnchorAtOffsetMatchOption);
        if (!match.hasMatch() || match.capturedLength() == 0)
            return invalid(QStringLiteral("unexpected \"%1\"").arg(trimmed.mid(at)));
        const qint64 unit = unitMs(match.captured(2));
        if (unit < 0)
            return invalid(QStringLiteral("unknown unit \"%1\"").arg(match.captured(2)));
        // Checked in floating point: "99999999999999999999h" must be refused, not wrap around.
        const double part = match.captured(1).toDouble() * double(unit);
        if (part > double(MaxMs - total))
            return invalid(QStringLiteral("it is longer than 100 years"));
        total += qint64(part);
        at += match.capturedLength();
        while (at < trimmed.size() && trimmed.at(at).isSpace())
            ++at;
    }
    return std::chrono::milliseconds(total);
}

QString Duration::format(std::chrono::milliseconds duration)
{
    qint64 ms = duration.count();
    if (ms == 0)
        return QStringLiteral("0s");
    QString out;
    if (ms < 0) {
        out = QStringLiteral("-");
        ms = -ms;
    }
    const struct
    {
        qint64 size;
        const char *name;
    } units[] = {
        {24 * 3600 * 1000LL, "d"}, {3600 * 1000, "h"}, {60 * 1000, "m"}, {1000, "s"}, {1, "ms"}};
    for (const auto &unit : units) {
        if (ms >= unit.size) {
            out += QString::number(ms / unit.size) + QLatin1String(unit.name);
            ms %= unit.size;
        }
    }
    return out;
}

QString Duration::describe(std::chrono::milliseconds duration)
{
    const qint64 s = duration.count() / 1000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString Duration::describeMicros(qint64 us)
{
    if (us < 1000)
        return QStringLiteral("%1 µs").arg(us);
    if (us < 1000000)
        return QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', us < 10000 ? 2 : 1);
    return QStringLiteral("%1 s").arg(double(us) / 1000000.0, 0, 'f', 2);
}

} // namespace Durable
