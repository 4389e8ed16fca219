// SPDX-License-Identifier: MIT
#include "turnrunner.h"

#include "enginecore.h"
#include "objecthost.h"
#include "receivedcalls.h"
#include "turneffects.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcTurns, "durable.core.worker")

namespace Durable {

namespace {

// The host whose turn runs on this thread right now: stubs called inside a turn hold their
// messages in its outbox until the turn commits (the output gate).
thread_local ObjectHost *t_runningHost = nullptr;

constexpr int AlarmMaxRetries = 6;
constexpr qint64 AlarmFirstBackoffMs = 2000;

Error handlerFailure(const QString &label, const QString &what)
{
    return Error(ErrorCode::HandlerFailed, QStringLiteral("%1 failed: %2").arg(label, what));
}

// Runs fn and turns whatever it throws into the turn's error: exceptions stop at the turn
// boundary.
template<typename F>
std::optional<Error> guarded(const ObjectHost &host, F &&fn)
{
    try {
        fn();
        return std::nullopt;
    } catch (const Error &error) {
        return error;
    } catch (const std::exception &error) {
        return handlerFailure(host.label(), QString::fromUtf8(error.what()));
    } catch (...) {
        return handlerFailure(host.label(), QStringLiteral("an unknown exception was thrown"));
    }
}

} // namespace

ObjectHost *runningHost()
{
    return t_runningHost;
}

TurnRunner::TurnRunner(EngineCore &core) : m_core(core)
{ }

Result<QJsonValue> TurnRunner::run(ObjectHost *host, Turn &turn, bool useSavepoint,
                                   bool &alarmTouched)
{
    ObjectDatabase &db = host->database();
    if (auto ok = open(db, useSavepoint); !ok)
        return ok.error();
    const qint64 startedMs = m_core.clock().nowMs();
    QElapsedTimer timer;
    timer.start();
    const qint64 seqBefore = host->journal().lastSeq();
    db.resetTurnCapture();
    host->turnTrigger.clear();
    Result<QJsonValue> result {QJsonValue()};
    const std::optional<Error> failure = guarded(*host, [&] {
        bool repeat = false; // a durable call delivered again: answered from the ledger
        result = runHandler(host, turn, alarmTouched, repeat);
        // A stale alarm fired nothing; inspection reads change nothing: neither is history.
        const bool staleAlarm = turn.kind == Turn::Kind::Alarm && !result.value().toBool();
        if (m_core.options().journal && !turn.inspection && !staleAlarm && !repeat)
            journalTurn(host, turn, startedMs, timer.nsecsElapsed() / 1000, result.value());
    });
    t_runningHost = nullptr; // the handler may have thrown before clearing it
    if (db.alarmChanged())
        alarmTouched = true;
    if (failure)
        return failTurn(host, turn, *failure, useSavepoint, startedMs, timer, seqBefore);
    if (useSavepoint) {
        if (auto ok = db.release(); !ok) {
            host->effects().rollBack(ok.error());
            return ok.error();
        }
    }
    return result;
}

Result<void> TurnRunner::open(ObjectDatabase &db, bool useSavepoint)
{
    if (!db.inTransaction()) {
        if (auto ok = db.begin(); !ok)
            return ok;
    }
    if (useSavepoint)
        return db.savepoint();
    return {};
}

QJsonValue TurnRunner::runHandler(ObjectHost *host, Turn &turn, bool &alarmTouched, bool &repeat)
{
    t_runningHost = host;
    QJsonValue output;
    switch (turn.kind) {
    case Turn::Kind::Request:
        output = runRequest(host, turn, repeat);
        break;
    case Turn::Kind::Alarm:
        alarmTouched = true;
        output = runAlarm(host);
        break;
    case Turn::Kind::Task:
        output = turn.task(*host);
        break;
    case Turn::Kind::Evict:
    case Turn::Kind::Crash:
    case Turn::Kind::Repair:
        break;
    }
    // The journal entry that follows is the engine's, not a message of the handler.
    t_runningHost = nullptr;
    return output;
}

Error TurnRunner::failTurn(ObjectHost *host, const Turn &turn, const Error &failure,
                           bool useSavepoint, qint64 startedMs, const QElapsedTimer &timer,
                           qint64 seqBefore)
{
    // Roll back this turn only; a discarded instance is rebuilt from storage next turn. Its
    // effects go with it; what follows (the failure record, an alarm retry) has its own.
    ObjectDatabase &db = host->database();
    host->effects().rollBack(failure);
    if (useSavepoint)
        db.rollbackToSavepoint();
    else
        db.rollback();
    host->journal().rewindTo(seqBefore);
    host->discardInstance();
    if (failure.code() == ErrorCode::Corrupt)
        return failure;
    if (!db.inTransaction())
        (void)db.begin();
    if (m_core.options().journal && !turn.inspection)
        recordFailure(host, turn, failure, startedMs, timer.nsecsElapsed() / 1000, seqBefore);
    if (turn.kind == Turn::Kind::Alarm)
        failAlarm(host, failure);
    return failure;
}

void TurnRunner::recordFailure(ObjectHost *host, const Turn &turn, const Error &failure,
                               qint64 startedMs, qint64 micros, qint64 seqBefore)
{
    // Outside the rolled-back work, so the failure stays visible.
    TurnFailure record;
    record.atMs = startedMs;
    record.durationUs = micros;
    record.trigger = journalTrigger(*host, turn);
    record.method = turn.method;
    record.input = turn.args;
    record.error = failure.message();
    record.afterSeq = seqBefore;
    try {
        host->journal().appendFailure(record);
    } catch (const Error &error) {
        qCWarning(lcTurns).noquote() << error.message();
    }
}

QString TurnRunner::journalTrigger(const ObjectHost &host, const Turn &turn)
{
    if (!host.turnTrigger.isEmpty())
        return host.turnTrigger;
    return turn.trigger.isEmpty() ? triggerName(turn.kind) : turn.trigger;
}

void TurnRunner::journalTurn(ObjectHost *host, const Turn &turn, qint64 startedMs, qint64 micros,
                             const QJsonValue &output)
{
    ObjectDatabase &db = host->database();
    JournalEntry entry;
    entry.atMs = startedMs;
    entry.durationUs = micros;
    entry.trigger = journalTrigger(*host, turn);
    entry.method = turn.method;
    entry.input = turn.args;
    entry.output = output;
    if (db.turnAlarmChanged()) {
        const auto row = db.alarm();
        entry.alarm = row ? QJsonValue(QJsonObject {{QStringLiteral("dueMs"), double(row->dueMs)}})
                          : QJsonValue(QJsonObject {{QStringLiteral("cleared"), true}});
    }
    QJsonArray messages;
    for (const OutgoingCall &call : host->effects().messages()) {
        messages.append(QJsonObject {{QStringLiteral("class"), call.className},
                                     {QStringLiteral("name"), call.name},
                                     {QStringLiteral("id"), call.id.toString()},
                                     {QStringLiteral("method"), call.turn.method}});
    }
    // What an agent sent its WebSocket clients: {"connections": [ids] or "all", "except", "data"}.
    for (QJsonObject sent : host->effects().eventDetails(ChangeEvent::Kind::ConnectionMessage)) {
        const QJsonValue to = sent.take(QStringLiteral("to"));
        sent.insert(QStringLiteral("connections"),
                    to.isUndefined() ? QJsonValue(QStringLiteral("all")) : to);
        messages.append(sent);
    }
    if (!messages.isEmpty())
        entry.messages = messages;
    host->journal().recordFacets(db.turnChanges()); // an agent's tables, as reserved keys
    host->journal().append(std::move(entry), db.turnChanges());
}

QJsonValue TurnRunner::runRequest(ObjectHost *host, const Turn &turn, bool &repeat)
{
    if (turn.idempotencyKey.isEmpty())
        return host->instance().onRequest(turn.method, turn.args);
    ObjectDatabase &db = host->database();
    if (std::optional<QJsonValue> applied = ReceivedCalls::appliedReply(db, turn.idempotencyKey)) {
        repeat = true;
        return *applied;
    }
    const QJsonValue reply = host->instance().onRequest(turn.method, turn.args);
    ReceivedCalls::recordApplied(db, turn.idempotencyKey, reply, m_core.clock().nowMs());
    return reply;
}

QJsonValue TurnRunner::runAlarm(ObjectHost *host)
{
    ObjectDatabase &db = host->database();
    const std::optional<AlarmRow> row = db.alarm();
    const qint64 now = m_core.clock().nowMs();
    // The object's own database is the truth: a hint for an alarm that was moved or deleted
    // is stale and fires nothing.
    if (!row || row->dueMs > now)
        return false;
    AlarmInfo info;
    info.scheduledTime = QDateTime::fromMSecsSinceEpoch(row->dueMs, Qt::UTC);
    info.retryCount = row->retryCount;
    info.isRetry = row->retryCount > 0;
    // Deleted in the turn's transaction: alarm() inside the handler sees only a new alarm, and
    // a rollback (or a crash) brings this one back, so it fires again (at least once).
    db.deleteAlarm();
    host->instance().onAlarm(info);
    return true;
}

void TurnRunner::failAlarm(ObjectHost *host, const Error &error)
{
    ObjectDatabase &db = host->database();
    try {
        const std::optional<AlarmRow> row = db.alarm();
        if (!row)
            return;
        const int retries = row->retryCount + 1;
        if (retries > AlarmMaxRetries) {
            const QString message = QStringLiteral("Alarm of %1 given up after %2 retries: %3")
                                        .arg(host->label())
                                        .arg(AlarmMaxRetries)
                                        .arg(error.message());
            qCWarning(lcTurns).noquote() << message;
            db.deleteAlarm();
            // Known to the world once the deletion committed, with the failure record.
            TurnEffects &effects = host->effects();
            effects.index(QStringLiteral("the given-up alarm"),
                          [id = host->id().toString(), className = host->className(),
                           message](Catalog &catalog) {
                              catalog.recordAlarmGivenUp(id, className, message);
                              return Result<void>();
                          });
            effects.publish(ChangeEvent::Kind::AlarmGivenUp, {{QStringLiteral("error"), message}});
            effects.afterCommit([core = &m_core, message] {
                core->reportError(Error(ErrorCode::HandlerFailed, message));
            });
            return;
        }
        const qint64 backoff = AlarmFirstBackoffMs << (retries - 1);
        const qint64 due = m_core.clock().nowMs() + backoff;
        db.writeAlarmRow(due, retries);
        host->effects().publish(ChangeEvent::Kind::AlarmRetrying,
                                {{QStringLiteral("retry"), retries},
                                 {QStringLiteral("dueMs"), double(due)},
                                 {QStringLiteral("error"), error.message()}});
    } catch (const Error &storageError) {
        qCWarning(lcTurns).noquote()
            << "Could not schedule the alarm retry of" << host->label() << storageError.message();
    }
}

QString TurnRunner::triggerName(Turn::Kind kind)
{
    switch (kind) {
    case Turn::Kind::Request:
        return QStringLiteral("request");
    case Turn::Kind::Alarm:
        return QStringLiteral("alarm");
    case Turn::Kind::Task:
        return QStringLiteral("admin");
    case Turn::Kind::Evict:
        return QStringLiteral("evict");
    case Turn::Kind::Crash:
        return QStringLiteral("crash");
    case Turn::Kind::Repair:
        return QStringLiteral("admin-repair");
    }
    return QStringLiteral("request");
}

} // namespace Durable
