// SPDX-License-Identifier: MIT
#include <durable/core/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace Durable;

namespace {

// What QJsonDocument writes for a string: the reference the fast path must match.
QByteArray documentText(const QString &text)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

} // namespace

class TestJsonText : public QObject
{
    Q_OBJECT
private slots:
    void stringsAreWrittenAsQJsonDocumentWritesThem_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("plain") << QStringLiteral("count");
        QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ back\\slash");
        QTest::newRow("short escapes") << QStringLiteral("a\bb\fc\nd\re\tf");
        QTest::newRow("other control characters") << QString::fromLatin1("\x01\x02\x1f\x7f end", 7);
        QTest::newRow("nul") << QString(QChar(0)) + QStringLiteral("after");
        QTest::newRow("slash and html") << QStringLiteral("</script> a/b & <b>");
        QTest::newRow("non-ASCII") << QStringLiteral("Grüße, 東京, emoji 😀, é");
        QTest::newRow("line separators") << QString::fromUtf16(u"a\u2028b\u2029c");
    }
    void stringsAreWrittenAsQJsonDocumentWritesThem()
    {
        QFETCH(QString, text);
        QCOMPARE(JsonText::serialize(text), documentText(text));
        QCOMPARE(JsonText::parse(JsonText::serialize(text)), QJsonValue(text));
    }

    void randomStringsMatchAndReadBack()
    {
        // Every code point class a user might send: control, ASCII, BMP, astral.
        QRandomGenerator random(20261205);
        for (int round = 0; round < 2000; ++round) {
            QString text;
            const int length = random.bounded(0, 24);
            for (int i = 0; i < length; ++i) {
                switch (random.bounded(4)) {
                case 0:
                    text += QChar(char16_t(random.bounded(0, 0x20)));
                    break;
                case 1:
                    text += QChar(char16_t(random.bounded(0x20, 0x80)));
                    break;
                case 2:
                    text += QChar(char16_t(random.bounded(0xa0, 0xd800)));
                    break;
                default:
                    text += QString::fromUcs4(
                        std::array<char32_t, 1> {char32_t(random.bounded(0x10000, 0x10ffff))}
                            .data(),
                        1);
                }
            }
            QCOMPARE(JsonText::serialize(text), documentText(text));
            QCOMPARE(JsonText::parse(JsonText::serialize(text)), QJsonValue(text));
        }
    }

    void aLoneSurrogateStillGivesValidJson()
    {
        const QString broken = QStringLiteral("a") + QChar(char16_t(0xd800)) + QStringLiteral("b");
        const QByteArray text = JsonText::serialize(broken);
        QVERIFY(!JsonText::parse(text).isUndefined());
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
