// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace Durable::JsonText {

// JSON values are stored as JSON text so any SQLite tool can read them. Scalars take a fast
// path (counters and flags are the common case); objects and arrays go through QJsonDocument.
// Compact JSON text of any value, scalars included (Undefined is written as null): the one way
// the engine, the studio and the CLI turn a value into text.
QByteArray serialize(const QJsonValue &value);
inline QString compact(const QJsonValue &value)
{
    return QString::fromUtf8(serialize(value));
}
// Returns Undefined when the text is not valid JSON.
QJsonValue parse(const char *data, qsizetype size);
inline QJsonValue parse(const QByteArray &text)
{
    return parse(text.constData(), text.size());
}

} // namespace Durable::JsonText
