// SPDX-License-Identifier: MIT
#include "guistallmeter.h"

#include <algorithm>

namespace DurableBench {

GuiStallMeter::GuiStallMeter(int intervalMs, QObject *parent)
    : QObject(parent), m_intervalNs(qint64(intervalMs) * 1000000)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &GuiStallMeter::tick);
}

void GuiStallMeter::start()
{
    m_lateNs.clear();
    m_lastNs = -1;
    m_clock.start();
    m_timer.start();
}

void GuiStallMeter::stop()
{
    m_timer.stop();
}

void GuiStallMeter::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (m_lastNs >= 0)
        m_lateNs.push_back(std::max<qint64>(0, now - m_lastNs - m_intervalNs));
    m_lastNs = now;
}

double GuiStallMeter::percentileMs(double q) const
{
    if (m_lateNs.empty())
        return 0;
    std::vector<qint64> sorted = m_lateNs;
    const size_t at = std::min(sorted.size() - 1, size_t(q * double(sorted.size())));
    std::nth_element(sorted.begin(), sorted.begin() + qsizetype(at), sorted.end());
    return double(sorted[at]) / 1e6;
}

double GuiStallMeter::maxMs() const
{
    return m_lateNs.empty() ? 0 : double(*std::max_element(m_lateNs.begin(), m_lateNs.end())) / 1e6;
}

} // namespace DurableBench
