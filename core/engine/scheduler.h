// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>

#include <QHash>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QWaitCondition>

#include <set>

namespace Durable {

// The engine-wide index of due alarms: one entry per object, ordered by due time.
//
// Thread-safe. Workers update it after commits; the housekeeper's single timer and the virtual
// clock take due entries from it. An entry taken for firing is "in flight" until its turn
// finished, so it is never fired twice at once.
class Scheduler
{
public:
    struct Entry
    {
        ObjectId id;
        QString className;
        QString name;
        qint64 dueMs = 0;
        int retryCount = 0;
    };

    // Adds or moves the object's entry. Returns true when it became the earliest.
    bool set(const Entry &entry);
    void remove(const ObjectId &id);
    // Earliest due time not in flight, or -1.
    qint64 nextDueMs() const;
    QList<Entry> takeDue(qint64 nowMs);
    void finished(const ObjectId &id);
    // Blocks until no alarm turn taken by takeDue() is still running (or timeoutMs passed):
    // a clock jump must not move time past alarms that are being handled.
    bool waitUntilNoneInFlight(int timeoutMs);
    int size() const;
    QList<Entry> entries() const;
    // The object's due time, or -1.
    qint64 dueFor(const ObjectId &id) const;

private:
    mutable QMutex m_mutex;
    QWaitCondition m_noneInFlight;
    std::set<std::pair<qint64, QByteArray>> m_byDue;
    QHash<QByteArray, Entry> m_entries; // by id bytes
    QSet<ObjectId> m_inFlight;
};

} // namespace Durable
