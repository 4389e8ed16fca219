// SPDX-License-Identifier: MIT
#include "testpackage.h"

#include <durable/core/durableobject.h>
#include <durable/core/storage.h>

#include <QJsonObject>

namespace {

class PackagedCounter : public Durable::DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        if (method != QLatin1String("increment"))
            return DurableObject::onRequest(method, args);
        const int next = storage().get(QStringLiteral("count")).toInt() +
                         args.toObject().value(QStringLiteral("by")).toInt(1);
        storage().put(QStringLiteral("count"), next);
        return next;
    }
};

} // namespace

QString TestPackage::name() const
{
    return QStringLiteral("test");
}

QString TestPackage::description() const
{
    return QStringLiteral("A counter, to test the package loader");
}

QList<Durable::ClassRegistration> TestPackage::classes() const
{
    Durable::ClassOptions options;
    options.description = QStringLiteral("Counts (increment {by})");
    return {Durable::ClassRegistration::of<PackagedCounter>(QStringLiteral("PackagedCounter"),
                                                            options)};
}
