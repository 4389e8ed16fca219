// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/clock.h>

#include <QElapsedTimer>
#include <QMutex>

#include <atomic>

#include <chrono>

namespace Durable {

class TimeDriver;

// Time a test or a user controls. Starts paused at a fixed instant unless told otherwise.
//
// While running it flows with real time from where it stands; pause() freezes it. advance()
// and runToNextAlarm() move it by jumps: when an engine drives this clock (it registers a
// TimeDriver), every alarm that comes due inside the jump fires in due order, each as its own
// turn, before the call returns; alarms those turns set inside the window fire too.
// Thread-safe; advance() blocks the calling thread until the fired turns completed, so call it
// off the GUI thread (the engine offers an asynchronous wrapper).
class VirtualClock : public Clock
{
    Q_OBJECT
public:
    explicit VirtualClock(QDateTime start = QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC),
                          QObject *parent = nullptr);

    qint64 nowMs() const override;
    bool isVirtual() const override { return true; }
    bool isPaused() const override;

    void pause();
    void resume();
    // Moves time forward by duration; returns the number of alarm turns fired on the way.
    int advance(std::chrono::milliseconds duration);
    // Jumps to the next due alarm (if any) and fires it; returns the number fired (0 if none).
    int runToNextAlarm();
    // Jumps to an absolute time (forward only; earlier times are refused with false).
    bool setTime(qint64 msSinceEpoch);

    // Stops a running advance() once the alarm turns of its current step completed: time stays
    // at the due time reached (not the target), every alarm up to it having fired. From any
    // thread; does nothing when no jump runs.
    void cancelJump();

    // Used by an engine to fire due work during jumps. One driver at a time.
    void setDriver(TimeDriver *driver);

signals:
    // Emitted when advance() or runToNextAlarm() returns, from the thread that moved the time:
    // where the jump started and ended, and how many alarm turns it fired. What a recorder of a
    // user's session needs; timeJumped() is per step of a jump and says neither.
    void advanced(qint64 fromMs, qint64 toMs, int fired);
    void ranToNextAlarm(qint64 fromMs, qint64 toMs, int fired);

private:
    qint64 nowLocked() const;
    void setNowLocked(qint64 ms);

    mutable QMutex m_mutex;
    QMutex m_jumpMutex;   // serialises advance()/runToNextAlarm()
    qint64 m_base = 0;    // virtual ms at the last anchor
    QElapsedTimer m_flow; // real time since the last anchor when running
    bool m_paused = true;
    TimeDriver *m_driver = nullptr;
    std::atomic<bool> m_cancelJump {false};
};

// What an engine implements so a VirtualClock can fire its alarms while jumping.
class TimeDriver
{
public:
    virtual ~TimeDriver() = default;
    // Earliest due time of any pending alarm, or -1 when nothing is pending.
    virtual qint64 nextDueMs() = 0;
    // Fires every alarm due at or before nowMs and waits until their turns completed.
    // Returns how many fired.
    virtual int fireDue(qint64 nowMs) = 0;
    // Bracket a jump, so the driver's own timers stay out of its way meanwhile.
    virtual void beginJump() { }
    virtual void endJump() { }
};

} // namespace Durable
