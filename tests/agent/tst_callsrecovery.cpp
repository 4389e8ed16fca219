// SPDX-License-Identifier: MIT
// Durable calls under SIGKILL: a child drives coordinators that fan out to researchers and is
// killed again and again on one data directory; after each restart every call of a committed
// turn is applied exactly once, every reply continuation runs exactly once, none is lost.
#include "callscycle.h"

#include <QTemporaryDir>
#include <QTest>
#include <random>

class TestCallsRecovery : public QObject
{
    Q_OBJECT
private slots:
    void everyCallAppliedOnceAcrossSigkills()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        DurableCrash::CallsCycle cycle(QStringLiteral(DURABLE_CALLS_CHILD), dir.path());
        // Kill points from right after the first acknowledged start to a few dozen in.
        std::mt19937 random(12);
        std::uniform_int_distribution<int> killAfter(1, 40);
        constexpr int cycles = 8;
        for (int i = 0; i < cycles; ++i) {
            const int acks = i == 0 ? 1 : killAfter(random);
            const DurableCrash::CallsOutcome outcome = cycle.run(acks);
            if (!outcome.ok)
                QFAIL(qPrintable(QStringLiteral("cycle %1 (kill after %2 acks): %3")
                                     .arg(i)
                                     .arg(acks)
                                     .arg(outcome.error)));
            QVERIFY(outcome.acknowledged >= acks);
        }
        const DurableCrash::CallsOutcome &totals = cycle.totals();
        qInfo("%d cycles: %d coordinators started, %d acknowledged and checked complete (%d with a "
              "sendTo), %d committed unacknowledged; %d calls redelivered after a restart, %d of "
              "them "
              "answered from the callee's ledger; %d duplicate replies ignored",
              cycles, totals.issued, totals.acknowledged, totals.noted,
              totals.committedUnacknowledged, totals.redelivered, totals.fromLedger,
              totals.ignoredReplies);
        // The kills landed mid-flight: some calls were still unanswered when the child died.
        QVERIFY(totals.redelivered > 0);
    }
};

QTEST_GUILESS_MAIN(TestCallsRecovery)
#include "tst_callsrecovery.moc"
