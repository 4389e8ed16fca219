// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/durableobject.h>

namespace DurableExamples {

// The demo counter, in the key "count": increment {by}, get, reset. Counts are exact integers,
// so they stay within what a JSON number holds exactly (2^53); anything else is refused.
class DemoCounter : public Durable::DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override;

private:
    static constexpr qint64 kMaxExact = (qint64(1) << 53) - 1;

    qint64 count() const;
    // `increment` takes a bare number or {"by": number}; without one it adds 1.
    static qint64 step(const QJsonValue &args);
};

} // namespace DurableExamples
