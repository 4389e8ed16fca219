// SPDX-License-Identifier: MIT
#include "refreshtracker.h"

#include <utility>

namespace Durable::Ui {

void RefreshTracker::invalidate()
{
    ++m_generation;
    m_inFlight = false;
    m_deferred = false;
}

std::optional<RefreshTracker::Ticket> RefreshTracker::start()
{
    if (m_inFlight) {
        m_deferred = true;
        return std::nullopt;
    }
    m_inFlight = true;
    m_deferred = false; // the read starting now serves every refresh asked for before it
    return m_generation;
}

bool RefreshTracker::finish()
{
    m_inFlight = false;
    return takeDeferred();
}

bool RefreshTracker::takeDeferred()
{
    return std::exchange(m_deferred, false);
}

} // namespace Durable::Ui
