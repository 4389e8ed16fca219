// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QWidget>

#include <chrono>

class QAction;
class QLabel;
class QProgressBar;
class QThreadPool;
class QToolButton;

namespace Durable {
class Clock;
class VirtualClock;
} // namespace Durable

namespace Durable::Ui {

// The engine clock: live or virtual, the time it shows, and for a virtual clock pause/resume and
// jumps (+1 min, +1 h, +1 day, custom, run to the next alarm). A jump blocks until the alarms it
// crosses have fired, so it runs on a pool thread (QtConcurrent) while the controls show a busy
// state; the views refresh from Clock::timeJumped. GUI thread only.
class ClockControls : public QWidget
{
    Q_OBJECT
public:
    explicit ClockControls(Clock *clock, QWidget *parent = nullptr);

    bool isVirtual() const { return m_virtual != nullptr; }
    bool isBusy() const { return m_busy; }

    QAction *pauseAction() const { return m_pause; }
    QAction *advanceMinuteAction() const { return m_minute; }
    QAction *advanceHourAction() const { return m_hour; }
    QAction *advanceDayAction() const { return m_day; }
    QAction *advanceCustomAction() const { return m_custom; }
    QAction *runToNextAlarmAction() const { return m_next; }
    QAction *stopJumpAction() const { return m_stop; }
    QList<QAction *> actions() const;

public slots:
    void advanceBy(std::chrono::milliseconds duration);
    void runToNextAlarm();
    void askCustomAdvance();
    void setPaused(bool paused);
    // Stops a running jump after the alarm turns in progress (VirtualClock::cancelJump).
    void stopJump();

signals:
    void busyChanged(bool busy);
    // After a jump: a one-line summary for the status bar and how many alarm turns fired.
    void jumpFinished(const QString &summary, int fired);

private:
    // Construction steps, in this order.
    void createActions();
    void layOut();
    void showClockKind(); // virtual or live: the badge, and pause follows the clock
    void setBusy(bool busy);
    void updateTime();
    void updateActions();

    QPointer<Clock> m_clock;
    // Jumps block a thread until the fired turns finish: their own thread, never the global
    // pool (the raster paint engine waits on that one).
    QThreadPool *m_jumps;
    VirtualClock *m_virtual = nullptr;
    bool m_busy = false;
    bool m_stopRequested = false;
    QLabel *m_mode;
    QLabel *m_time;
    QProgressBar *m_progress;
    QAction *m_pause;
    QAction *m_minute;
    QAction *m_hour;
    QAction *m_day;
    QAction *m_custom;
    QAction *m_next;
    QAction *m_stop;
    QToolButton *m_stopButton;
};

} // namespace Durable::Ui
