// SPDX-License-Identifier: MIT
#include "turnchanges.h"

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
            sql.insert(it.key(), QJsonObject{{QStringLiteral("inserted"), it->inserted},
                                             {QStringLiteral("updated"), it->updated},
                                             {QStringLiteral("deleted"), it->deleted}});
        }
        json.insert(QStringLiteral("sql"), sql);
    }
    return json;
}

} // namespace Durable
