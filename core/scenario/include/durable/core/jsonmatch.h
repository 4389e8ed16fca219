// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Durable {

// How scenarios compare JSON: expected objects match when each of their members matches (the
// actual object may have more); arrays and scalars must be equal (numbers by value).
class JsonMatch
{
public:
    static bool matches(const QJsonValue &expected, const QJsonValue &actual);

    // Looks up a dotted path ("profile.score", "items.0.name") in root. The first part is
    // matched against root's keys greedily, so keys that contain dots still resolve.
    static std::optional<QJsonValue> find(const QJsonObject &root, const QString &path);

    // Compact JSON text of any value ("undefined" for an undefined value).
    static QString text(const QJsonValue &value, int maxChars = 400);
};

} // namespace Durable
