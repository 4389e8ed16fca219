// SPDX-License-Identifier: MIT
// The scenario format is strict: every malformed step fails before anything runs, naming the
// step and the key (issue 14: wrong-typed assertions and misspelt keys passed as green), and
// every scenario the project ships follows the schema.
#include <durable/core/duration.h>
#include <durable/core/scenario.h>

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;

namespace {

// A scenario of one step on Counter/c.
QJsonObject oneStep(QJsonObject step)
{
    return {{"defaults", QJsonObject {{"class", "Counter"}, {"name", "c"}}},
            {"steps", QJsonArray {step}}};
}

QString loadError(const QJsonObject &document)
{
    const auto loaded = Scenario::fromJson(document, QStringLiteral("t.json"));
    return loaded ? QString() : loaded.error().message();
}

} // namespace

class TestScenarioFormat : public QObject
{
    Q_OBJECT
private slots:
    void malformedStepsFailWithTheirPlace_data()
    {
        QTest::addColumn<QJsonObject>("step");
        QTest::addColumn<QString>("said");
        QTest::newRow("assertSql rowCount string")
            << QJsonObject {{"do", "assertSql"}, {"query", "SELECT 1"}, {"rowCount", "x"}}
            << "step 1 (assertSql) /rowCount";
        QTest::newRow("assertStorage kv array")
            << QJsonObject {{"do", "assertStorage"}, {"kv", QJsonArray()}}
            << "step 1 (assertStorage) /kv";
        QTest::newRow("assertState absent number")
            << QJsonObject {{"do", "assertState"}, {"absent", 5}} << "step 1 (assertState) /absent";
        // assertState reads the agent's state; storage has its own step, and the refusal says so.
        QTest::newRow("assertState kv")
            << QJsonObject {{"do", "assertState"}, {"kv", QJsonObject {{"count", 1}}}}
            << "key/value storage is checked by {\"do\": \"assertStorage\"";
        QTest::newRow("answer without request")
            << QJsonObject {{"do", "answer"}, {"title", "Review"}} << "\"request\"";
        QTest::newRow("assertJournal last string")
            << QJsonObject {{"do", "assertJournal"}, {"last", "x"}}
            << "step 1 (assertJournal) /last";
        QTest::newRow("assertStep step number")
            << QJsonObject {{"do", "assertStep"}, {"step", 7}} << "step 1 (assertStep) /step";
        QTest::newRow("assertPending count string")
            << QJsonObject {{"do", "assertPending"}, {"count", "x"}}
            << "step 1 (assertPending) /count";
        QTest::newRow("misspelt expect")
            << QJsonObject {{"do", "call"}, {"method", "get"}, {"expectt", 42}}
            << "step 1 (call): property \"expectt\" is not allowed";
        QTest::newRow("fractional expectFired")
            << QJsonObject {{"do", "advance"}, {"by", "1h"}, {"expectFired", 1.5}}
            << "step 1 (advance) /expectFired";
        QTest::newRow("advance overflows")
            << QJsonObject {{"do", "advance"}, {"by", "99999999999999999999h"}}
            << "longer than 100 years";
        QTest::newRow("duration not a string")
            << QJsonObject {{"do", "advance"}, {"by", 5}} << "step 1 (advance) /by";
    }

    void malformedStepsFailWithTheirPlace()
    {
        QFETCH(QJsonObject, step);
        QFETCH(QString, said);
        const QString error = loadError(oneStep(step));
        QVERIFY2(!error.isEmpty(), "the malformed step was accepted");
        QVERIFY2(error.contains(said), qPrintable(error));
    }

    void unknownTopLevelKeysAndDefaultsAreRefused()
    {
        QJsonObject document = oneStep({{"do", "restart"}});
        document.insert("stpes", QJsonArray());
        QVERIFY2(loadError(document).contains("stpes"), qPrintable(loadError(document)));
        document = oneStep({{"do", "restart"}});
        document.insert("defaults", QJsonObject {{"clas", "Counter"}});
        QVERIFY2(loadError(document).contains("clas"), qPrintable(loadError(document)));
    }

    void everyMistakeIsListed()
    {
        const QJsonObject document {
            {"defaults", QJsonObject {{"class", "Counter"}, {"name", "c"}}},
            {"steps", QJsonArray {QJsonObject {{"do", "call"}, {"method", "get"}, {"x", 1}},
                                  QJsonObject {{"do", "assertStep"}, {"step", 7}}}}};
        const QString error = loadError(document);
        QVERIFY2(error.contains("step 1 (call): property \"x\"") &&
                     error.contains("step 2 (assertStep) /step"),
                 qPrintable(error));
    }

    void aFileThatIsNotAnObjectSaysWhatItIs_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("said");
        QTest::newRow("string") << QByteArray("\"hello\"\n") << "not a string";
        QTest::newRow("null") << QByteArray("null") << "not null";
        QTest::newRow("number") << QByteArray("5") << "not a number";
        QTest::newRow("array") << QByteArray("[]") << "not an array";
        QTest::newRow("broken") << QByteArray("{\"steps\": [") << "not valid JSON";
    }

    void aFileThatIsNotAnObjectSaysWhatItIs()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, said);
        QTemporaryDir dir;
        QFile file(dir.filePath("s.json"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        const auto loaded = Scenario::load(file.fileName());
        QVERIFY(!loaded.ok());
        QVERIFY2(loaded.error().message().contains(said), qPrintable(loaded.error().message()));
    }

    void durationsAreBounded()
    {
        QCOMPARE(Duration::parse("36500d").value().count(), 36500LL * 24 * 3600 * 1000);
        QVERIFY(!Duration::parse("36600d").ok());
        QVERIFY(!Duration::parse("99999999999999999999h").ok());
        QVERIFY(!Duration::parse("1e300s").ok());
    }

    void everyShippedScenarioFollowsTheFormat()
    {
        int checked = 0;
        for (const char *root : {"resources/scenarios", "resources/examples", "docs"}) {
            QDirIterator it(QStringLiteral(DURABLE_SOURCE_DIR "/") + QLatin1String(root),
                            {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
                if (!json.contains("steps"))
                    continue; // not a scenario (a model script, a schema)
                const auto loaded = Scenario::load(path);
                QVERIFY2(loaded.ok(), qPrintable(loaded.error().message()));
                ++checked;
            }
        }
        QVERIFY2(checked >= 4, qPrintable(QString::number(checked)));
    }
};

QTEST_GUILESS_MAIN(TestScenarioFormat)
#include "tst_scenarioformat.moc"
