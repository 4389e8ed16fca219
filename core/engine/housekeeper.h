// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QTimer>

namespace Durable {

class EngineCore;

// Runs the engine's periodic work on its own thread: the single alarm timer (armed for the
// earliest due alarm, never one timer per object) and batched catalog writes.
class Housekeeper : public QObject
{
    Q_OBJECT
public:
    explicit Housekeeper(EngineCore &core);

public slots:
    void begin();  // on the housekeeper thread: creates the timers
    void rearm();  // re-reads the earliest due time
    void finish(); // flushes the catalog and stops the timers

private:
    void fire();

    EngineCore &m_core;
    QTimer *m_alarmTimer = nullptr;
    QTimer *m_flushTimer = nullptr;
};

} // namespace Durable
