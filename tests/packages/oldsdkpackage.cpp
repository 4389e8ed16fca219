// SPDX-License-Identifier: MIT
#include "oldsdkpackage.h"

#include <durable/core/durableobject.h>

QString OldSdkPackage::name() const
{
    return QStringLiteral("old-sdk");
}

QString OldSdkPackage::description() const
{
    return QStringLiteral("Built against an SDK version this program does not provide");
}

QList<Durable::ClassRegistration> OldSdkPackage::classes() const
{
    return {Durable::ClassRegistration::of<Durable::DurableObject>(QStringLiteral("OldSdkObject"))};
}
