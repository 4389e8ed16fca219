// SPDX-License-Identifier: MIT
#include <durable/core/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace Durable::JsonText {

namespace {

// A JSON string literal, escaped as QJsonDocument escapes it. Keys and string values are
// written on every journaled turn: two allocations here instead of a whole QJsonDocument.
QByteArray quoted(const QString &text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uchar(c) < 0x20) {
                out += "\\u00";
                out += Hex[uchar(c) >> 4];
                out += Hex[uchar(c) & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

} // namespace

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
    case QJsonValue::String:
        return quoted(value.toString());
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
