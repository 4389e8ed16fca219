// SPDX-License-Identifier: MIT
// Branch compare in the studio: the recruitment agent forked while it waits for the recruiter;
// the original is approved, the fork rejected; the inspector's Compare… opens the two side by
// side with the first differing turn and the state diff.
#include "testutil.h"

#include <branchcomparisonmodel.h>
#include <comparedialog.h>
#include <objectinspector.h>

#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>
#include <examples/examples.h>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;

namespace {

const QString Recruitment = QStringLiteral("Recruitment");

// Read through the inspector, not by a request: a request would be a turn of its own, in the
// histories compared.
QString stepOf(Engine &engine, const QString &name)
{
    Inspector inspector(&engine);
    const auto summary = awaitValue(
        inspector.object(Recruitment, ObjectId::fromName(Recruitment, name)));
    return summary ? summary->step : QString();
}

// The request the named object waits on, once it is listed.
std::optional<HumanRequestInfo> pendingFor(Engine &engine, const QString &name)
{
    std::optional<HumanRequestInfo> found;
    (void)QTest::qWaitFor(
        [&] {
            const auto pending = awaitValue(HumanInbox(&engine).pending(Recruitment));
            for (const HumanRequestInfo &request : pending.value()) {
                if (request.objectName == name)
                    found = request;
            }
            return found.has_value();
        },
        10000);
    return found;
}

bool decide(Engine &engine, const QString &name, HumanAction action)
{
    const std::optional<HumanRequestInfo> request = pendingFor(engine, name);
    if (!request)
        return false;
    HumanResponse response;
    response.action = action;
    response.answeredBy = QStringLiteral("rita");
    return awaitValue(HumanInbox(&engine).answer(*request, response)).ok();
}

} // namespace

class TestCompareDialog : public QObject
{
    Q_OBJECT
private slots:
    void forkAndOriginSideBySide()
    {
        QTemporaryDir dir;
        EngineOptions options;
        options.dataDir = dir.path();
        options.clock = std::make_shared<VirtualClock>(
            QDateTime::fromString(QStringLiteral("2026-12-01T09:00:00Z"), Qt::ISODate));
        Engine engine(options);
        DurableExamples::registerDemoClasses(engine);
        QVERIFY(engine.start().ok());
        Inspector inspector(&engine);

        const QJsonObject resume {{QStringLiteral("candidate"), QStringLiteral("Alan Turing")},
                                  {QStringLiteral("role"), QStringLiteral("Engineer")},
                                  {QStringLiteral("resume"), QStringLiteral("Writes C++.")}};
        QVERIFY(call(engine, Recruitment, "alan", "submitResume", resume).ok());
        QTRY_COMPARE_WITH_TIMEOUT(stepOf(engine, "alan"), QStringLiteral("awaiting-recruiter"),
                                  10000);
        const ObjectId alan = ObjectId::fromName(Recruitment, "alan");
        const auto size = awaitValue(inspector.storageSize(Recruitment, alan));
        QVERIFY(size.ok());
        const qint64 forkAt = size->journalEntries;
        QVERIFY(awaitValue(inspector.fork(Recruitment, alan, forkAt, "alan-what-if")).ok());
        QCOMPARE(stepOf(engine, "alan-what-if"), QStringLiteral("awaiting-recruiter"));

        // The original is approved, the fork rejected.
        QVERIFY(decide(engine, "alan", HumanAction::Approve));
        QVERIFY(decide(engine, "alan-what-if", HumanAction::Reject));
        QTRY_VERIFY_WITH_TIMEOUT(stepOf(engine, "alan") != QLatin1String("awaiting-recruiter"),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            stepOf(engine, "alan-what-if") != QLatin1String("awaiting-recruiter"), 10000);
        QVERIFY(stepOf(engine, "alan") != stepOf(engine, "alan-what-if"));

        ObjectInspector objectInspector(&inspector, engine.clock());
        objectInspector.resize(900, 600);
        const ObjectId forkId = ObjectId::fromName(Recruitment, "alan-what-if");
        objectInspector.setObject(awaitValue(inspector.object(Recruitment, forkId)).value());
        objectInspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&objectInspector));
        objectInspector.compareButton()->click();
        QTRY_VERIFY(objectInspector.compareDialog());
        CompareDialog *dialog = objectInspector.compareDialog();
        QAbstractItemModelTester tester(dialog->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy compared(dialog, &CompareDialog::compared);
        QVERIFY(compared.isValid());
        QVERIFY(compared.wait(10000));
        // The first comparison may have been of the fork with itself while the origin was read.
        QTRY_COMPARE_WITH_TIMEOUT(dialog->model()->comparison().relation, QStringLiteral("fork"),
                                  10000);

        const BranchComparison &comparison = dialog->model()->comparison();
        QCOMPARE(comparison.sharedUntil, forkAt);
        QCOMPARE(comparison.firstDifference, forkAt + 1); // the recruiter's answer
        const int first = dialog->model()->firstDifferenceRow();
        QCOMPARE(first, 0);
        QCOMPARE(dialog->model()
                     ->index(first, BranchComparisonModel::AColumn)
                     .data()
                     .toString()
                     .contains(QStringLiteral("human-answer")),
                 true);
        QVERIFY(
            dialog->model()->index(first, BranchComparisonModel::SameColumn).data().toString() ==
            QStringLiteral("≠"));
        QVERIFY(dialog->model()
                    ->index(first, 0)
                    .data(BranchComparisonModel::FirstDifferenceRole)
                    .toBool());
        QVERIFY(dialog->stateDiff()->rowCount() > 0);
        QVERIFY(dialog->summaryText().contains(QStringLiteral("B is a fork of A made at turn")));

        // Pictures for the README when asked (DURABLE_SCREENSHOT_DIR); nothing is written
        // otherwise.
        if (const QString shots = qEnvironmentVariable("DURABLE_SCREENSHOT_DIR"); !shots.isEmpty())
            QVERIFY(dialog->grab().save(QDir(shots).filePath(QStringLiteral("compare.png"))));
        engine.shutdown();
    }
};

QTEST_MAIN(TestCompareDialog)
#include "tst_comparedialog.moc"
