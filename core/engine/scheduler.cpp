// SPDX-License-Identifier: MIT
#include "scheduler.h"

#include <QDeadlineTimer>

namespace Durable {

bool Scheduler::set(const Entry &entry)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.find(entry.id.bytes());
    if (it != m_entries.end())
        m_byDue.erase({it->dueMs, entry.id.bytes()});
    m_entries.insert(entry.id.bytes(), entry);
    m_byDue.insert({entry.dueMs, entry.id.bytes()});
    return m_byDue.begin()->second == entry.id.bytes();
}

void Scheduler::remove(const ObjectId &id)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.find(id.bytes());
    if (it == m_entries.end())
        return;
    m_byDue.erase({it->dueMs, id.bytes()});
    m_entries.erase(it);
}

qint64 Scheduler::nextDueMs() const
{
    QMutexLocker lock(&m_mutex);
    return m_byDue.empty() ? -1 : m_byDue.begin()->first;
}

QList<Scheduler::Entry> Scheduler::takeDue(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    QList<Entry> due;
    while (!m_byDue.empty() && m_byDue.begin()->first <= nowMs) {
        const auto key = *m_byDue.begin();
        m_byDue.erase(m_byDue.begin());
        const Entry entry = m_entries.take(key.second);
        m_inFlight.insert(entry.id);
        due.append(entry);
    }
    return due;
}

void Scheduler::finished(const ObjectId &id)
{
    QMutexLocker lock(&m_mutex);
    m_inFlight.remove(id);
    if (m_inFlight.isEmpty())
        m_noneInFlight.wakeAll();
}

bool Scheduler::waitUntilNoneInFlight(int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    QDeadlineTimer deadline(timeoutMs);
    while (!m_inFlight.isEmpty()) {
        if (!m_noneInFlight.wait(&m_mutex, deadline))
            return false;
    }
    return true;
}

int Scheduler::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_entries.size());
}

QList<Scheduler::Entry> Scheduler::entries() const
{
    QMutexLocker lock(&m_mutex);
    QList<Entry> result;
    result.reserve(m_byDue.size());
    for (const auto &[due, bytes] : m_byDue) {
        Q_UNUSED(due);
        result.append(m_entries.value(bytes));
    }
    return result;
}

} // namespace Durable

namespace Durable {

qint64 Scheduler::dueFor(const ObjectId &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(id.bytes());
    return it == m_entries.cend() ? -1 : it->dueMs;
}

} // namespace Durable
