// SPDX-License-Identifier: MIT
#include <durable/core/cronexpression.h>

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

using namespace Durable;

namespace {

QDateTime utc(const char *iso)
{
    QDateTime when = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    return when.toUTC();
}

// Rows: expression, start instant, expected next fire time ("" = none within five years).
// Expected values were worked out by hand and checked against an independent brute-force
// minute-by-minute reference, not produced by this implementation.
void addNext(const char *name, const char *expression, const char *start, const char *expected)
{
    QTest::newRow(name) << QString::fromLatin1(expression) << utc(start)
                        << (*expected ? utc(expected) : QDateTime());
}

// The obviously-correct slow answer: test every minute until one matches.
QDateTime bruteForceNext(const CronExpression &cron, const QDateTime &after, int maxMinutes)
{
    QDateTime candidate = after.toUTC();
    candidate.setTime(QTime(candidate.time().hour(), candidate.time().minute()));
    for (int i = 0; i < maxMinutes; ++i) {
        candidate = candidate.addSecs(60);
        if (cron.matches(candidate))
            return candidate;
    }
    return {};
}

} // namespace

class TestCronExpression : public QObject
{
    Q_OBJECT
private slots:
    void next_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QDateTime>("start");
        QTest::addColumn<QDateTime>("expected");
        addNext("every minute", "* * * * *", "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z");
        addNext("every minute drops seconds", "* * * * *", "2024-01-01T00:00:30Z",
                "2024-01-01T00:01:00Z");
        addNext("step within hour", "*/15 * * * *", "2024-03-10T10:07:00Z", "2024-03-10T10:15:00Z");
        addNext("step rolls hour", "*/15 * * * *", "2024-03-10T10:45:00Z", "2024-03-10T11:00:00Z");
        addNext("range with step rolls hour", "10-50/10 * * * *", "2024-03-10T10:50:00Z",
                "2024-03-10T11:10:00Z");
        addNext("weekday range skips weekend", "0 9 * * MON-FRI", "2024-06-07T09:00:00Z",
                "2024-06-10T09:00:00Z");
        addNext("month name rolls year", "0 0 1 JAN *", "2024-06-15T00:00:00Z",
                "2025-01-01T00:00:00Z");
        addNext("lowercase day name", "30 2 * * sun", "2024-06-10T00:00:00Z",
                "2024-06-16T02:30:00Z");
        addNext("7 is sunday", "0 0 * * 7", "2024-06-10T00:00:00Z", "2024-06-16T00:00:00Z");
        addNext("list of days", "0 12 1,15 * *", "2024-06-02T00:00:00Z", "2024-06-15T12:00:00Z");
        addNext("dom or dow: friday first", "0 0 13 * FRI", "2024-09-01T00:00:00Z",
                "2024-09-06T00:00:00Z");
        addNext("dom or dow: the 13th", "0 0 13 * FRI", "2024-09-06T00:00:00Z",
                "2024-09-13T00:00:00Z");
        addNext("dom or dow: day 1 before monday", "0 0 1 * MON", "2024-08-27T00:00:00Z",
                "2024-09-01T00:00:00Z");
        addNext("31st skips short month", "0 0 31 * *", "2024-04-01T00:00:00Z",
                "2024-05-31T00:00:00Z");
        addNext("star step dom ANDs with dow", "0 0 */2 * MON", "2024-06-01T00:00:00Z",
                "2024-06-03T00:00:00Z");
        addNext("star step dom ANDs with dow later", "0 0 */2 * MON", "2024-06-04T00:00:00Z",
                "2024-06-17T00:00:00Z");
        addNext("feb 29 next leap year", "0 0 29 2 *", "2024-03-01T00:00:00Z",
                "2028-02-29T00:00:00Z");
        addNext("feb 29 same year", "0 0 29 2 *", "2023-01-01T00:00:00Z", "2024-02-29T00:00:00Z");
        addNext("year rollover last minute", "59 23 31 12 *", "2024-12-31T23:59:00Z",
                "2025-12-31T23:59:00Z");
        addNext("midnight new year", "0 0 * * *", "2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z");
        addNext("@hourly", "@hourly", "2024-05-05T05:05:00Z", "2024-05-05T06:00:00Z");
        addNext("@daily", "@daily", "2024-05-05T05:05:00Z", "2024-05-06T00:00:00Z");
        addNext("@midnight", "@midnight", "2024-05-05T05:05:00Z", "2024-05-06T00:00:00Z");
        addNext("@weekly", "@weekly", "2024-05-05T05:05:00Z", "2024-05-12T00:00:00Z");
        addNext("@monthly", "@monthly", "2024-01-31T12:00:00Z", "2024-02-01T00:00:00Z");
        addNext("@yearly", "@yearly", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
        addNext("@ANNUALLY uppercase", "@ANNUALLY", "2023-07-01T00:00:00Z", "2024-01-01T00:00:00Z");
        addNext("feb 30 never", "0 0 30 2 *", "2024-01-01T00:00:00Z", "");
        addNext("31st of 30-day months never", "0 0 31 4,6,9,11 *", "2024-01-01T00:00:00Z", "");
        addNext("list and range of days", "5 4 * * 0-2,5", "2024-06-12T00:00:00Z",
                "2024-06-14T04:05:00Z");
        addNext("weekday evening over weekend", "0 22 * * 1-5", "2024-06-14T22:00:00Z",
                "2024-06-17T22:00:00Z");
        addNext("quarterly month step", "0 0 1 */3 *", "2024-02-15T00:00:00Z",
                "2024-04-01T00:00:00Z");
        addNext("hour range step next day", "0 8-18/2 * * *", "2024-06-01T18:00:00Z",
                "2024-06-02T08:00:00Z");
        addNext("month name range", "0 0 * FEB-APR *", "2024-05-01T00:00:00Z",
                "2025-02-01T00:00:00Z");
        addNext("monthly at fixed time", "15 14 1 * *", "2024-02-01T14:15:00Z",
                "2024-03-01T14:15:00Z");
        addNext("start with utc offset", "0 12 * * *", "2024-06-01T13:30:00+02:00",
                "2024-06-01T12:00:00Z");
        addNext("feb 29 or monday in non-leap year", "0 0 29 2 MON", "2025-02-25T00:00:00Z",
                "2026-02-02T00:00:00Z");
        addNext("day name range with step", "0 0 * * mon-fri/2", "2024-06-11T00:00:00Z",
                "2024-06-12T00:00:00Z");
        addNext("exactly on the minute", "30 * * * *", "2024-06-01T10:30:00Z",
                "2024-06-01T11:30:00Z");
        addNext("feb 29 beyond 2100", "0 0 29 2 *", "2096-03-01T00:00:00Z", "");
        addNext("year 2100", "0 0 1 1 *", "2099-06-01T00:00:00Z", "2100-01-01T00:00:00Z");
        addNext("step into leap day", "*/20 * * * *", "2024-02-28T23:50:00Z",
                "2024-02-29T00:00:00Z");
        addNext("feb 28-31 range", "0 0 28-31 2 *", "2023-02-28T00:00:00Z", "2024-02-28T00:00:00Z");
        addNext("summer weekend mornings", "45 6 * jun-aug sat,sun", "2024-08-31T06:45:00Z",
                "2025-06-01T06:45:00Z");
    }
    void next()
    {
        QFETCH(QString, expression);
        QFETCH(QDateTime, start);
        QFETCH(QDateTime, expected);
        QVERIFY(start.isValid());
        const auto cron = CronExpression::parse(expression);
        QVERIFY2(cron.ok(), qPrintable(cron.error().message()));
        QVERIFY(cron->isValid());
        QCOMPARE(cron->toString(), expression);
        const QDateTime next = cron->next(start);
        QCOMPARE(next, expected);
        if (expected.isValid()) {
            QCOMPARE(next.timeSpec(), Qt::UTC);
            QVERIFY(cron->matches(next));
            QVERIFY(next > start);
        }
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("why");
        const auto add = [](const char *name, const char *expression, const char *why) {
            QTest::newRow(name) << QString::fromLatin1(expression) << QString::fromLatin1(why);
        };
        add("minute too big", "61 * * * *",
            "Invalid cron expression \"61 * * * *\": minute value 61 is out of range 0-59");
        add("hour too big", "0 24 * * *", "hour value 24 is out of range 0-23");
        add("day-of-month zero", "0 0 0 * *", "day-of-month value 0 is out of range 1-31");
        add("day-of-month 32", "0 0 32 * *", "day-of-month value 32 is out of range 1-31");
        add("month 13", "0 0 1 13 *", "month value 13 is out of range 1-12");
        add("day-of-week 8", "0 0 * * 8", "day-of-week value 8 is out of range 0-7");
        add("huge number", "99999999999 * * * *", "minute value 99999999999 is out of range");
        add("bad month name", "0 0 1 FOO *",
            "month value \"FOO\" is not a number or a month name (JAN-DEC)");
        add("bad day name", "0 0 * * MOX",
            "day-of-week value \"MOX\" is not a number or a day name (SUN-SAT)");
        add("bad name in range", "0 0 * JAN-FOO *", "month value \"FOO\"");
        add("letters in minute", "a * * * *", "minute value \"a\" is not a number");
        add("name in numeric field", "0 MON * * *", "hour value \"MON\" is not a number");
        add("too few fields", "* * *", "expected 5 fields");
        add("too many fields", "* * * * * *", "got 6");
        add("empty", "", "the expression is empty");
        add("blank", "   ", "the expression is empty");
        add("zero step", "*/0 * * * *", "minute step \"0\" must be a number in range 1-59");
        add("text step", "*/x * * * *", "minute step \"x\"");
        add("empty step", "0 */ * * *", "hour step \"\"");
        add("backwards range", "0 0 * * 5-1", "day-of-week range \"5-1\" is backwards");
        add("empty list item", "1,,2 * * * *", "minute field \"1,,2\" has an empty list item");
        add("dangling range", "0 0 1- * *", "day-of-month has an empty value");
        add("double range", "1-2-3 * * * *", "minute value \"2-3\" is not a number");
        add("unknown macro", "@fortnightly", "unknown macro \"@fortnightly\"");
        add("reboot", "@reboot", "@reboot is not supported");
    }
    void rejects()
    {
        QFETCH(QString, expression);
        QFETCH(QString, why);
        const auto cron = CronExpression::parse(expression);
        QVERIFY(!cron.ok());
        QCOMPARE(cron.error().code(), ErrorCode::InvalidArgument);
        const QString message = cron.error().message();
        QVERIFY2(
            message.startsWith(QStringLiteral("Invalid cron expression \"%1\": ").arg(expression)),
            qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }

    void defaultIsInvalidAndNeverFires()
    {
        const CronExpression cron;
        QVERIFY(!cron.isValid());
        QVERIFY(!cron.next(utc("2024-01-01T00:00:00Z")).isValid());
        QVERIFY(!cron.matches(utc("2024-01-01T00:00:00Z")));
    }

    void invalidStartGivesInvalidResult()
    {
        const auto cron = CronExpression::parse(QStringLiteral("* * * * *"));
        QVERIFY(cron.ok());
        QVERIFY(!cron->next(QDateTime()).isValid());
    }

    void macroKeepsOriginalText()
    {
        const auto cron = CronExpression::parse(QStringLiteral("@Daily"));
        QVERIFY(cron.ok());
        QCOMPARE(cron->toString(), QStringLiteral("@Daily"));
    }

    void extraWhitespaceIsAccepted()
    {
        const auto cron = CronExpression::parse(QStringLiteral("  0\t12  *  * \t* "));
        QVERIFY2(cron.ok(), qPrintable(cron.error().message()));
        QCOMPARE(cron->next(utc("2024-06-01T00:00:00Z")), utc("2024-06-01T12:00:00Z"));
    }

    void sevenAndZeroAreBothSunday()
    {
        const auto zero = CronExpression::parse(QStringLiteral("0 0 * * 0"));
        const auto seven = CronExpression::parse(QStringLiteral("0 0 * * 7"));
        const auto range = CronExpression::parse(QStringLiteral("0 0 * * 6-7"));
        QVERIFY(zero.ok() && seven.ok() && range.ok());
        QDateTime when = utc("2024-01-01T00:00:00Z");
        for (int i = 0; i < 20; ++i) {
            const QDateTime next = zero->next(when);
            QCOMPARE(next.date().dayOfWeek(), int(Qt::Sunday));
            QCOMPARE(seven->next(when), next);
            when = next;
        }
        // 6-7 is Saturday and Sunday.
        QCOMPARE(range->next(utc("2024-06-07T12:00:00Z")), utc("2024-06-08T00:00:00Z"));
        QCOMPARE(range->next(utc("2024-06-08T00:00:00Z")), utc("2024-06-09T00:00:00Z"));
    }

    // Follow several consecutive firings and compare each with a minute-by-minute scan.
    void agreesWithBruteForce_data()
    {
        QTest::addColumn<QString>("expression");
        const char *const expressions[] = {
            "* * * * *",       "*/7 * * * *",      "5,35 */3 * * *", "0 0 13 * FRI",
            "0 0 */2 * MON",   "15 10-12 * * 1-5", "0 0 1,15 * 3",   "30 23 * * *",
            "59 23 28-31 * *", "0 6 * * SAT,SUN",  "10/20 4 * * *",  "0 0 29 2 *",
        };
        for (const char *expression : expressions)
            QTest::newRow(expression) << QString::fromLatin1(expression);
    }
    void agreesWithBruteForce()
    {
        QFETCH(QString, expression);
        const auto cron = CronExpression::parse(expression);
        QVERIFY(cron.ok());
        // Fixed seed: the same instants every run, spread over several years.
        QRandomGenerator random(20240229);
        const qint64 base = utc("2023-01-01T00:00:00Z").toSecsSinceEpoch();
        for (int sample = 0; sample < 4; ++sample) {
            QDateTime when = QDateTime::fromSecsSinceEpoch(
                base + qint64(random.bounded(3 * 365 * 24 * 3600)), Qt::UTC);
            for (int step = 0; step < 5; ++step) {
                constexpr int windowDays = 400;
                const QDateTime expected = bruteForceNext(cron.value(), when, windowDays * 24 * 60);
                const QDateTime actual = cron->next(when);
                if (!expected.isValid()) {
                    // Nothing in the scanned window: next() must not invent a time inside it.
                    QVERIFY(!actual.isValid() || actual > when.addDays(windowDays));
                    break;
                }
                QVERIFY2(
                    actual == expected,
                    qPrintable(QStringLiteral("after %1: next() %2, brute force %3")
                                   .arg(when.toString(Qt::ISODate), actual.toString(Qt::ISODate),
                                        expected.toString(Qt::ISODate))));
                when = expected;
            }
        }
    }

    // The engine asks for next fire times often; an impossible date must not mean scanning five
    // years minute by minute (2.6 million steps per call).
    void impossibleDateIsFast()
    {
        const auto cron = CronExpression::parse(QStringLiteral("0 0 30 2 *"));
        QVERIFY(cron.ok());
        QElapsedTimer timer;
        timer.start();
        const QDateTime start = utc("2024-01-01T00:00:00Z");
        for (int i = 0; i < 1000; ++i)
            QVERIFY(!cron->next(start.addSecs(i * 3600)).isValid());
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestCronExpression)
#include "tst_cronexpression.moc"
