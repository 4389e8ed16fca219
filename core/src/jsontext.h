// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace Durable::JsonText {

// JSON values are stored as JSON text so any SQLite tool can read them. Scalars take a fast
// path (counters and flags are the common case); objects and arrays go through QJsonDocument.
QByteArray serialize(const QJsonValue &value);
// Returns Undefined when the text is not valid JSON.
QJsonValue parse(const char *data, qsizetype size);
inline QJsonValue parse(const QByteArray &text) { return parse(text.constData(), text.size()); }

} // namespace Durable::JsonText
