// SPDX-License-Identifier: MIT
#include "demoreminder.h"

#include <durable/core/error.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace DurableExamples {

using namespace Durable;

QJsonValue DemoReminder::onRequest(const QString &method, const QJsonValue &args)
{
    ensureTable();
    if (method == QLatin1String("remind"))
        return remind(args.toObject());
    if (method == QLatin1String("list"))
        return list();
    return DurableObject::onRequest(method, args);
}

QJsonValue DemoReminder::remind(const QJsonObject &args)
{
    const QString text = args.value(QStringLiteral("text")).toString();
    if (text.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("remind needs a \"text\""));
    const double minutes = args.value(QStringLiteral("inMinutes")).toDouble(60);
    if (minutes <= 0)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("\"inMinutes\" must be positive"));
    const qint64 due = context().nowMs() + qint64(minutes * 60'000);
    storage().sql(QStringLiteral("INSERT INTO reminders(text, due_ms, fired) VALUES (?, ?, 0)"),
                  QJsonArray {text, double(due)});
    storage().put(QStringLiteral("pending"), storage().get(QStringLiteral("pending")).toInt() + 1);
    armNext();
    return double(due);
}

QJsonValue DemoReminder::list()
{
    const SqlResult rows = storage().sql(
        QStringLiteral("SELECT id, text, due_ms, fired FROM reminders ORDER BY due_ms"));
    QJsonArray out;
    for (const QJsonArray &row : rows.rows)
        out.append(row);
    return out;
}

void DemoReminder::onAlarm(const AlarmInfo &)
{
    ensureTable();
    const QJsonArray now {double(context().nowMs())};
    const SqlResult due = storage().sql(
        QStringLiteral("SELECT text FROM reminders WHERE fired = 0 AND due_ms <= ?"), now);
    storage().sql(QStringLiteral("UPDATE reminders SET fired = 1 WHERE fired = 0 AND due_ms <= ?"),
                  now);
    QJsonArray fired = storage().get(QStringLiteral("fired")).toArray();
    for (const QJsonArray &row : due.rows)
        fired.append(QJsonObject {{QStringLiteral("text"), row.at(0)},
                                  {QStringLiteral("at"), double(context().nowMs())}});
    storage().put(QStringLiteral("fired"), fired);
    storage().put(
        QStringLiteral("pending"),
        std::max(0, storage().get(QStringLiteral("pending")).toInt() - int(due.rows.size())));
    armNext();
}

void DemoReminder::ensureTable()
{
    if (m_tableReady)
        return;
    storage().sql(
        QStringLiteral("CREATE TABLE IF NOT EXISTS reminders (id INTEGER PRIMARY KEY, "
                       "text TEXT NOT NULL, due_ms INTEGER NOT NULL, fired INTEGER NOT NULL)"));
    m_tableReady = true;
}

void DemoReminder::armNext()
{
    const SqlResult next = storage().sql(
        QStringLiteral("SELECT min(due_ms) FROM reminders WHERE fired = 0"));
    const QJsonValue due = next.rows.isEmpty() ? QJsonValue() : next.rows.first().at(0);
    if (due.isDouble())
        storage().setAlarm(qint64(due.toDouble()));
    else
        storage().deleteAlarm();
}

} // namespace DurableExamples
