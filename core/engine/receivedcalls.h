// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QString>

#include <optional>

namespace Durable {

class ObjectDatabase;

// The callee's side of durable calls: a request that carries an idempotency key (a message
// from another object's outbox, delivered at least once) is applied once. The reply of each
// applied key is kept in the object's own _durable_received table, written in the turn that
// applied it, so a redelivery after a crash gets the same reply without running again.
//
// Any object can receive such calls, agent or not: this is the engine's part of the promise.
// Worker thread only, inside a turn; failures throw Durable::Error.
namespace ReceivedCalls {

// The reply recorded for key, if the message was applied already.
std::optional<QJsonValue> appliedReply(ObjectDatabase &db, const QString &key);
// Records key as applied with its reply; forgets keys older than the retention.
void recordApplied(ObjectDatabase &db, const QString &key, const QJsonValue &reply, qint64 nowMs);

// How long a callee remembers a key (engine clock): a caller restarted later than this
// after its crash could have a message applied twice.
constexpr qint64 RetentionMs = 30LL * 24 * 60 * 60 * 1000;

} // namespace ReceivedCalls

} // namespace Durable
