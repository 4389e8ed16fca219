// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/journaltypes.h>
#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QList>
#include <QStringList>

namespace Durable {
class Inspector;
}

namespace Durable::Cli {

// Reads an object's journal (committed turns) and its failed turns through the Inspector, oldest
// first, and formats entries for people and scripts. Blocking; main thread.
class JournalReader
{
public:
    explicit JournalReader(const Inspector &inspector) : m_inspector(inspector) { }

    // Newest last: the last `limit` committed turns.
    Result<QList<JournalEntry>> last(const QString &className, const ObjectId &id, int limit) const;
    Result<qint64> count(const QString &className, const ObjectId &id) const;
    // Newest last: the last `limit` failed (rolled back) turns.
    Result<QList<TurnFailure>> failures(const QString &className, const ObjectId &id,
                                        int limit) const;

    // One line per entry for people: "#12 09:00:05 request increment -> 3".
    static QString describe(const JournalEntry &entry);
    static QString describe(const TurnFailure &failure);
    static QJsonObject toJson(const JournalEntry &entry);

private:
    const Inspector &m_inspector;
};

} // namespace Durable::Cli
