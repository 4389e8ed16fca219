// SPDX-License-Identifier: MIT
#pragma once

// An engine with the test agents on a paused virtual clock, shared by the agent test suites.

#include "agenttestobjects.h"

#include <QDateTime>
#include <QFuture>
#include <durable/core/engine.h>
#include <durable/core/virtualclock.h>

#include <memory>

namespace DurableAgentTest {

// 2030-01-01 09:00 UTC, a Tuesday.
inline const qint64 s_t0 = QDateTime(QDate(2030, 1, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();

struct Fixture
{
    std::shared_ptr<VirtualClock> clock;
    std::unique_ptr<Engine> engine;
};

inline Fixture start(const QString &dir, qint64 startMs = s_t0)
{
    Fixture f;
    f.clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC));
    EngineOptions options;
    options.dataDir = dir;
    options.clock = f.clock;
    f.engine = std::make_unique<Engine>(options);
    registerAgentClasses(*f.engine);
    if (auto ok = f.engine->start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    return f;
}

template<typename T>
Result<T> wait(QFuture<T> future)
{
    try {
        future.waitForFinished(); // rethrows a stored exception in Qt 6
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

} // namespace DurableAgentTest
