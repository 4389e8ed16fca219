// SPDX-License-Identifier: MIT
#include <durable/core/storage.h>

#include "objectdatabase.h"

namespace Durable {

QJsonValue Storage::get(const QString &key) const
{
    return m_db->get(key);
}

void Storage::put(const QString &key, const QJsonValue &value)
{
    m_db->put(key, value);
}

bool Storage::remove(const QString &key)
{
    return m_db->remove(key);
}

QList<KeyValue> Storage::list(const ListOptions &options) const
{
    return m_db->list(options);
}

void Storage::deleteAll()
{
    m_db->deleteAll();
}

SqlResult Storage::sql(const QString &query, const QJsonArray &params)
{
    return m_db->sql(query, params);
}

void Storage::transaction(const std::function<void()> &fn)
{
    m_db->transaction(fn);
}

void Storage::setAlarm(const QDateTime &when)
{
    if (!when.isValid()) {
        throw Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Cannot set the alarm of %1 to an invalid time").arg(m_db->label()));
    }
    m_db->setAlarm(when.toMSecsSinceEpoch());
}

void Storage::setAlarm(qint64 msSinceEpoch)
{
    m_db->setAlarm(msSinceEpoch);
}

std::optional<QDateTime> Storage::alarm() const
{
    const auto row = m_db->alarm();
    if (!row)
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(row->dueMs, Qt::UTC);
}

void Storage::deleteAlarm()
{
    m_db->deleteAlarm();
}

} // namespace Durable
