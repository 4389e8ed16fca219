// SPDX-License-Identifier: MIT
#include "housekeeper.h"

#include "enginecore.h"

#include <QLoggingCategory>

namespace Durable {

Q_LOGGING_CATEGORY(lcHousekeeper, "durable.core.housekeeper")

Housekeeper::Housekeeper(EngineCore &core) : m_core(core)
{ }

void Housekeeper::begin()
{
    m_alarmTimer = new QTimer(this);
    m_alarmTimer->setSingleShot(true);
    m_alarmTimer->setTimerType(Qt::PreciseTimer);
    connect(m_alarmTimer, &QTimer::timeout, this, &Housekeeper::fire);
    m_flushTimer = new QTimer(this);
    m_flushTimer->setInterval(100);
    connect(m_flushTimer, &QTimer::timeout, this, [this] {
        if (auto ok = m_core.catalog().flush(); !ok)
            qCWarning(lcHousekeeper).noquote() << ok.error().message();
    });
    m_flushTimer->start();
    rearm();
}

void Housekeeper::rearm()
{
    if (!m_alarmTimer)
        return;
    const qint64 next = m_core.scheduler().nextDueMs();
    if (next < 0 || m_core.isJumping()) {
        m_alarmTimer->stop();
        return;
    }
    const Clock &clock = m_core.clock();
    const qint64 wait = next - clock.nowMs();
    if (wait <= 0) {
        m_alarmTimer->start(0);
        return;
    }
    // A paused virtual clock does not flow: only a jump brings its alarms due.
    if (clock.isPaused()) {
        m_alarmTimer->stop();
        return;
    }
    m_alarmTimer->start(int(std::min<qint64>(wait, 24 * 3600 * 1000)));
}

void Housekeeper::fire()
{
    if (!m_core.isRunning() || m_core.isJumping())
        return;
    m_core.fireDueAlarms(m_core.clock().nowMs(), false);
    rearm();
}

void Housekeeper::finish()
{
    if (m_alarmTimer)
        m_alarmTimer->stop();
    if (m_flushTimer)
        m_flushTimer->stop();
    if (auto ok = m_core.catalog().flush(); !ok)
        qCWarning(lcHousekeeper).noquote() << ok.error().message();
}

} // namespace Durable
