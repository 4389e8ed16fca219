// SPDX-License-Identifier: MIT
#include "format.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Durable::Ui {

namespace {

QString durationText(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QByteArray compact(const QJsonValue &value)
{
    // QJsonDocument only wraps objects and arrays; scalars go through a one-element array.
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    if (value.isUndefined())
        return QByteArray();
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

} // namespace

QString countdownText(qint64 dueMs, qint64 nowMs)
{
    if (dueMs < 0)
        return QString();
    const qint64 delta = dueMs - nowMs;
    if (delta < 0)
        return QStringLiteral("overdue %1").arg(durationText(-delta));
    return QStringLiteral("in %1").arg(durationText(delta));
}

QString agoText(qint64 atMs, qint64 nowMs)
{
    if (atMs <= 0)
        return QString();
    const qint64 delta = nowMs - atMs;
    if (delta < 1000)
        return QStringLiteral("just now");
    return QStringLiteral("%1 ago").arg(durationText(delta));
}

QString timeText(qint64 ms)
{
    if (ms < 0)
        return QString();
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
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
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)).trimmed();
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

} // namespace Durable::Ui
