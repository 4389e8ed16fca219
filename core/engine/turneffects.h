// SPDX-License-Identifier: MIT
#pragma once

#include "turn.h"

#include <durable/core/inspectiontypes.h>
#include <durable/core/result.h>

#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace Durable {

class Catalog;
class EngineCore;
class ObjectHost;

// A message a turn sends to another object (or a turn it queues on its own strand).
struct OutgoingCall
{
    QString className;
    ObjectId id;
    QString name;
    Turn turn;
};

// The output gate of one turn (after workerd's io-gate.h).
//
// Everything a turn does that anyone outside its object can observe is held here: its reply,
// the messages it sends, its change events, its catalog index rows, and the work it starts
// (model calls, tool runs, reply continuations). Nothing is done directly. After the turn's
// transaction has committed, release() lets it all out in that order; if the turn rolled back
// (its handler threw, or the batch's commit failed), rollBack() drops all of it but the reply,
// which then carries the error, and fails every held message's sender. There is no other way
// out: a turn reaches its gate through ObjectHost::effects().
//
// Worker thread only. One per turn; turns coalesced into one commit keep one gate each and are
// released turn by turn, in order, after that commit.
class TurnEffects
{
public:
    using IndexWrite = std::function<Result<void>(Catalog &)>;

    TurnEffects() = default;
    explicit TurnEffects(ReplyHandler reply) : m_reply(std::move(reply)) { }

    void publish(ChangeEvent::Kind kind, QJsonObject detail = {});
    // A catalog index row (step, human-request hint); `what` names it in an error.
    void index(QString what, IndexWrite write);
    void send(OutgoingCall call);
    // Work that may only start once the turn is durable (e.g. handing a request to a model).
    void afterCommit(std::function<void()> action);

    bool writesIndex() const { return !m_index.empty(); }
    const std::vector<OutgoingCall> &messages() const { return m_messages; }
    // The details of the held change events of one kind, in the order published.
    QList<QJsonObject> eventDetails(ChangeEvent::Kind kind) const;
    bool isEmpty() const;

    // Drops everything held but the reply; held messages' senders get `error`.
    void rollBack(const Error &error);
    // The turn committed (or failed on its own, with its failure committed): index rows, change
    // events, the reply with `result`, messages and after-commit work go out, in that order.
    // Returns the first index write that failed (the data is committed; only the index lags).
    Result<void> release(EngineCore &core, const ObjectHost &host,
                         const Result<QJsonValue> &result);

private:
    struct Event
    {
        ChangeEvent::Kind kind;
        QJsonObject detail;
    };
    struct Index
    {
        QString what;
        IndexWrite write;
    };
    ReplyHandler m_reply;
    std::vector<Index> m_index;
    std::vector<Event> m_events;
    std::vector<OutgoingCall> m_messages;
    std::vector<std::function<void()>> m_afterCommit;
};

} // namespace Durable
