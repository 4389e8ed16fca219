// SPDX-License-Identifier: MIT
// The what-if loop's comparison: an object, a fork of it and a fork of that fork's origin,
// compared turn by turn on their shared timeline, on a real engine.
#include "testobjects.h"
#include "testutil.h"

#include <durable/core/branchcomparison.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace DurableTest;

namespace {

BranchComparison::Branch readBranch(Inspector &inspector, const QString &name)
{
    const QString cls = QStringLiteral("Counter");
    const ObjectId id = ObjectId::fromName(cls, name);
    BranchComparison::Branch branch;
    branch.summary = awaitValue(inspector.object(cls, id)).value();
    JournalQuery query;
    query.limit = 1000;
    branch.turns = awaitValue(inspector.journal(cls, id, query)).value();
    std::reverse(branch.turns.begin(), branch.turns.end());
    branch.state = awaitValue(inspector.stateAt(cls, id, branch.turns.last().seq)).value();
    return branch;
}

} // namespace

class TestBranchComparison : public QObject
{
    Q_OBJECT
private slots:
    void forkIsComparedWithItsOrigin()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        Inspector inspector(engine.get());
        for (int i = 0; i < 3; ++i)
            QVERIFY(call(*engine, "Counter", "orig", "increment", 1).ok()); // turns 1-3: 1, 2, 3
        const ObjectId origId = ObjectId::fromName("Counter", "orig");
        QVERIFY(awaitValue(inspector.fork("Counter", origId, 2, "what-if")).ok()); // count 2
        // The fork first does what the origin did at turn 3, then something else at turn 4.
        QCOMPARE(call(*engine, "Counter", "what-if", "increment", 1).value().toInt(), 3);
        QCOMPARE(call(*engine, "Counter", "what-if", "increment", 5).value().toInt(), 8);

        const BranchComparison comparison = BranchComparison::build(
            readBranch(inspector, "orig"), readBranch(inspector, "what-if"));
        QCOMPARE(comparison.relation, QStringLiteral("fork"));
        QCOMPARE(comparison.sharedUntil, 2);
        QCOMPARE(comparison.rows.size(), 2);
        QCOMPARE(comparison.rows.at(0).position, 3);
        QVERIFY(comparison.rows.at(0).same);
        QCOMPARE(comparison.rows.at(0).a->seq, 3);
        QCOMPARE(comparison.rows.at(0).b->seq, 2); // the fork's own turn 1 is the fork itself
        QCOMPARE(comparison.rows.at(1).position, 4);
        QVERIFY(!comparison.rows.at(1).a);
        QCOMPARE(comparison.rows.at(1).b->output.toInt(), 8);
        QCOMPARE(comparison.firstDifference, 4);
        QCOMPARE(comparison.stateDiff.size(), 1);
        QCOMPARE(comparison.stateDiff.first().key, QStringLiteral("count"));
        QCOMPARE(comparison.stateDiff.first().before.toInt(), 3);
        QCOMPARE(comparison.stateDiff.first().after.toInt(), 8);

        // The other way round: the origin seen from the fork.
        const BranchComparison reversed = BranchComparison::build(readBranch(inspector, "what-if"),
                                                                  readBranch(inspector, "orig"));
        QCOMPARE(reversed.relation, QStringLiteral("origin"));
        QCOMPARE(reversed.firstDifference, 4);
        QCOMPARE(reversed.stateDiff.first().before.toInt(), 8);

        // A second fork, made earlier: the two forks share history up to the earlier point, and
        // differ where the second one did something else.
        QVERIFY(awaitValue(inspector.fork("Counter", origId, 1, "other")).ok()); // count 1
        QCOMPARE(call(*engine, "Counter", "other", "increment", 7).value().toInt(), 8);
        const BranchComparison siblings = BranchComparison::build(readBranch(inspector, "what-if"),
                                                                  readBranch(inspector, "other"));
        QCOMPARE(siblings.relation, QStringLiteral("siblings"));
        QCOMPARE(siblings.sharedUntil, 1);
        QCOMPARE(siblings.firstDifference, 2); // "other" incremented by 7 where the origin added 1
        QVERIFY(siblings.stateDiff.isEmpty()); // both reached 8, by different roads

        const QJsonObject json = comparison.toJson();
        QCOMPARE(json.value("firstDifference").toInt(), 4);
        QCOMPARE(json.value("rows").toArray().size(), 2);
        QVERIFY(json.value("rows").toArray().at(1).toObject().value("a").isNull());
        QCOMPARE(json.value("stateDiff").toArray().first().toObject().value("b").toInt(), 8);
    }

    void identicalObjectsDoNotDiffer()
    {
        QTemporaryDir dir;
        auto engine = startTestEngine(dir.path());
        Inspector inspector(engine.get());
        for (const char *name : {"left", "right"}) {
            QVERIFY(call(*engine, "Counter", name, "increment", 2).ok());
            QVERIFY(call(*engine, "Counter", name, "increment", 3).ok());
        }
        const BranchComparison comparison = BranchComparison::build(readBranch(inspector, "left"),
                                                                    readBranch(inspector, "right"));
        QCOMPARE(comparison.relation, QStringLiteral("unrelated"));
        QCOMPARE(comparison.rows.size(), 2);
        QCOMPARE(comparison.firstDifference, -1);
        QVERIFY(comparison.stateDiff.isEmpty());
        QVERIFY(comparison.toJson().value("firstDifference").isNull());
    }
};

QTEST_GUILESS_MAIN(TestBranchComparison)
#include "tst_branchcomparison.moc"
