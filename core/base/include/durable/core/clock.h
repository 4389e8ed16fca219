// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QObject>

namespace Durable {

// The one source of time for an engine: turns, alarms, schedules and idle eviction all read it.
//
// Thread-safe: now() is called from every worker. Emits timeJumped() (from the thread that moved
// the time) when time moved other than by flowing, so schedulers re-arm their timers: at every
// step of a jump. timeSettled() follows once the time stands still again (after the jump's last
// step), for work that needs doing once per jump, such as hibernating what is idle.
class Clock : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Milliseconds since the Unix epoch, UTC.
    virtual qint64 nowMs() const = 0;
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }

    virtual bool isVirtual() const { return false; }
    // True while time does not flow by itself (a paused virtual clock).
    virtual bool isPaused() const { return false; }

signals:
    void timeJumped(qint64 nowMs);
    void timeSettled(qint64 nowMs);
    void pausedChanged(bool paused);
};

} // namespace Durable
