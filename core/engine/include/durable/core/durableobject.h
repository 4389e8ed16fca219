// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/alarminfo.h>

#include <QJsonValue>
#include <QString>

namespace Durable {

class ObjectContext;
class Storage;

// Base class of every durable object.
//
// An instance lives on its object's worker thread and runs one turn at a time: onStart() when
// it is activated (before its first turn), onRequest() for calls, onAlarm() when its alarm
// fires. Handlers signal failure by throwing Durable::Error; the turn then rolls back, the
// caller gets the error, and the instance is discarded and rebuilt from storage.
class DurableObject
{
public:
    virtual ~DurableObject();

    virtual void onStart() { }
    // The default refuses every method with a clear UnknownMethod error.
    virtual QJsonValue onRequest(const QString &method, const QJsonValue &args);
    // Classes that set alarms override this; the default refuses.
    virtual void onAlarm(const AlarmInfo &info);

protected:
    ObjectContext &context() const;
    Storage &storage() const;

private:
    friend class ObjectHost;
    ObjectContext *m_context = nullptr;
};

} // namespace Durable
