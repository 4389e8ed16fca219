// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace DurableBench {

// Measures how long the GUI thread's event loop goes without getting round to a timer: a
// precise timer asks to run every intervalMs, and each time it does, the delay beyond the
// interval is one sample. A stall (a slot, a paint or a model reset that holds the thread)
// shows up as one late tick of exactly its length, whatever caused it. GUI thread only.
class GuiStallMeter : public QObject
{
    Q_OBJECT
public:
    explicit GuiStallMeter(int intervalMs = 2, QObject *parent = nullptr);

    void start();
    void stop();

    qint64 samples() const { return qint64(m_lateNs.size()); }
    // Lateness at quantile q (0..1) in milliseconds; sorts a copy.
    double percentileMs(double q) const;
    double maxMs() const;

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = -1;
    qint64 m_intervalNs;
    std::vector<qint64> m_lateNs;
};

} // namespace DurableBench
