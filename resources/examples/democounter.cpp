// SPDX-License-Identifier: MIT
#include "democounter.h"

#include <durable/core/error.h>
#include <durable/core/jsontext.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

#include <cmath>

namespace DurableExamples {

using namespace Durable;

QJsonValue DemoCounter::onRequest(const QString &method, const QJsonValue &args)
{
    if (method == QLatin1String("increment")) {
        const qint64 next = count() + step(args);
        if (std::abs(next) > kMaxExact) {
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("The count would leave the exact range of a JSON "
                                       "number (±%1); reset it first")
                            .arg(kMaxExact));
        }
        storage().put(QStringLiteral("count"), double(next));
        storage().put(QStringLiteral("updated"), double(context().nowMs()));
        return double(next);
    }
    if (method == QLatin1String("get"))
        return double(count());
    if (method == QLatin1String("reset")) {
        storage().put(QStringLiteral("count"), 0);
        return 0;
    }
    return DurableObject::onRequest(method, args);
}

qint64 DemoCounter::count() const
{
    return storage().get(QStringLiteral("count")).toInteger();
}

qint64 DemoCounter::step(const QJsonValue &args)
{
    const QJsonValue by = args.isObject() ? args.toObject().value(QStringLiteral("by")) : args;
    if (by.isUndefined() || by.isNull())
        return 1;
    const double value = by.toDouble(std::nan(""));
    if (!by.isDouble() || value != std::trunc(value) || std::abs(value) > double(kMaxExact)) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("increment takes {\"by\": n} with n a whole number "
                                   "between -%1 and %1; got %2")
                        .arg(kMaxExact)
                        .arg(JsonText::compact(by)));
    }
    return qint64(value);
}

} // namespace DurableExamples
