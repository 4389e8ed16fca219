// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QThread>
#include <QtGlobal>

#include <source_location>

namespace Durable::Ui {

// Checks the rule every ui header states: its objects live on the GUI thread and are called
// only there. Put at the entry points others call (refresh, apply, setters); a failure names
// the function that was called from another thread. Compiles to nothing without asserts.
inline void assertGuiThread(
    [[maybe_unused]] const QObject *owner,
    [[maybe_unused]] std::source_location where = std::source_location::current())
{
    Q_ASSERT_X(QThread::currentThread() == owner->thread(), where.function_name(),
               "called from another thread than the GUI thread its object lives on");
}

} // namespace Durable::Ui
