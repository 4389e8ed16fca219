// SPDX-License-Identifier: MIT
// V8ValueDecoder on bytes that Miniflare 3 (workerd) wrote into _cf_KV and Node's v8.serialize()
// wrote, copied from those runs; and on cut, flipped and random bytes, which must never crash.
#include <durable/core/v8valuedecoder.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using Durable::V8ValueDecoder;

class TestV8ValueDecoder : public QObject
{
    Q_OBJECT

private slots:
    void decodesRealBytes_data();
    void decodesRealBytes();
    void unknownTagShowsHex();
    void cutBytesNeverCrash();
    void randomBytesNeverCrash();
    void deepNestingIsBounded();
    void hugeLengthsDoNotAllocate();
};

void TestV8ValueDecoder::decodesRealBytes_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("json");
    // From state.storage.put() under Miniflare 3 (format version 15).
    QTest::newRow("one-byte string") << QByteArray("ff0f220568656c6c6f") << R"("hello")";
    QTest::newRow("two-byte string")
        << QByteArray("ff0f631a6800e9006c006c006f002000922120007700f60072006c006400")
        << QStringLiteral("\"h\u00e9llo \u2192 w\u00f6rld\"");
    QTest::newRow("latin-1 string")
        << QByteArray("ff0f220568e96c6c6f") << QStringLiteral("\"h\u00e9llo\"");
    QTest::newRow("int32") << QByteArray("ff0f4954") << "42";
    QTest::newRow("negative int32") << QByteArray("ff0f490d") << "-7";
    QTest::newRow("double whole") << QByteArray("ff0f4e000000c00b5ae641") << "3000000000";
    QTest::newRow("double") << QByteArray("ff0f4e0000000000000a40") << "3.25";
    QTest::newRow("true") << QByteArray("ff0f54") << "true";
    QTest::newRow("false") << QByteArray("ff0f46") << "false";
    QTest::newRow("null") << QByteArray("ff0f30") << "null";
    QTest::newRow("undefined") << QByteArray("ff0f5f") << R"({"$undefined":true})";
    QTest::newRow("object")
        << QByteArray("ff0f6f22046e616d652204416e6e6122047374657022087265636569766564220573636f72"
                      "65490e220474616773410222016122016224000222066e65737465646f2201784e000000"
                      "000000f83f7b017b05")
        << R"({"name":"Anna","nested":{"x":1.5},"score":7,"step":"received","tags":["a","b"]})";
    QTest::newRow("dense array") << QByteArray(
                                        "ff0f41034902220374776f6f2205746872656549067b01240003")
                                 << R"([1,"two",{"three":3}])";
    QTest::newRow("sparse array") << QByteArray("ff0f61034900490249044906400203")
                                  << R"([1,{"$hole":true},3])";
    QTest::newRow("date") << QByteArray("ff0f4400008056febc7842")
                          << R"({"$date":"2023-11-14T22:13:20.000Z"})";
    QTest::newRow("map") << QByteArray("ff0f3b22016b49023a02") << R"({"$map":[["k",1]]})";
    QTest::newRow("set") << QByteArray("ff0f27490249042c02") << R"({"$set":[1,2]})";
    QTest::newRow("Uint8Array") << QByteArray("ff0f42030102035642000300")
                                << R"({"$Uint8Array":"010203"})";
    // From Node's v8.serialize().
    QTest::newRow("bigint") << QByteArray("ff0f5a100100000000000000") << R"({"$bigint":"1"})";
    QTest::newRow("regexp") << QByteArray("ff0f522202616201") << R"({"$regexp":"/ab/g"})";
    QTest::newRow("padding") << QByteArray("ff0f00004954") << "42";
    QTest::newRow("no header") << QByteArray("4954") << "42";
}

void TestV8ValueDecoder::decodesRealBytes()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, json);
    const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(QByteArray::fromHex(hex));
    QVERIFY2(decoded.ok(), qPrintable(decoded.error));
    QCOMPARE(V8ValueDecoder::toText(decoded.value), json);
}

void TestV8ValueDecoder::unknownTagShowsHex()
{
    // An object whose second value has a tag no version of V8 writes ('!').
    const QByteArray bytes = QByteArray::fromHex("ff0f6f220161490222016221aabb7b02");
    const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(bytes);
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.error.contains(QLatin1String("unknown tag 0x21")), qPrintable(decoded.error));
    const QJsonObject object = decoded.value.toObject();
    QCOMPARE(object.value(QLatin1String("a")).toInteger(), 1);
    // What was read stays; the rest shows as hex from the bad tag on.
    QCOMPARE(object.value(QLatin1String("b")).toObject().value(QLatin1String("$undecoded")),
             QJsonValue(QStringLiteral("21aabb7b02")));
}

void TestV8ValueDecoder::cutBytesNeverCrash()
{
    const QByteArray whole = QByteArray::fromHex(
        "ff0f6f22046e616d652204416e6e6122047374657022087265636569766564220573636f7265490e2204746167"
        "73410222016122016224000222066e65737465646f2201784e000000000000f83f7b017b05");
    for (qsizetype size = 0; size < whole.size(); ++size) {
        const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(whole.first(size));
        QVERIFY2(!decoded.ok(), qPrintable(QString::number(size)));
        QVERIFY(!V8ValueDecoder::toText(decoded.value).isEmpty());
    }
    QVERIFY(V8ValueDecoder::decode(whole).ok());
}

void TestV8ValueDecoder::randomBytesNeverCrash()
{
    QRandomGenerator random(18);
    const QByteArray seed = QByteArray::fromHex(
        "ff0f41034902220374776f6f2205746872656549067b01240003");
    for (int round = 0; round < 20000; ++round) {
        QByteArray bytes = seed;
        // Flip a few bytes of a real value, or take random bytes after a header.
        if (round % 2) {
            for (int i = 0; i < 3; ++i)
                bytes[random.bounded(bytes.size())] = char(random.bounded(256));
        } else {
            bytes = QByteArray::fromHex("ff0f");
            const int size = random.bounded(64);
            for (int i = 0; i < size; ++i)
                bytes.append(char(random.bounded(256)));
        }
        const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(bytes);
        Q_UNUSED(V8ValueDecoder::toText(decoded.value));
    }
}

void TestV8ValueDecoder::deepNestingIsBounded()
{
    QByteArray bytes = QByteArray::fromHex("ff0f");
    for (int i = 0; i < 100000; ++i)
        bytes.append("A\x01", 2); // arrays of one array of one array ...
    const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(bytes);
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.error.contains(QLatin1String("nested deeper")), qPrintable(decoded.error));
}

void TestV8ValueDecoder::hugeLengthsDoNotAllocate()
{
    // A dense array, a string and a sparse array claiming 4 billion elements or bytes.
    for (const char *hex : {"ff0f41ffffffff0f", "ff0f22ffffffff0f41", "ff0f61ffffffff0f40000000",
                            "ff0f42ffffffff0f00"}) {
        const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(QByteArray::fromHex(hex));
        Q_UNUSED(V8ValueDecoder::toText(decoded.value));
    }
    // A sparse array of that length with no entries is valid and stays sparse.
    const V8ValueDecoder::Decoded sparse = V8ValueDecoder::decode(
        QByteArray::fromHex("ff0f61ffffffff0f4000ffffffff0f"));
    QVERIFY2(sparse.ok(), qPrintable(sparse.error));
    QCOMPARE(sparse.value.toObject().value(QLatin1String("$sparseArray")).toInteger(), 4294967295);
}

QTEST_GUILESS_MAIN(TestV8ValueDecoder)
#include "tst_v8valuedecoder.moc"
