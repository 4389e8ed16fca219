// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QString>

namespace Durable::JsonSchemaValues {

// Values as JsonSchema sees them: JSON's (not Qt's) meaning of integer, equality and string
// length, and how a value reads in a violation message. Pure functions, any thread.

// True for finite numbers without a fraction: JSON's "integer".
bool isIntegral(double number);

// A number as the user wrote it: integral values without a fraction or exponent.
QString formatNumber(double number);

// Compact JSON, cut to a readable length: `"abc"`, `42`, `{"a":1}`.
QString formatValue(const QJsonValue &value);

// The value with its type, for "expected ..., got %1": `string "abc"`, `an object`.
QString describeValue(const QJsonValue &value);

// The type with an article: `a string`, `an array`, `null`.
QString jsonTypeName(const QJsonValue &value);

// String length in code points, as JSON Schema counts it.
qsizetype codePointCount(const QString &text);

// JSON equality: 1 and 1.0 are equal, objects compare by content.
bool jsonEqual(const QJsonValue &a, const QJsonValue &b);

// "1 item", "3 items".
QString plural(qsizetype count, const char *singular, const char *pluralForm);

} // namespace Durable::JsonSchemaValues
