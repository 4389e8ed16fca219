// SPDX-License-Identifier: MIT
#pragma once

// Change-feed helpers for test executables (they link QtTest; the child programs do not).

#include <durable/core/inspectiontypes.h>

#include <QList>
#include <QSignalSpy>

namespace DurableTest {

// Collects change events of one kind from an inspector's changesAvailable spy.
inline QList<Durable::ChangeEvent> eventsOf(QSignalSpy &spy, Durable::ChangeEvent::Kind kind)
{
    QList<Durable::ChangeEvent> events;
    for (const QList<QVariant> &arguments : std::as_const(spy)) {
        const auto batch = arguments.at(0).value<QList<Durable::ChangeEvent>>();
        for (const Durable::ChangeEvent &event : batch) {
            if (event.kind == kind)
                events.append(event);
        }
    }
    return events;
}

} // namespace DurableTest
