// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>
#include <durable/core/stub.h>

#include <QDateTime>

namespace Durable {

class Storage;

// What a running object knows about itself and its engine. Worker thread only.
class ObjectContext
{
public:
    virtual ~ObjectContext() = default;

    virtual ObjectId id() const = 0;
    virtual QString className() const = 0;
    // The name it was created from, or empty when it was addressed by id only.
    virtual QString name() const = 0;
    virtual Storage &storage() = 0;
    // Stubs to other objects. Calls made through them inside a turn leave only after the
    // turn's transaction committed (the output gate). Unknown classes throw.
    virtual Stub stub(const QString &className, const QString &name) const = 0;
    virtual Stub stub(const QString &className, const ObjectId &id) const = 0;
    // The engine clock.
    virtual qint64 nowMs() const = 0;
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }
};

} // namespace Durable
