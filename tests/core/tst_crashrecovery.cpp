// SPDX-License-Identifier: MIT
// Crash recovery: a child process writing under load is SIGKILLed again and again on one data
// directory; after each kill every acknowledged write must be there and no turn half-applied.
#include "crashcycle.h"

#include <QTemporaryDir>
#include <QTest>

#include <random>

class TestCrashRecovery : public QObject
{
    Q_OBJECT
private slots:
    void acknowledgedWritesSurviveSigkill()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        DurableCrash::CrashCycle cycle(QStringLiteral(DURABLE_CRASH_CHILD), dir.path());
        // Kill points vary from right after the first acknowledgement to a few hundred in;
        // data accumulates in the one directory across cycles.
        std::mt19937 random(7);
        std::uniform_int_distribution<int> killAfter(1, 300);
        constexpr int cycles = 24;
        for (int i = 0; i < cycles; ++i) {
            const int acks = i == 0 ? 1 : killAfter(random);
            // Every object written once before the kill: a crash during an object's very first
            // activation is killDuringFirstActivation's case.
            const DurableCrash::CycleOutcome outcome = cycle.run(acks, true);
            if (!outcome.ok)
                QFAIL(qPrintable(QStringLiteral("cycle %1 (kill after %2 acks): %3")
                                     .arg(i)
                                     .arg(acks)
                                     .arg(outcome.error)));
            QVERIFY(outcome.acknowledged >= acks);
        }
        QVERIFY(cycle.acknowledgedTotal() >= cycles);
        QVERIFY(cycle.committedTotal() >= cycle.acknowledgedTotal());
        qInfo("%d cycles: %lld acknowledged writes checked, %lld writes committed", cycles,
              cycle.acknowledgedTotal(), cycle.committedTotal());
    }

    // SIGKILL right after the first acknowledgement, while the other objects are still being
    // created: the engine must start again on the directory and lose nothing acknowledged.
    void killDuringFirstActivation()
    {
        for (int i = 0; i < 5; ++i) {
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            DurableCrash::CrashCycle cycle(QStringLiteral(DURABLE_CRASH_CHILD), dir.path());
            const DurableCrash::CycleOutcome first = cycle.run(1);
            if (!first.ok)
                QFAIL(
                    qPrintable(QStringLiteral("round %1, first kill: %2").arg(i).arg(first.error)));
            // And the directory keeps working under the next crash.
            const DurableCrash::CycleOutcome second = cycle.run(20, true);
            if (!second.ok)
                QFAIL(qPrintable(
                    QStringLiteral("round %1, second kill: %2").arg(i).arg(second.error)));
        }
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
