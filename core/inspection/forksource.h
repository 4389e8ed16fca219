// SPDX-License-Identifier: MIT
#pragma once

#include "usertables.h"

#include <durable/core/modelsources.h>
#include <durable/core/storagetypes.h>

#include <QJsonObject>
#include <QList>

namespace Durable {

class ObjectHost;

// What a fork copies from its origin, read in one inspection turn of the origin (which writes
// nothing there): key/value state as of the turn forked, agent facets included, and the user's
// SQL tables as they are now (the journal keeps no row contents). Written as the fork's first
// turn, in the origin's engine (Inspector::fork) or in a sandbox's (Sandboxes::create).
struct ForkSource
{
    QString objectName;    // the origin's
    qint64 seq = 0;        // the turn forked
    qint64 atMs = 0;       // when that turn ran, on the origin's engine clock
    QList<KeyValue> state; // as of that turn, agent facets included
    UserTables tables;     // as they are now
    qint64 lastSeq = 0;
    // The model replies the origin got after the turn forked, oldest first: what "recorded"
    // replays in a sandbox (with Recordings::Read).
    QList<RecordedReply> recorded;

    enum class Recordings { Skip, Read };
    // On the origin's strand. Fails when seq is not one of its turns. A sandbox reads the
    // recordings too; a fork in the same engine has no use for them.
    static ForkSource read(ObjectHost &host, qint64 seq, Recordings recordings = Recordings::Skip);
    // The fork's first turn: key/value state, agent tables, user SQL tables. Returns output with
    // what was restored and, when the SQL tables are newer than the turn forked, a note saying so.
    QJsonObject write(ObjectHost &host, QJsonObject output) const;
};

} // namespace Durable
