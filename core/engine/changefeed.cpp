// SPDX-License-Identifier: MIT
#include "changefeed.h"

namespace Durable {

void ChangeSubscription::push(const ChangeEvent &event)
{
    QMutexLocker lock(&m_mutex);
    if (m_events.size() >= MaxPending) {
        m_events.remove(0, m_events.size() / 2);
        m_overflowed = true;
    }
    m_events.append(event);
    if (m_events.size() == 1 && m_wake)
        m_wake();
}

void ChangeSubscription::setWake(std::function<void()> wake)
{
    QMutexLocker lock(&m_mutex);
    m_wake = std::move(wake);
}

QList<ChangeEvent> ChangeSubscription::take()
{
    QMutexLocker lock(&m_mutex);
    QList<ChangeEvent> events;
    events.swap(m_events);
    if (m_overflowed) {
        ChangeEvent overflow;
        overflow.kind = ChangeEvent::Kind::Overflow;
        events.prepend(overflow);
        m_overflowed = false;
    }
    return events;
}

std::shared_ptr<ChangeSubscription> ChangeFeed::subscribe()
{
    auto subscription = std::make_shared<ChangeSubscription>();
    QMutexLocker lock(&m_mutex);
    m_subscribers.push_back(subscription);
    m_count.store(int(m_subscribers.size()));
    return subscription;
}

void ChangeFeed::publish(const ChangeEvent &event)
{
    if (!hasSubscribers())
        return;
    QMutexLocker lock(&m_mutex);
    bool expired = false;
    for (const auto &weak : m_subscribers) {
        if (auto subscription = weak.lock())
            subscription->push(event);
        else
            expired = true;
    }
    if (expired) {
        std::erase_if(m_subscribers, [](const auto &weak) { return weak.expired(); });
        m_count.store(int(m_subscribers.size()));
    }
}

} // namespace Durable
