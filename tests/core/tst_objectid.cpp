// SPDX-License-Identifier: MIT
#include <durable/core/objectid.h>

#include <QSet>
#include <QTest>

using namespace Durable;

class TestObjectId : public QObject
{
    Q_OBJECT
private slots:
    void fromNameIsDeterministicSha256()
    {
        const ObjectId a = ObjectId::fromName(QStringLiteral("Counter"), QStringLiteral("anna"));
        QCOMPARE(a, ObjectId::fromName(QStringLiteral("Counter"), QStringLiteral("anna")));
        QCOMPARE(a.toString().size(), 64);
        // sha256("Counter\0anna"), computed independently with: printf 'Counter\0anna' | sha256sum
        QCOMPARE(
            a.toString(),
            QStringLiteral("b51c2d877f2b81e9e459e2b041cd113bd23fe68a36317348cc048e733ab9b454"));
        QVERIFY(a != ObjectId::fromName(QStringLiteral("Counter"), QStringLiteral("bob")));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        QVERIFY(ObjectId::fromName(QStringLiteral("ab"), QStringLiteral("c")) !=
                ObjectId::fromName(QStringLiteral("a"), QStringLiteral("bc")));
    }

    void uniqueIdsDiffer()
    {
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i)
            seen.insert(ObjectId::unique().toString());
        QCOMPARE(seen.size(), 1000);
    }

    void fromStringRoundTrips()
    {
        const ObjectId id = ObjectId::unique();
        const auto parsed = ObjectId::fromString(id.toString());
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value(), id);
        QCOMPARE(ObjectId::fromString(id.toString().toUpper()).value(), id);
    }

    void fromStringRejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << QString() << QStringLiteral("got 0");
        QTest::newRow("short") << QStringLiteral("abc") << QStringLiteral("got 3");
        QTest::newRow("non-hex") << QString(63, u'a') + u'g'
                                 << QStringLiteral("'g' is not a hex digit");
        QTest::newRow("long") << QString(65, u'a') << QStringLiteral("got 65");
    }
    void fromStringRejects()
    {
        QFETCH(QString, text);
        QFETCH(QString, why);
        const auto parsed = ObjectId::fromString(text);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(parsed.error().message().contains(why), qPrintable(parsed.error().message()));
    }
};

QTEST_GUILESS_MAIN(TestObjectId)
#include "tst_objectid.moc"
