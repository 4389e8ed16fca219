// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>
#include <durable/core/objectid.h>

#include <QFuture>
#include <QJsonObject>

namespace Durable {
class Inspector;
}

namespace Durable::Cli {

// Everything a reader of one object is shown, in one JSON shape for `GET /objects/{class}/{name}`
// and `durable inspect --json object`: its summary, its key/value storage ("kv"), its alarm, and
// for an agent ("agent", else null) its state, workflow step, schedules, open human requests
// and durable calls not answered yet.
//
// The parts are read concurrently on the object's strand and the catalog; nothing blocks the
// caller, and the future fails with the first part that failed. Reading never creates the
// object (the summary, already read, proved it exists).
class ObjectDetail
{
public:
    static QFuture<QJsonObject> read(Inspector *inspector, const ObjectSummary &summary);
};

} // namespace Durable::Cli
