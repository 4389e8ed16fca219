// SPDX-License-Identifier: MIT
#include <durable/core/jsonmatch.h>

#include <durable/core/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace Durable {

namespace {

std::optional<QJsonValue> descend(const QJsonValue &value, const QStringList &parts, qsizetype from)
{
    QJsonValue current = value;
    for (qsizetype i = from; i < parts.size(); ++i) {
        const QString &part = parts.at(i);
        if (current.isObject()) {
            const QJsonObject object = current.toObject();
            if (!object.contains(part))
                return std::nullopt;
            current = object.value(part);
        } else if (current.isArray()) {
            bool ok = false;
            const int index = part.toInt(&ok);
            const QJsonArray array = current.toArray();
            if (!ok || index < 0 || index >= array.size())
                return std::nullopt;
            current = array.at(index);
        } else {
            return std::nullopt;
        }
    }
    return current;
}

} // namespace

bool JsonMatch::matches(const QJsonValue &expected, const QJsonValue &actual)
{
    if (expected.isObject()) {
        if (!actual.isObject())
            return false;
        const QJsonObject want = expected.toObject();
        const QJsonObject have = actual.toObject();
        for (auto it = want.begin(); it != want.end(); ++it) {
            if (!have.contains(it.key()) || !matches(it.value(), have.value(it.key())))
                return false;
        }
        return true;
    }
    if (expected.isDouble() && actual.isDouble())
        return expected.toDouble() == actual.toDouble();
    return expected == actual;
}

std::optional<QJsonValue> JsonMatch::find(const QJsonObject &root, const QString &path)
{
    if (root.contains(path))
        return root.value(path);
    const QStringList parts = path.split(QLatin1Char('.'));
    for (qsizetype take = parts.size() - 1; take >= 1; --take) {
        const QString key = parts.mid(0, take).join(QLatin1Char('.'));
        if (root.contains(key))
            return descend(root.value(key), parts, take);
    }
    return std::nullopt;
}

QString JsonMatch::text(const QJsonValue &value, int maxChars)
{
    QString out = value.isUndefined() ? QStringLiteral("undefined") : JsonText::compact(value);
    if (maxChars > 0 && out.size() > maxChars)
        out = out.left(maxChars) + QStringLiteral("...");
    return out;
}

} // namespace Durable
