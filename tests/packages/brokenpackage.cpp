// SPDX-License-Identifier: MIT
#include "brokenpackage.h"

#include <durable/core/durableobject.h>

// Defined nowhere. A variable, not a function: data references are resolved when the library is
// loaded even with lazy binding, so loading fails with "undefined symbol".
extern "C" int durable_test_missing_symbol;

QString BrokenPackage::name() const
{
    return QStringLiteral("broken-%1").arg(durable_test_missing_symbol);
}

QString BrokenPackage::description() const
{
    return QStringLiteral("Needs a symbol nothing provides");
}

QList<Durable::ClassRegistration> BrokenPackage::classes() const
{
    return {Durable::ClassRegistration::of<Durable::DurableObject>(QStringLiteral("BrokenObject"))};
}
