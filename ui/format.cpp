// SPDX-License-Identifier: MIT
#include "format.h"

#include <durable/core/duration.h>
#include <durable/core/jsontext.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QFontDatabase>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Durable::Ui {

namespace {

// Undefined (no value at all) shows as nothing, not as null.
QByteArray compact(const QJsonValue &value)
{
    return value.isUndefined() ? QByteArray() : JsonText::serialize(value);
}

} // namespace

QString countdownText(qint64 dueMs, qint64 nowMs)
{
    if (dueMs < 0)
        return QString();
    const qint64 delta = dueMs - nowMs;
    if (delta < 0)
        return QStringLiteral("overdue %1")
            .arg(Duration::describe(std::chrono::milliseconds(-delta)));
    return QStringLiteral("in %1").arg(Duration::describe(std::chrono::milliseconds(delta)));
}

QString agoText(qint64 atMs, qint64 nowMs)
{
    if (atMs <= 0)
        return QString();
    const qint64 delta = nowMs - atMs;
    if (delta < 1000)
        return QStringLiteral("just now");
    return QStringLiteral("%1 ago").arg(Duration::describe(std::chrono::milliseconds(delta)));
}

QString timeText(qint64 ms)
{
    if (ms < 0)
        return QString();
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString jsonPreview(const QJsonValue &value, int maxChars)
{
    QString text = QString::fromUtf8(compact(value));
    if (text.size() > maxChars)
        text = text.left(maxChars - 1) + QChar(0x2026);
    return text;
}

QString jsonPretty(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented))
            .trimmed();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented))
            .trimmed();
    return QString::fromUtf8(compact(value));
}

qsizetype jsonSize(const QJsonValue &value)
{
    return compact(value).size();
}

QString sizeText(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QColor statusColor(ObjectStatus status)
{
    switch (status) {
    case ObjectStatus::Active:
        return QColor(0x2e, 0x9d, 0x4f);
    case ObjectStatus::Idle:
        return QColor(0x2f, 0x7d, 0xd1);
    case ObjectStatus::Hibernated:
        return QColor(0x8a, 0x8f, 0x98);
    case ObjectStatus::Failed:
        return QColor(0xd1, 0x3b, 0x3b);
    case ObjectStatus::Quarantined:
        return QColor(0xc2, 0x6a, 0x00);
    }
    return QColor(Qt::gray);
}

QFont monospaceFont()
{
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

QString stateKeyLabel(const QString &key)
{
    static const QHash<QString, const char *> labels {
        {QStringLiteral("_durable_agent_state"), QT_TRANSLATE_NOOP("Format", "agent state")},
        {QStringLiteral("_durable_agent_step"), QT_TRANSLATE_NOOP("Format", "agent step")},
        {QStringLiteral("_durable_agent_schedules"), QT_TRANSLATE_NOOP("Format", "schedules")},
        {QStringLiteral("_durable_agent_requests"), QT_TRANSLATE_NOOP("Format", "human requests")},
        {QStringLiteral("_durable_agent_model_calls"), QT_TRANSLATE_NOOP("Format", "model calls")},
        {QStringLiteral("_durable_agent_calls"),
         QT_TRANSLATE_NOOP("Format", "calls to other objects")}};
    const char *label = labels.value(key);
    return label ? QCoreApplication::translate("Format", label) : key;
}

} // namespace Durable::Ui
