// SPDX-License-Identifier: MIT
#include <durable/core/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace Durable::JsonText {

QByteArray serialize(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QByteArrayLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        // Integers up to 2^53 print exactly without an exponent, as every JSON reader expects.
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9007199254740992.0)
            return QByteArray::number(qint64(d));
        if (!std::isfinite(d))
            return QByteArrayLiteral("null"); // JSON has no NaN or infinity
        // The shortest text that reads back as the same double, as QJsonDocument writes it.
        return QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::String: {
        const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
        return wrapped.mid(1, wrapped.size() - 2);
    }
    case QJsonValue::Array:
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    case QJsonValue::Object:
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    }
    return QByteArrayLiteral("null");
}

QJsonValue parse(const char *data, qsizetype size)
{
    const QByteArrayView text(data, size);
    if (text == "true")
        return true;
    if (text == "false")
        return false;
    if (text == "null")
        return QJsonValue::Null;
    if (size > 0 && size < 17) {
        // Plain integers (the counter case) without going through the JSON parser.
        bool ok = false;
        const qint64 n = text.toLongLong(&ok);
        if (ok)
            return double(n);
    }
    QByteArray wrapped;
    wrapped.reserve(size + 2);
    wrapped.append('[').append(data, size).append(']');
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return QJsonValue::Undefined;
    return doc.array().at(0);
}

} // namespace Durable::JsonText
