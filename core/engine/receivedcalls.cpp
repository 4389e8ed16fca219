// SPDX-License-Identifier: MIT
#include "receivedcalls.h"

#include "objectdatabase.h"

#include <durable/core/jsontext.h>

namespace Durable::ReceivedCalls {

namespace {

const char s_schema[] = R"sql(
CREATE TABLE IF NOT EXISTS _durable_received(
    key TEXT PRIMARY KEY, reply TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _durable_received_by_time ON _durable_received(at_ms);
)sql";

bool hasLedger(ObjectDatabase &db)
{
    // Created by the first keyed call: most objects never receive one.
    const SqlResult result = db.engineSql(QStringLiteral(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_durable_received'"));
    return !result.rows.isEmpty() && result.rows.first().at(0).toInteger() == 1;
}

} // namespace

std::optional<QJsonValue> appliedReply(ObjectDatabase &db, const QString &key)
{
    if (!hasLedger(db))
        return std::nullopt;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT reply FROM _durable_received WHERE key = ?1"), {key});
    if (result.rows.isEmpty())
        return std::nullopt;
    const QJsonValue column = result.rows.first().at(0);
    return column.isString() ? JsonText::parse(column.toString().toUtf8()) : QJsonValue();
}

void recordApplied(ObjectDatabase &db, const QString &key, const QJsonValue &reply, qint64 nowMs)
{
    db.engineSql(QString::fromLatin1(s_schema));
    db.engineSql(QStringLiteral("DELETE FROM _durable_received WHERE at_ms < ?1"),
                 {double(nowMs - RetentionMs)});
    db.engineSql(QStringLiteral("INSERT OR REPLACE INTO _durable_received(key, reply, at_ms) "
                                "VALUES (?1, ?2, ?3)"),
                 {key, QString::fromUtf8(JsonText::serialize(reply)), double(nowMs)});
}

} // namespace Durable::ReceivedCalls
