// SPDX-License-Identifier: MIT
// libFuzzer target: cron expressions (agent schedules). A parsed expression's next fire time is
// strictly later than the start, on a whole minute, and matches the expression.
#include <durable/core/cronexpression.h>

#include <QDateTime>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto cron = Durable::CronExpression::parse(text);
    if (!cron) {
        if (cron.error().message().isEmpty())
            std::abort();
        return 0;
    }
    static const QDateTime start = QDateTime::fromString(QStringLiteral("2030-02-27T23:58:30Z"),
                                                         Qt::ISODate);
    const QDateTime next = cron->next(start);
    if (!next.isValid())
        return 0; // never within five years, e.g. "0 0 30 2 *"
    if (next <= start || next.time().second() != 0 || !cron->matches(next))
        std::abort();
    return 0;
}
