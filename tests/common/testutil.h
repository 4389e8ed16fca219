// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/engine.h>
#include <durable/core/journaltypes.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>

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

// Applies a journal entry's key/value changes the way any reader replaying the journal would.
inline void replayJournalEntry(QMap<QString, QJsonValue> &state, const Durable::JournalEntry &entry)
{
    if (entry.changes.value(QStringLiteral("cleared")).toBool())
        state.clear();
    const QJsonObject set = entry.changes.value(QStringLiteral("set")).toObject();
    for (auto it = set.begin(); it != set.end(); ++it)
        state.insert(it.key(), it.value());
    for (const QJsonValue &key : entry.changes.value(QStringLiteral("removed")).toArray())
        state.remove(key.toString());
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
