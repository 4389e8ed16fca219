// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/storagetypes.h>

#include <QDateTime>

#include <functional>
#include <optional>

namespace Durable {

class ObjectDatabase;

// An object's own strongly consistent storage: a key/value face and a SQL face over one SQLite
// file. Every write joins the current turn's transaction, which commits before the turn's reply
// is released. Worker thread only, inside a turn; failures throw Durable::Error (the turn
// boundary catches it and rolls the turn back).
class Storage
{
public:
    explicit Storage(ObjectDatabase *database) : m_db(database) { }

    // Undefined when the key does not exist.
    QJsonValue get(const QString &key) const;
    void put(const QString &key, const QJsonValue &value);
    // Returns whether the key existed.
    bool remove(const QString &key);
    QList<KeyValue> list(const ListOptions &options = {}) const;
    // Deletes every key, the alarm and every user table.
    void deleteAll();

    // Runs one or more statements on the object's own database. Tables named _durable_* are
    // the engine's and are refused; so are transaction control, ATTACH and most PRAGMAs
    // (use transaction() instead).
    SqlResult sql(const QString &query, const QJsonArray &params = {});
    // Runs fn inside a savepoint: all of its writes, or none if it throws (rethrown).
    void transaction(const std::function<void()> &fn);

    // The object's one alarm, written in the same transaction as the turn.
    void setAlarm(const QDateTime &when);
    void setAlarm(qint64 msSinceEpoch);
    std::optional<QDateTime> alarm() const;
    void deleteAlarm();

private:
    ObjectDatabase *m_db;
};

} // namespace Durable
