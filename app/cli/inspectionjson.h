// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QJsonObject>

namespace Durable {
struct HumanRequestInfo;
}

namespace Durable::Cli {

// JSON forms of the inspection API's value types, shared by `durable inspect --json` and the
// HTTP gateway so scripts see one shape everywhere.
class InspectionJson
{
public:
    static QJsonObject classSummary(const ClassSummary &summary);
    static QJsonObject objectSummary(const ObjectSummary &summary);
    static QJsonObject alarm(const AlarmSummary &alarm);
    static QJsonObject changeEvent(const ChangeEvent &event);
    static QJsonObject metrics(const Metrics &metrics);
    // Milliseconds since the epoch as ISO 8601 UTC; null for -1.
    static QJsonValue time(qint64 ms);
};

} // namespace Durable::Cli
