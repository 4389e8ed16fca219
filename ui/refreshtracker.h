// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <optional>

namespace Durable::Ui {

// Keeps one owner's asynchronous reads in order, in place of a hand-made generation counter,
// in-flight flag and "refresh again" flag. Two ways to use it, alone or together:
// - Latest wins: each read takes a ticket (next(), or current() for reads that stay valid
//   until invalidate()) and applies its result only while isCurrent(ticket).
// - One read at a time: start() gives a ticket unless a read is in flight, in which case the
//   refresh is deferred; finish() ends the read and tells whether one was deferred meanwhile.
// A plain value owned by a GUI-thread object and used only on that thread; emits nothing.
class RefreshTracker
{
public:
    using Ticket = quint64;

    // A new ticket; results of every earlier one are stale from now on.
    Ticket next() { return ++m_generation; }
    // The ticket of the reads started since the last next() or invalidate().
    Ticket current() const { return m_generation; }
    bool isCurrent(Ticket ticket) const { return ticket == m_generation; }
    // Makes every ticket issued so far stale and forgets the read in flight and a deferred
    // refresh: the data they were for is gone.
    void invalidate();

    // The current ticket for a new read (which serves every refresh deferred so far), or
    // nothing when one is in flight: then the refresh is deferred until that read is in.
    std::optional<Ticket> start();
    // The read from start() is in (or failed). True, once, if a refresh was deferred meanwhile;
    // the caller runs it (or drops it, e.g. after an error).
    bool finish();
    bool isBusy() const { return m_inFlight; }
    // Asks for one more refresh once the read in flight is in, when the owner waits on
    // something else of its own.
    void defer() { m_deferred = true; }
    // True, once, if a refresh was deferred.
    bool takeDeferred();

private:
    Ticket m_generation = 0;
    bool m_inFlight = false;
    bool m_deferred = false;
};

} // namespace Durable::Ui
