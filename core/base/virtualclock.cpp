// SPDX-License-Identifier: MIT
#include <durable/core/virtualclock.h>

namespace Durable {

VirtualClock::VirtualClock(QDateTime start, QObject *parent)
    : Clock(parent), m_base(start.toMSecsSinceEpoch())
{ }

qint64 VirtualClock::nowMs() const
{
    QMutexLocker lock(&m_mutex);
    return nowLocked();
}

qint64 VirtualClock::nowLocked() const
{
    return m_paused ? m_base : m_base + m_flow.elapsed();
}

void VirtualClock::setNowLocked(qint64 ms)
{
    m_base = ms;
    if (!m_paused)
        m_flow.restart();
}

bool VirtualClock::isPaused() const
{
    QMutexLocker lock(&m_mutex);
    return m_paused;
}

void VirtualClock::pause()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_paused)
            return;
        m_base = nowLocked();
        m_paused = true;
    }
    emit pausedChanged(true);
}

void VirtualClock::resume()
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_paused)
            return;
        m_paused = false;
        m_flow.start();
    }
    emit pausedChanged(false);
}

void VirtualClock::setDriver(TimeDriver *driver)
{
    QMutexLocker jump(&m_jumpMutex);
    m_driver = driver;
}

bool VirtualClock::setTime(qint64 msSinceEpoch)
{
    qint64 now;
    {
        QMutexLocker lock(&m_mutex);
        if (msSinceEpoch < nowLocked())
            return false;
        setNowLocked(msSinceEpoch);
        now = msSinceEpoch;
    }
    emit timeJumped(now);
    emit timeSettled(now);
    return true;
}

int VirtualClock::advance(std::chrono::milliseconds duration)
{
    QMutexLocker jump(&m_jumpMutex);
    m_cancelJump = false;
    const qint64 from = nowMs();
    qint64 target = from + qMax<qint64>(0, duration.count());
    int fired = 0;
    if (m_driver)
        m_driver->beginJump();
    // Step from due time to due time so each alarm sees the time it was due at, and alarms
    // set by fired turns inside the window are found by the next nextDueMs().
    while (m_driver) {
        if (m_cancelJump.exchange(false)) {
            target = nowMs();
            break;
        }
        const qint64 due = m_driver->nextDueMs();
        if (due < 0 || due > target)
            break;
        {
            QMutexLocker lock(&m_mutex);
            if (due > nowLocked())
                setNowLocked(due);
        }
        emit timeJumped(due);
        fired += m_driver->fireDue(nowMs());
    }
    {
        QMutexLocker lock(&m_mutex);
        if (target > nowLocked())
            setNowLocked(target);
    }
    if (m_driver)
        m_driver->endJump();
    emit timeJumped(target);
    emit timeSettled(target);
    emit advanced(from, target, fired);
    return fired;
}

void VirtualClock::cancelJump()
{
    m_cancelJump = true;
}

int VirtualClock::runToNextAlarm()
{
    QMutexLocker jump(&m_jumpMutex);
    const qint64 from = nowMs();
    const qint64 due = m_driver ? m_driver->nextDueMs() : -1;
    if (due < 0) {
        emit ranToNextAlarm(from, from, 0);
        return 0;
    }
    qint64 now;
    m_driver->beginJump();
    {
        QMutexLocker lock(&m_mutex);
        if (due > nowLocked())
            setNowLocked(due);
        now = nowLocked();
    }
    emit timeJumped(now);
    const int fired = m_driver->fireDue(now);
    m_driver->endJump();
    emit timeSettled(now);
    emit ranToNextAlarm(from, now, fired);
    return fired;
}

} // namespace Durable
