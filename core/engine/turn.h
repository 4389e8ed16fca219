// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/stub.h>

#include <QJsonValue>
#include <QString>

#include <functional>

namespace Durable {

class ObjectHost;

// One event delivered to an object's strand.
struct Turn
{
    enum class Kind {
        Request, // a call through a stub
        Alarm,   // the object's alarm came due
        Task,    // engine work that must run on the strand (admin edits, inspection reads)
        Evict,   // commit and close
        Crash,   // drop everything uncommitted, run no shutdown code
        Repair,  // a damaged (quarantined) object: method "reset" or "accept"
    };
    Kind kind = Kind::Request;
    QString method;
    QJsonValue args;
    ReplyHandler reply;
    // Task turns: runs inside the turn's transaction; may throw Durable::Error.
    std::function<QJsonValue(ObjectHost &)> task;
    // Inspection reads: no change events, no metrics, no journal entry, and the object must
    // already exist (reading never creates it).
    bool inspection = false;
    // What the journal and the change feed call this turn's trigger when it is a Task.
    QString trigger;
    // Requests sent as durable calls (ObjectCalls): the callee applies each key once and
    // answers a repeat with the reply it recorded.
    QString idempotencyKey;
};

} // namespace Durable
