// SPDX-License-Identifier: MIT
// RefreshTracker, the ticket/in-flight/deferred bookkeeping the ui models share.
#include <refreshtracker.h>

#include <QTest>

using namespace Durable::Ui;

class TestRefreshTracker : public QObject
{
    Q_OBJECT
private slots:
    void nextMakesEarlierTicketsStale()
    {
        RefreshTracker tracker;
        const RefreshTracker::Ticket first = tracker.next();
        QVERIFY(tracker.isCurrent(first));
        const RefreshTracker::Ticket second = tracker.next();
        QVERIFY(!tracker.isCurrent(first));
        QVERIFY(tracker.isCurrent(second));
        QCOMPARE(tracker.current(), second);
    }

    void oneReadAtATimeDefersTheRest()
    {
        RefreshTracker tracker;
        const std::optional<RefreshTracker::Ticket> started = tracker.start();
        QVERIFY(started.has_value());
        QVERIFY(tracker.isBusy());
        QVERIFY(tracker.isCurrent(*started));
        QVERIFY(!tracker.start()); // deferred
        QVERIFY(!tracker.start()); // still one refresh owed, not two
        QVERIFY(tracker.finish());
        QVERIFY(!tracker.isBusy());
        QVERIFY(tracker.start());
        QVERIFY(!tracker.finish()); // nothing asked for meanwhile
    }

    void invalidateForgetsTheReadInFlight()
    {
        RefreshTracker tracker;
        const std::optional<RefreshTracker::Ticket> started = tracker.start();
        QVERIFY(!tracker.start());
        tracker.invalidate();
        QVERIFY(!tracker.isCurrent(*started));
        QVERIFY(!tracker.isBusy());
        QVERIFY(!tracker.takeDeferred());
        QVERIFY(tracker.start()); // a new read may start at once
    }

    void deferWithoutReadInFlight()
    {
        RefreshTracker tracker;
        tracker.defer();
        QVERIFY(tracker.takeDeferred());
        QVERIFY(!tracker.takeDeferred());
        tracker.defer();
        QVERIFY(tracker.start()); // the read starting now serves what was asked before
        QVERIFY(!tracker.finish());
    }
};

QTEST_GUILESS_MAIN(TestRefreshTracker)
#include "tst_refreshtracker.moc"
