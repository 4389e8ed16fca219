// SPDX-License-Identifier: MIT
#include <durable/core/durableobject.h>

#include <durable/core/error.h>
#include <durable/core/objectcontext.h>

namespace Durable {

DurableObject::~DurableObject() = default;

QJsonValue DurableObject::onRequest(const QString &method, const QJsonValue &)
{
    throw Error(
        ErrorCode::UnknownMethod,
        QStringLiteral("%1 does not handle method \"%2\"")
            .arg(m_context ? m_context->className() : QStringLiteral("This object"), method));
}

void DurableObject::onAlarm(const AlarmInfo &)
{
    throw Error(ErrorCode::UnknownMethod,
                QStringLiteral("%1 does not handle alarms")
                    .arg(m_context ? m_context->className() : QStringLiteral("This object")));
}

ObjectContext &DurableObject::context() const
{
    Q_ASSERT(m_context);
    return *m_context;
}

Storage &DurableObject::storage() const
{
    Q_ASSERT(m_context);
    return m_context->storage();
}

} // namespace Durable
