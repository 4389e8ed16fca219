// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/engine.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QJsonValue>

namespace DurableTest {

// Waits for a call's future (workers reply from their own threads) and folds a failure into
// a Result, so tests can compare errors.
inline Durable::Result<QJsonValue> await(QFuture<QJsonValue> future)
{
    try {
        future.waitForFinished(); // rethrows a stored exception in Qt 6
        return future.result();
    } catch (const Durable::Error &error) {
        return error;
    }
}

// The same for any inspection query.
template<typename T>
Durable::Result<T> awaitValue(QFuture<T> future)
{
    try {
        future.waitForFinished();
        return future.result();
    } catch (const Durable::Error &error) {
        return error;
    }
}

inline Durable::Result<void> await(QFuture<void> future)
{
    try {
        future.waitForFinished();
    } catch (const Durable::Error &error) {
        return error;
    }
    return {};
}

inline Durable::Result<QJsonValue> call(Durable::Engine &engine, const QString &cls,
                                        const QString &name, const QString &method,
                                        const QJsonValue &args = {})
{
    auto stub = engine.stub(cls, name);
    if (!stub)
        return stub.error();
    return await(stub->call(method, args));
}

} // namespace DurableTest
