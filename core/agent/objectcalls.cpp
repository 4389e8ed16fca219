// SPDX-License-Identifier: MIT
#include "objectcalls.h"

#include "enginecore.h"
#include "objectdatabase.h"
#include "objecthost.h"
#include <durable/core/jsontext.h>

#include <QJsonArray>
#include <QLoggingCategory>
#include <QTimer>
#include <QUuid>
#include <durable/core/agent.h>

Q_LOGGING_CATEGORY(lcCalls, "durable.core.calls")

namespace Durable {

QJsonObject OutgoingCallInfo::toJson() const
{
    QJsonObject json {{QStringLiteral("id"), id},
                      {QStringLiteral("class"), className},
                      {QStringLiteral("name"), name},
                      {QStringLiteral("targetId"), targetId.toString()},
                      {QStringLiteral("method"), method},
                      {QStringLiteral("args"), args},
                      {QStringLiteral("createdMs"), double(createdMs)}};
    if (!continuation.isEmpty()) {
        json.insert(QStringLiteral("continuation"), continuation);
        json.insert(QStringLiteral("payload"), payload);
    }
    return json;
}

namespace ObjectCalls {

namespace {

const char s_outboxSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS _durable_agent_calls(
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, class TEXT NOT NULL, name TEXT NOT NULL,
    target_id TEXT NOT NULL, method TEXT NOT NULL, args TEXT NOT NULL, continuation TEXT NOT NULL,
    payload TEXT NOT NULL, created_ms INTEGER NOT NULL);
)sql";

const QString s_columns = QStringLiteral(
    "id, class, name, target_id, method, args, continuation, payload, created_ms");

// Redelivery after "the callee is overloaded": a short real-time backoff, not the engine
// clock (a paused virtual clock must not stall delivery).
constexpr int RetryFirstMs = 50;
constexpr int RetryMaxMs = 5000;

QString jsonText(const QJsonValue &value)
{
    return QString::fromUtf8(JsonText::serialize(value));
}

QJsonValue parseJson(const QJsonValue &column)
{
    return column.isString() ? JsonText::parse(column.toString().toUtf8()) : QJsonValue();
}

bool hasTable(ObjectDatabase &db, const char *table)
{
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"),
        {QString::fromLatin1(table)});
    return !result.rows.isEmpty() && result.rows.first().at(0).toInteger() == 1;
}

OutgoingCallInfo fromRow(const QJsonArray &row)
{
    OutgoingCallInfo info;
    info.id = row.at(0).toString();
    info.className = row.at(1).toString();
    info.name = row.at(2).toString();
    info.targetId = ObjectId::fromString(row.at(3).toString()).valueOr(ObjectId());
    info.method = row.at(4).toString();
    info.args = parseJson(row.at(5));
    info.continuation = row.at(6).toString();
    info.payload = parseJson(row.at(7));
    info.createdMs = row.at(8).toInteger();
    return info;
}

// Whether the object has no unanswered call (no table: it never stored one).
bool outboxEmpty(ObjectDatabase &db)
{
    if (!hasTable(db, "_durable_agent_calls"))
        return true;
    const SqlResult left = db.engineSql(
        QStringLiteral("SELECT count(*) FROM _durable_agent_calls"));
    return left.rows.value(0).at(0).toInteger() == 0;
}

// Clears the outbox's catalog mark once the turn committed, if the outbox is empty then.
// Turns are committed together: a later turn of the same commit may have stored a call (and
// written its mark) after this one emptied the outbox, and that mark must stay, or a crash
// before the call is answered loses it. Same worker as the turn, right after its commit.
void clearMarkWhenEmpty(ObjectHost &host)
{
    // After the commit, not as an index row: the mark is a recovery hint nobody reads but a
    // start, so it needs no index mark of its own. If clearing fails the mark stays, and the
    // next start only finds nothing to deliver.
    host.effects().afterCommit([&host] {
        try {
            if (!outboxEmpty(host.database()))
                return;
            if (auto ok = host.core().catalog().clearPending(Catalog::PendingKind::Outbox,
                                                             host.id().toString());
                !ok)
                qCWarning(lcCalls).noquote() << ok.error().message();
        } catch (const Error &error) {
            qCWarning(lcCalls).noquote() << error.message();
        }
    });
}

struct Caller
{
    std::weak_ptr<EngineCore> core;
    QString className;
    ObjectId id;
    QString name;
};

void dispatchDelivery(const Caller &caller, const OutgoingCallInfo &info, int attempt);

// The callee answered (or the call was refused): the reply becomes a turn of the caller,
// which deletes the row and runs the continuation.
void replyArrived(const Caller &caller, const OutgoingCallInfo &info, int attempt,
                  const Result<QJsonValue> &reply)
{
    const std::shared_ptr<EngineCore> core = caller.core.lock();
    // Engine stopping: the row stays and is delivered again at the next start.
    if (!core || !core->isRunning() ||
        (!reply.ok() && reply.error().code() == ErrorCode::ShuttingDown))
        return;
    if (!reply.ok() && reply.error().code() == ErrorCode::Overloaded) {
        const int delay = std::min(RetryMaxMs, RetryFirstMs << std::min(attempt, 10));
        QTimer::singleShot(
            delay, [caller, info, attempt] { dispatchDelivery(caller, info, attempt + 1); });
        return;
    }
    Turn turn;
    turn.kind = Turn::Kind::Task;
    turn.trigger = QStringLiteral("call-reply");
    turn.method = info.continuation;
    QJsonObject args {{QStringLiteral("callId"), info.id},
                      {QStringLiteral("to"),
                       QStringLiteral("%1/%2.%3").arg(info.className, info.name, info.method)}};
    if (reply.ok())
        args.insert(QStringLiteral("reply"), reply.value());
    else
        args.insert(QStringLiteral("error"), reply.error().message());
    turn.args = args;
    turn.task = [callId = info.id, reply](ObjectHost &host) -> QJsonValue {
        const std::optional<OutgoingCallInfo> call = take(host, callId);
        if (!call) {
            return QJsonObject {{QStringLiteral("ignored"),
                                 QStringLiteral("call %1 was answered already").arg(callId)}};
        }
        QJsonValue output = reply.ok() ? reply.value() : QJsonValue(reply.error().message());
        if (!call->continuation.isEmpty()) {
            auto *agent = dynamic_cast<Agent *>(&host.instance());
            if (!agent) {
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("%1 is not an agent; it cannot continue call %2")
                                .arg(host.label(), callId));
            }
            output = ObjectCallAccess::deliverReply(*agent, *call, reply);
        }
        // Counted after the continuation, which may have made new calls.
        forgetMarkIfDone(host);
        return output;
    };
    turn.reply = [label = QStringLiteral("%1/%2").arg(caller.className, caller.name),
                  callId = info.id](const Result<QJsonValue> &result) {
        if (!result.ok()) {
            qCWarning(lcCalls).noquote() << "The reply to call" << callId << "of" << label
                                         << "failed to run:" << result.error().message();
        }
    };
    core->dispatchNow(caller.className, caller.id, caller.name, std::move(turn));
}

Turn deliveryTurn(const Caller &caller, const OutgoingCallInfo &info, int attempt)
{
    Turn turn;
    turn.method = info.method;
    turn.args = info.args;
    turn.idempotencyKey = caller.id.toString() + QLatin1Char(':') + info.id;
    turn.reply = [caller, info, attempt](const Result<QJsonValue> &reply) {
        replyArrived(caller, info, attempt, reply);
    };
    return turn;
}

void dispatchDelivery(const Caller &caller, const OutgoingCallInfo &info, int attempt)
{
    const std::shared_ptr<EngineCore> core = caller.core.lock();
    if (!core || !core->isRunning())
        return;
    core->dispatchNow(info.className, info.targetId, info.name,
                      deliveryTurn(caller, info, attempt));
}

// Held in the running turn's gate: leaves once the turn that stored the call committed.
void deliverAfterCommit(ObjectHost &host, const OutgoingCallInfo &info)
{
    if (host.core().options().holdObjectCalls)
        return; // a sandbox: the call stays pending, for the user to see
    const Caller caller {host.core().weak_from_this(), host.className(), host.id(), host.name()};
    host.effects().send({info.className, info.targetId, info.name, deliveryTurn(caller, info, 0)});
}

} // namespace

QString send(ObjectHost &host, OutgoingCallInfo info)
{
    ObjectDatabase &db = host.database();
    db.engineSql(QString::fromLatin1(s_outboxSchema));
    info.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    info.createdMs = host.nowMs();
    db.engineSql(QStringLiteral("INSERT INTO _durable_agent_calls(id, seq, %1) VALUES (?1, "
                                "(SELECT coalesce(max(seq), 0) + 1 FROM _durable_agent_calls), "
                                "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                     .arg(s_columns.mid(4)),
                 {info.id, info.className, info.name, info.targetId.toString(), info.method,
                  jsonText(info.args), info.continuation, jsonText(info.payload),
                  double(info.createdMs)});
    // Before the commit, like an alarm hint: a crash after it must still find the call.
    if (auto ok = host.core().catalog().markPending(
            Catalog::PendingKind::Outbox, host.id().toString(), host.className(), host.name());
        !ok) {
        throw ok.error().prefixed(
            QStringLiteral("Could not note the call of %1").arg(host.label()));
    }
    deliverAfterCommit(host, info);
    return info.id;
}

QList<OutgoingCallInfo> pending(ObjectDatabase &db)
{
    QList<OutgoingCallInfo> calls;
    if (!hasTable(db, "_durable_agent_calls"))
        return calls;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_calls ORDER BY seq").arg(s_columns));
    for (const QJsonArray &row : result.rows)
        calls.append(fromRow(row));
    return calls;
}

std::optional<OutgoingCallInfo> take(ObjectHost &host, const QString &callId)
{
    ObjectDatabase &db = host.database();
    if (!hasTable(db, "_durable_agent_calls"))
        return std::nullopt;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_calls WHERE id = ?1").arg(s_columns),
        {callId});
    if (result.rows.isEmpty())
        return std::nullopt;
    db.engineSql(QStringLiteral("DELETE FROM _durable_agent_calls WHERE id = ?1"), {callId});
    return fromRow(result.rows.first());
}

void resume(ObjectHost &host)
{
    const QList<OutgoingCallInfo> calls = pending(host.database());
    for (const OutgoingCallInfo &info : calls)
        deliverAfterCommit(host, info);
    if (!calls.isEmpty() && !host.core().options().holdObjectCalls) {
        qCInfo(lcCalls).noquote() << "Delivering" << calls.size() << "unanswered calls of"
                                  << host.label() << "again";
    }
    forgetMarkIfDone(host);
}

void forgetMarkIfDone(ObjectHost &host)
{
    // Counted at the end of the turn (a continuation may have called again) and once more after
    // the commit (a later turn of the same commit may have).
    if (outboxEmpty(host.database()))
        clearMarkWhenEmpty(host);
}

} // namespace ObjectCalls

} // namespace Durable
