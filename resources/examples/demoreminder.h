// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/durableobject.h>

namespace DurableExamples {

// The demo reminder list: keeps reminders in its own SQL table and wakes itself with its alarm
// when the next is due. remind {text, inMinutes} -> due time; list -> rows; the alarm marks due
// reminders fired (the key "fired" lists them, "pending" counts the rest).
class DemoReminder : public Durable::DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override;
    void onAlarm(const Durable::AlarmInfo &alarm) override;

private:
    QJsonValue remind(const QJsonObject &args);
    QJsonValue list();
    void ensureTable();
    // Sets the alarm to the earliest reminder not yet fired, or clears it.
    void armNext();

    bool m_tableReady = false;
};

} // namespace DurableExamples
