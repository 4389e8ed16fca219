// SPDX-License-Identifier: MIT
#include "jsonschemavalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace Durable::JsonSchemaValues {

namespace {

constexpr qsizetype s_maxShownValueLength = 60;

} // namespace

bool isIntegral(double number)
{
    return std::isfinite(number) && std::floor(number) == number;
}

QString formatNumber(double number)
{
    // Integral values print without a fraction or exponent, as the user wrote them.
    if (isIntegral(number) && std::fabs(number) < 1e15)
        return QString::number(qint64(number));
    return QString::number(number, 'g', QLocale::FloatingPointShortest);
}

// A compact JSON rendering for messages, cut short so a huge value can't flood a message.
QString formatValue(const QJsonValue &value)
{
    QString text;
    switch (value.type()) {
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        return QStringLiteral("undefined");
    case QJsonValue::Object:
        text = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        break;
    case QJsonValue::Array:
        text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        break;
    case QJsonValue::String: {
        // Shorten the content, not the quoted form, so the closing quote survives; wrapping in
        // an array is the only way to get QJsonDocument's string escaping.
        QString content = value.toString();
        if (content.size() > s_maxShownValueLength) {
            qsizetype keep = s_maxShownValueLength;
            if (content.at(keep - 1).isHighSurrogate())
                --keep; // never split a surrogate pair into invalid UTF-16
            content = content.left(keep) + QStringLiteral("...");
        }
        const QString array = QString::fromUtf8(
            QJsonDocument(QJsonArray {content}).toJson(QJsonDocument::Compact));
        return array.mid(1, array.size() - 2);
    }
    }
    if (text.size() > s_maxShownValueLength)
        text = text.left(s_maxShownValueLength) + QStringLiteral("...");
    return text;
}

QString describeValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return QStringLiteral("string ") + formatValue(value);
    case QJsonValue::Double:
        return (isIntegral(value.toDouble()) ? QStringLiteral("integer ")
                                             : QStringLiteral("number ")) +
               formatValue(value);
    case QJsonValue::Bool:
        return QStringLiteral("boolean ") + formatValue(value);
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// JSON Schema counts string length in code points, not UTF-16 units.
qsizetype codePointCount(const QString &text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

// JSON equality: 1 and 1.0 are the same number; objects compare by content, not key order.
bool jsonEqual(const QJsonValue &a, const QJsonValue &b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case QJsonValue::Double:
        return a.toDouble() == b.toDouble();
    case QJsonValue::Array: {
        const QJsonArray left = a.toArray();
        const QJsonArray right = b.toArray();
        if (left.size() != right.size())
            return false;
        for (qsizetype i = 0; i < left.size(); ++i) {
            if (!jsonEqual(left.at(i), right.at(i)))
                return false;
        }
        return true;
    }
    case QJsonValue::Object: {
        const QJsonObject left = a.toObject();
        const QJsonObject right = b.toObject();
        if (left.size() != right.size())
            return false;
        for (auto it = left.begin(); it != left.end(); ++it) {
            if (!right.contains(it.key()) || !jsonEqual(it.value(), right.value(it.key())))
                return false;
        }
        return true;
    }
    default:
        return a == b;
    }
}

QString plural(qsizetype count, const char *singular, const char *pluralForm)
{
    return QStringLiteral("%1 %2").arg(count).arg(
        QLatin1String(count == 1 ? singular : pluralForm));
}

} // namespace Durable::JsonSchemaValues
