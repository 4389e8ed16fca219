// SPDX-License-Identifier: MIT
#include "turnchanges.h"

#include <durable/core/jsontext.h>

#include <QJsonArray>

namespace Durable {

QJsonObject TurnChanges::toJson() const
{
    QJsonObject json;
    if (cleared)
        json.insert(QStringLiteral("cleared"), true);
    if (!set.isEmpty()) {
        QJsonObject values;
        for (auto it = set.cbegin(); it != set.cend(); ++it)
            values.insert(it.key(), it.value());
        json.insert(QStringLiteral("set"), values);
    }
    if (!removed.isEmpty()) {
        QStringList keys(removed.cbegin(), removed.cend());
        keys.sort();
        json.insert(QStringLiteral("removed"), QJsonArray::fromStringList(keys));
    }
    if (!tables.isEmpty()) {
        QJsonObject sql;
        for (auto it = tables.cbegin(); it != tables.cend(); ++it) {
            sql.insert(it.key(), QJsonObject {{QStringLiteral("inserted"), it->inserted},
                                              {QStringLiteral("updated"), it->updated},
                                              {QStringLiteral("deleted"), it->deleted}});
        }
        json.insert(QStringLiteral("sql"), sql);
    }
    return json;
}

QByteArray TurnChanges::toJsonText() const
{
    QByteArray text;
    text.reserve(64);
    text += '{';
    bool first = true;
    const auto field = [&](const char *name) {
        if (!first)
            text += ',';
        first = false;
        text += '"';
        text += name;
        text += "\":";
    };
    if (cleared) {
        field("cleared");
        text += "true";
    }
    if (!set.isEmpty()) {
        field("set");
        text += '{';
        bool firstKey = true;
        for (auto it = set.cbegin(); it != set.cend(); ++it) {
            if (!firstKey)
                text += ',';
            firstKey = false;
            text += JsonText::serialize(it.key());
            text += ':';
            text += JsonText::serialize(it.value());
        }
        text += '}';
    }
    if (!removed.isEmpty() || !tables.isEmpty()) {
        // Rare: the general path is fine.
        const QJsonObject json = toJson();
        for (const char *name : {"removed", "sql"}) {
            const QJsonValue value = json.value(QLatin1String(name));
            if (value.isUndefined())
                continue;
            field(name);
            text += JsonText::serialize(value);
        }
    }
    text += '}';
    return text;
}

} // namespace Durable
