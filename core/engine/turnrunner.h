// SPDX-License-Identifier: MIT
#pragma once

#include "turn.h"

#include <durable/core/error.h>
#include <durable/core/result.h>

#include <QJsonValue>
#include <QString>

class QElapsedTimer;

namespace Durable {

class EngineCore;
class ObjectDatabase;
class ObjectHost;

// The host whose turn runs on the calling thread, or null outside a turn: what sends a
// message checks it to hold the message in that turn's output gate.
ObjectHost *runningHost();

// Runs one turn of an object inside its batch's open transaction: the handler (request, alarm
// or engine task), the journal entry, and on failure the rollback of this turn alone, its
// failure record and an alarm's retry with backoff. Committing and releasing the batch is the
// Worker's. A member of its Worker; worker thread only, like the hosts it is given.
class TurnRunner
{
public:
    explicit TurnRunner(EngineCore &core);

    // The turn's output, or the error it failed with (already rolled back). alarmTouched is
    // set when the turn may have changed the object's alarm.
    Result<QJsonValue> run(ObjectHost *host, Turn &turn, bool useSavepoint, bool &alarmTouched);

    // What the journal and the change feed call a turn of kind when nothing names it.
    static QString triggerName(Turn::Kind kind);

private:
    static Result<void> open(ObjectDatabase &db, bool useSavepoint);
    QJsonValue runHandler(ObjectHost *host, Turn &turn, bool &alarmTouched, bool &repeat);
    QJsonValue runRequest(ObjectHost *host, const Turn &turn, bool &repeat);
    QJsonValue runAlarm(ObjectHost *host);
    Error failTurn(ObjectHost *host, const Turn &turn, const Error &failure, bool useSavepoint,
                   qint64 startedMs, const QElapsedTimer &timer, qint64 seqBefore);
    void recordFailure(ObjectHost *host, const Turn &turn, const Error &failure, qint64 startedMs,
                       qint64 micros, qint64 seqBefore);
    void failAlarm(ObjectHost *host, const Error &error);
    void journalTurn(ObjectHost *host, const Turn &turn, qint64 startedMs, qint64 micros,
                     const QJsonValue &output);
    static QString journalTrigger(const ObjectHost &host, const Turn &turn);

    EngineCore &m_core;
};

} // namespace Durable
