// SPDX-License-Identifier: MIT
#include "duplicatepackage.h"

#include <durable/core/durableobject.h>

namespace {

class PackagedEcho : public Durable::DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        Q_UNUSED(method);
        return args;
    }
};

} // namespace

QString DuplicatePackage::name() const
{
    return QStringLiteral("duplicate");
}

QString DuplicatePackage::description() const
{
    return QStringLiteral("Provides a class under a name TestPackage uses");
}

QList<Durable::ClassRegistration> DuplicatePackage::classes() const
{
    return {Durable::ClassRegistration::of<PackagedEcho>(QStringLiteral("PackagedEcho")),
            Durable::ClassRegistration::of<PackagedEcho>(QStringLiteral("PackagedCounter"))};
}
