// SPDX-License-Identifier: MIT
#include <durable/core/scheduleinfo.h>

namespace Durable {

QString ScheduleInfo::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Delay:
        return QStringLiteral("delay");
    case Kind::Date:
        return QStringLiteral("date");
    case Kind::Cron:
        return QStringLiteral("cron");
    case Kind::Deadline:
        return QStringLiteral("deadline");
    }
    return QStringLiteral("delay");
}

QJsonObject ScheduleInfo::toJson() const
{
    QJsonObject json {{QStringLiteral("id"), id},
                      {QStringLiteral("kind"), kindName(kind)},
                      {QStringLiteral("callback"), callback},
                      {QStringLiteral("payload"), payload.isUndefined() ? QJsonValue() : payload},
                      {QStringLiteral("dueMs"), double(dueMs)},
                      {QStringLiteral("createdMs"), double(createdMs)}};
    if (!cron.isEmpty())
        json.insert(QStringLiteral("cron"), cron);
    return json;
}

} // namespace Durable
