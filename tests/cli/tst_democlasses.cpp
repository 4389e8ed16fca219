// SPDX-License-Identifier: MIT
// The demo classes every fresh studio and `durable serve` start with: they must hold up to the
// input a curious user sends them (issue 14: the Counter wrapped at 2^31 and took 1e300 as 1).
#include "testutil.h"

#include <durable/core/engine.h>

#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <examples/examples.h>

using namespace Durable;
using namespace DurableTest;

class TestDemoClasses : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;

    Result<QJsonValue> increment(const QString &name, const QJsonValue &args)
    {
        return call(*m_engine, "Counter", name, "increment", args);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        EngineOptions options;
        options.dataDir = m_dir.path();
        m_engine = std::make_unique<Engine>(options);
        DurableExamples::registerDemoClasses(*m_engine);
        const auto started = m_engine->start();
        QVERIFY2(started.ok(), qPrintable(started.error().message()));
    }

    void counterCountsPastTwoToThe31()
    {
        QCOMPARE(increment("big", QJsonObject {{"by", 2147483647.0}}).value().toDouble(),
                 2147483647.0);
        QCOMPARE(increment("big", QJsonValue()).value().toDouble(), 2147483648.0);
        QCOMPARE(increment("big", 2.0).value().toDouble(), 2147483650.0);
        QCOMPARE(call(*m_engine, "Counter", "big", "get").value().toDouble(), 2147483650.0);
        QCOMPARE(increment("big", QJsonObject {{"by", -2147483650.0}}).value().toDouble(), 0.0);
    }

    void counterRefusesWhatIsNotAWholeNumber_data()
    {
        QTest::addColumn<QJsonValue>("by");
        QTest::addColumn<QString>("shown");
        QTest::newRow("1e300") << QJsonValue(1e300) << "1e+300";
        QTest::newRow("fraction") << QJsonValue(1.5) << "1.5";
        QTest::newRow("string") << QJsonValue("2") << "\"2\"";
        QTest::newRow("bool") << QJsonValue(true) << "true";
        QTest::newRow("beyond 2^53") << QJsonValue(9007199254740992.0) << "9007199254740992";
    }

    void counterRefusesWhatIsNotAWholeNumber()
    {
        QFETCH(QJsonValue, by);
        QFETCH(QString, shown);
        const auto result = increment("strict", QJsonObject {{"by", by}});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(result.error().message().contains("whole number"),
                 qPrintable(result.error().message()));
        QVERIFY2(result.error().message().contains(shown), qPrintable(result.error().message()));
        // Nothing was stored.
        QCOMPARE(call(*m_engine, "Counter", "strict", "get").value().toDouble(), 0.0);
    }

    void counterStopsAtTheExactRangeOfJson()
    {
        const double max = 9007199254740991.0; // 2^53 - 1
        QCOMPARE(increment("edge", QJsonObject {{"by", max}}).value().toDouble(), max);
        const auto over = increment("edge", QJsonValue());
        QCOMPARE(over.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(over.error().message().contains("reset it first"),
                 qPrintable(over.error().message()));
        QCOMPARE(call(*m_engine, "Counter", "edge", "get").value().toDouble(), max);
    }

    void cleanupTestCase() { m_engine.reset(); }
};

QTEST_GUILESS_MAIN(TestDemoClasses)
#include "tst_democlasses.moc"
