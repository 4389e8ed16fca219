// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QList>
#include <QMutex>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace Durable {

// One subscriber's queue of change events. Thread-safe. Bounded: a subscriber that falls
// more than MaxPending events behind loses the oldest and gets an Overflow event, so a
// stalled UI can never exhaust memory; it then re-reads its snapshots.
class ChangeSubscription
{
public:
    static constexpr qsizetype MaxPending = 500000;

    void push(const ChangeEvent &event);
    QList<ChangeEvent> take();
    // Called on the publishing thread, under the queue's lock, when an event lands in an empty
    // queue: the subscriber then knows to take() without polling. Cleared (empty wake) before the
    // subscriber goes away; once this returns, the old wake is never called again.
    void setWake(std::function<void()> wake);

private:
    QMutex m_mutex;
    QList<ChangeEvent> m_events;
    std::function<void()> m_wake;
    bool m_overflowed = false;
};

// Fans change events out to subscribers. publish() costs one atomic load when nobody listens,
// which is the common case on the hot path.
class ChangeFeed
{
public:
    std::shared_ptr<ChangeSubscription> subscribe();
    bool hasSubscribers() const { return m_count.load(std::memory_order_relaxed) > 0; }
    void publish(const ChangeEvent &event);

private:
    QMutex m_mutex;
    std::vector<std::weak_ptr<ChangeSubscription>> m_subscribers;
    std::atomic<int> m_count {0};
};

} // namespace Durable
