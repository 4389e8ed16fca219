// SPDX-License-Identifier: MIT
#include <durable/core/virtualclock.h>

#include <QSignalSpy>
#include <QTest>

#include <map>

using namespace Durable;
using namespace std::chrono_literals;

namespace {
// A driver with a fixed agenda; firing an entry may add another one (like a turn setting a new
// alarm), which the clock must still fire when it falls inside the window.
class AgendaDriver : public TimeDriver
{
public:
    std::multimap<qint64, int> agenda;
    QList<QPair<int, qint64>> fired;
    qint64 rearmAfterMs = 0;
    qint64 nextDueMs() override { return agenda.empty() ? -1 : agenda.begin()->first; }
    int fireDue(qint64 now) override
    {
        int count = 0;
        while (!agenda.empty() && agenda.begin()->first <= now) {
            const int tag = agenda.begin()->second;
            agenda.erase(agenda.begin());
            fired.append({tag, now});
            if (rearmAfterMs > 0 && tag < 100)
                agenda.emplace(now + rearmAfterMs, tag + 100);
            ++count;
        }
        return count;
    }
};
} // namespace

class TestVirtualClock : public QObject
{
    Q_OBJECT
private slots:
    void startsPausedAtGivenTime()
    {
        const QDateTime start(QDate(2031, 5, 6), QTime(7, 8), Qt::UTC);
        VirtualClock clock(start);
        QVERIFY(clock.isPaused());
        QCOMPARE(clock.now(), start);
        QCOMPARE(clock.nowMs(), start.toMSecsSinceEpoch());
    }

    void advanceMovesTimeAndSignals()
    {
        VirtualClock clock;
        QSignalSpy jumped(&clock, &Clock::timeJumped);
        QVERIFY(jumped.isValid());
        const qint64 before = clock.nowMs();
        QCOMPARE(clock.advance(24h), 0);
        QCOMPARE(clock.nowMs(), before + 24 * 3600 * 1000);
        QCOMPARE(jumped.count(), 1);
    }

    void advanceFiresInDueOrderIncludingRearmed()
    {
        VirtualClock clock;
        AgendaDriver driver;
        clock.setDriver(&driver);
        const qint64 t0 = clock.nowMs();
        driver.agenda.emplace(t0 + 3000, 3);
        driver.agenda.emplace(t0 + 1000, 1);
        driver.agenda.emplace(t0 + 2000, 2);
        driver.agenda.emplace(t0 + 10000, 9); // outside the window
        driver.rearmAfterMs = 500;            // each fired alarm sets one 500 ms later
        const int fired = clock.advance(5s);
        QCOMPARE(fired, 6);
        const QList<QPair<int, qint64>> expected {{1, t0 + 1000}, {101, t0 + 1500},
                                                  {2, t0 + 2000}, {102, t0 + 2500},
                                                  {3, t0 + 3000}, {103, t0 + 3500}};
        QCOMPARE(driver.fired, expected);
        QCOMPARE(clock.nowMs(), t0 + 5000);
        QCOMPARE(driver.nextDueMs(), t0 + 10000);
        QCOMPARE(clock.runToNextAlarm(), 1);
        QCOMPARE(clock.nowMs(), t0 + 10000);
        QCOMPARE(clock.runToNextAlarm(), 1); // the re-armed 109
        QCOMPARE(clock.runToNextAlarm(), 0);
    }

    void cancelJumpStopsAtTheTimeReached()
    {
        VirtualClock clock;
        AgendaDriver driver;
        clock.setDriver(&driver);
        const qint64 t0 = clock.nowMs();
        for (int tag = 1; tag <= 4; ++tag)
            driver.agenda.emplace(t0 + tag * 1000, tag);
        // A user presses Stop while the second alarm's turn runs.
        QObject::connect(
            &clock, &Clock::timeJumped, &clock,
            [&clock, t0](qint64 at) {
                if (at == t0 + 2000)
                    clock.cancelJump();
            },
            Qt::DirectConnection);
        QSignalSpy advanced(&clock, &VirtualClock::advanced);
        QCOMPARE(clock.advance(10s), 2);
        QCOMPARE(clock.nowMs(), t0 + 2000);
        const QList<QPair<int, qint64>> expected {{1, t0 + 1000}, {2, t0 + 2000}};
        QCOMPARE(driver.fired, expected);
        QCOMPARE(advanced.count(), 1);
        QCOMPARE(advanced.at(0).at(1).toLongLong(), t0 + 2000); // where the jump really ended
        // The next jump is not cancelled by the last one's stop.
        QCOMPARE(clock.advance(10s), 2);
        QCOMPARE(clock.nowMs(), t0 + 12000);
    }

    void pauseAndResume()
    {
        VirtualClock clock;
        QSignalSpy paused(&clock, &Clock::pausedChanged);
        clock.resume();
        QVERIFY(!clock.isPaused());
        const qint64 a = clock.nowMs();
        QTRY_VERIFY(clock.nowMs() > a); // flows with real time while running
        clock.pause();
        const qint64 b = clock.nowMs();
        QCOMPARE(clock.nowMs(), b);
        QCOMPARE(paused.count(), 2);
    }

    void setTimeRefusesThePast()
    {
        VirtualClock clock;
        QVERIFY(!clock.setTime(clock.nowMs() - 1));
        QVERIFY(clock.setTime(clock.nowMs() + 1));
    }
};

QTEST_GUILESS_MAIN(TestVirtualClock)
#include "tst_virtualclock.moc"
