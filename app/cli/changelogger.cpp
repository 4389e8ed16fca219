// SPDX-License-Identifier: MIT
#include "changelogger.h"

#include "inspectionjson.h"
#include <durable/core/jsonmatch.h>

#include <durable/core/inspector.h>

#include <QDateTime>
#include <QJsonDocument>

#include <cstdio>

namespace Durable::Cli {

namespace {

bool interesting(const ChangeEvent &event, ChangeLogger::Level level)
{
    if (level == ChangeLogger::Level::Verbose)
        return true;
    const bool quiet = level == ChangeLogger::Level::Quiet;
    switch (event.kind) {
    case ChangeEvent::Kind::TurnCompleted:
        return !quiet || !event.detail.value(QStringLiteral("ok")).toBool(true);
    case ChangeEvent::Kind::HumanRequestOpened:
    case ChangeEvent::Kind::HumanRequestAnswered:
        return !quiet;
    case ChangeEvent::Kind::AlarmRetrying:
    case ChangeEvent::Kind::AlarmGivenUp:
    case ChangeEvent::Kind::ObjectQuarantined:
    case ChangeEvent::Kind::Overflow:
        return true;
    default:
        return false;
    }
}

// Client input (object names, method names, the errors that quote them) can be any length:
// one log line shows at most the first 200 characters of each.
QString elided(const QString &text)
{
    constexpr qsizetype limit = 200;
    if (text.size() <= limit)
        return text;
    return text.first(limit) + QStringLiteral("... (%1 characters)").arg(text.size());
}

QString describe(const ChangeEvent &event)
{
    const QString time =
        QDateTime::fromMSecsSinceEpoch(event.atMs, Qt::UTC).toString(Qt::ISODateWithMs);
    const QString object = elided(event.className) + QLatin1Char('/') +
                           (event.name.isEmpty() ? event.id.toString().left(16)
                                                 : elided(event.name));
    const QJsonObject &d = event.detail;
    if (event.kind == ChangeEvent::Kind::TurnCompleted) {
        const bool ok = d.value(QStringLiteral("ok")).toBool(true);
        QString line = QStringLiteral("%1 %2 %3")
                           .arg(time, ok ? QStringLiteral("turn") : QStringLiteral("turn FAILED"),
                                object);
        if (d.contains(QStringLiteral("seq")))
            line += QStringLiteral(" #%1").arg(qint64(d.value(QStringLiteral("seq")).toDouble()));
        line += QLatin1Char(' ') + d.value(QStringLiteral("trigger")).toString();
        if (!d.value(QStringLiteral("method")).toString().isEmpty())
            line += QLatin1Char(' ') + elided(d.value(QStringLiteral("method")).toString());
        line += QStringLiteral(" (%1 ms)")
                    .arg(d.value(QStringLiteral("durationUs")).toDouble() / 1000.0, 0, 'f', 2);
        if (!ok)
            line += QStringLiteral(": ") +
                    elided(d.value(QStringLiteral("error")).toVariant().toString());
        return line;
    }
    QString line = QStringLiteral("%1 %2 %3").arg(time, changeKindName(event.kind), object);
    if (!d.isEmpty())
        line += QLatin1Char(' ') + JsonMatch::text(d, 300);
    return line;
}

} // namespace

ChangeLogger::ChangeLogger(Inspector *inspector, Level level, bool json, QObject *parent)
    : QObject(parent), m_level(level), m_json(json)
{
    connect(inspector, &Inspector::changesAvailable, this, &ChangeLogger::log);
}

void ChangeLogger::log(const QList<ChangeEvent> &batch)
{
    QByteArray out;
    for (const ChangeEvent &event : batch) {
        if (!interesting(event, m_level))
            continue;
        if (m_json)
            out += QJsonDocument(InspectionJson::changeEvent(event)).toJson(QJsonDocument::Compact);
        else
            out += describe(event).toUtf8();
        out += '\n';
    }
    if (!out.isEmpty()) {
        std::fwrite(out.constData(), 1, size_t(out.size()), stderr);
        std::fflush(stderr);
    }
}

} // namespace Durable::Cli
