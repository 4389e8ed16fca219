// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/humanrequest.h>
#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QJsonValue>
#include <QString>

#include <optional>

namespace Durable {

// One operation a ScenarioRecorder saw, as issued; outcome is filled in when it arrives.
// A plain value.
struct RecordedStep
{
    enum class Kind { Call, Answer, Advance, RunToNextAlarm, Evict, Crash, Restart };
    Kind kind = Kind::Call;
    QString className; // evict and crash: empty until the writer resolves the id
    QString name;      // empty when the object was addressed by id
    ObjectId id;
    QString method;
    QJsonValue args;
    QString requestId; // answers
    QString title;     // answers: the request's title
    HumanResponse response;
    bool targeted = true; // answers: false until the request was found
    qint64 byMs = 0;      // advance
    int fired = -1;       // clock moves; -1: not known (time that flowed by itself)
    std::optional<Result<QJsonValue>> outcome; // calls and answers; empty while in flight
};

} // namespace Durable
