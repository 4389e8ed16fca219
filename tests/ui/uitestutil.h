// SPDX-License-Identifier: MIT
#pragma once

// An engine on a temporary directory with the shared test classes, for the UI suites.

#include "testobjects.h"
#include "testutil.h"

#include <durable/core/engine.h>
#include <durable/core/virtualclock.h>

#include <QSemaphore>
#include <QTest>

#include <memory>

namespace DurableUiTest {

inline std::unique_ptr<Durable::Engine> makeEngine(
    const QString &dir, std::shared_ptr<Durable::VirtualClock> clock = {})
{
    Durable::EngineOptions options;
    options.dataDir = dir;
    options.clock = std::move(clock);
    auto engine = std::make_unique<Durable::Engine>(options);
    DurableTest::registerTestClasses(*engine);
    const auto started = engine->start();
    if (!started)
        qFatal("engine did not start: %s", qPrintable(started.error().message()));
    return engine;
}

// Creates count objects of cls named prefix0..prefixN-1 by calling method on each, with at most
// inFlight calls outstanding. Returns how many calls failed.
inline int createObjects(Durable::Engine &engine, const QString &cls, const QString &prefix,
                         int count, const QString &method, const QJsonValue &args = {},
                         int inFlight = 64)
{
    QSemaphore permits(inFlight);
    std::atomic<int> failed {0};
    for (int i = 0; i < count; ++i) {
        permits.acquire();
        auto stub = engine.stub(cls, prefix + QString::number(i));
        stub->call(method, args, [&permits, &failed](const Durable::Result<QJsonValue> &reply) {
            if (!reply.ok())
                ++failed;
            permits.release();
        });
    }
    permits.acquire(inFlight); // every call answered
    return failed.load();
}

} // namespace DurableUiTest
