// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>
#include <QString>

namespace Durable {

// One of an agent's schedules, as Agent::schedules() and the inspection API list it.
// A plain value, any thread.
struct ScheduleInfo
{
    enum class Kind {
        Delay,    // once, a duration after it was made
        Date,     // once, at a given time
        Cron,     // recurring; re-arms itself after each run
        Deadline, // the deadline of a human request (cancelled when the request is answered)
    };
    QString id;
    Kind kind = Kind::Delay;
    QString callback; // continuation name (for a deadline: the deadline continuation, or empty)
    QJsonValue payload;
    QString cron;     // Cron only: the expression
    qint64 dueMs = 0; // next run, engine clock
    qint64 createdMs = 0;

    QJsonObject toJson() const;
    static QString kindName(Kind kind);
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::ScheduleInfo)
