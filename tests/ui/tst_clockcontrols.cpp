// SPDX-License-Identifier: MIT
// The clock controls: jumps run off the GUI thread, show that they are busy, and can be stopped.
#include <clockcontrols.h>

#include <durable/core/virtualclock.h>

#include <QAction>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <atomic>

using namespace Durable;
using namespace Durable::Ui;
using namespace std::chrono_literals;

namespace {

// One alarm every hour; firing one blocks until the test lets it go, so the test can press
// Stop while a jump is in the middle of its alarm turns.
class GatedDriver : public TimeDriver
{
public:
    explicit GatedDriver(qint64 startMs) : m_next(startMs + 3600 * 1000) { }
    qint64 nextDueMs() override { return m_next; }
    int fireDue(qint64 now) override
    {
        int count = 0;
        while (m_next <= now) {
            entered.release();
            gate.acquire();
            m_next += 3600 * 1000;
            ++count;
        }
        return count;
    }
    QSemaphore entered;
    QSemaphore gate;

private:
    qint64 m_next;
};

} // namespace

class TestClockControls : public QObject
{
    Q_OBJECT
private slots:
    void stopEndsAJumpWhereItGot()
    {
        VirtualClock clock;
        GatedDriver driver(clock.nowMs());
        clock.setDriver(&driver);
        const qint64 t0 = clock.nowMs();
        ClockControls controls(&clock);
        QSignalSpy finished(&controls, &ClockControls::jumpFinished);
        QVERIFY(!controls.stopJumpAction()->isEnabled()); // nothing to stop yet

        controls.advanceDayAction()->trigger();
        QVERIFY(controls.isBusy());
        QVERIFY(controls.stopJumpAction()->isEnabled());
        QVERIFY(!controls.advanceDayAction()->isEnabled());
        QVERIFY(driver.entered.tryAcquire(1, 10000)); // the first alarm's turn runs
        driver.gate.release();
        QVERIFY(driver.entered.tryAcquire(1, 10000)); // and the second's
        controls.stopJumpAction()->trigger();
        driver.gate.release();

        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!controls.isBusy());
        QCOMPARE(finished.at(0).at(1).toInt(), 2);
        QVERIFY2(finished.at(0).at(0).toString().startsWith("Stopped after 2 hour(s) of 1 day(s)"),
                 qPrintable(finished.at(0).at(0).toString()));
        QCOMPARE(clock.nowMs(), t0 + 2 * 3600 * 1000);
        QVERIFY(!controls.stopJumpAction()->isEnabled());
        QVERIFY(controls.advanceDayAction()->isEnabled());
        clock.setDriver(nullptr);
    }
};

QTEST_MAIN(TestClockControls)
#include "tst_clockcontrols.moc"
