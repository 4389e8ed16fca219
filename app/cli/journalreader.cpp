// SPDX-License-Identifier: MIT
#include "journalreader.h"

#include "awaitresult.h"
#include <durable/core/jsonmatch.h>

#include <durable/core/inspector.h>

#include <QDateTime>
#include <QJsonObject>

#include <algorithm>

namespace Durable::Cli {

namespace {

QString clockText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

Result<QList<JournalEntry>> JournalReader::last(const QString &className, const ObjectId &id,
                                                int limit) const
{
    JournalQuery query;
    query.limit = limit;
    auto entries = awaitResult(m_inspector.journal(className, id, query));
    if (!entries)
        return entries.error();
    QList<JournalEntry> list = std::move(entries).value();
    std::reverse(list.begin(), list.end()); // the inspector answers newest first
    return list;
}

Result<qint64> JournalReader::count(const QString &className, const ObjectId &id) const
{
    auto size = awaitResult(m_inspector.storageSize(className, id));
    if (!size)
        return size.error();
    return size->journalEntries;
}

Result<QList<TurnFailure>> JournalReader::failures(const QString &className, const ObjectId &id,
                                                   int limit) const
{
    auto failures = awaitResult(m_inspector.failures(className, id, limit));
    if (!failures)
        return failures.error();
    QList<TurnFailure> list = std::move(failures).value();
    std::sort(list.begin(), list.end(),
              [](const TurnFailure &a, const TurnFailure &b) { return a.id < b.id; });
    return list;
}

QString JournalReader::describe(const JournalEntry &entry)
{
    QString line =
        QStringLiteral("#%1 %2 %3").arg(entry.seq).arg(clockText(entry.atMs), entry.trigger);
    if (!entry.method.isEmpty())
        line += QLatin1Char(' ') + entry.method;
    if (!entry.input.isNull() && !entry.input.isUndefined())
        line += QLatin1Char(' ') + JsonMatch::text(entry.input, 80);
    line += QStringLiteral(" -> ") + JsonMatch::text(entry.output, 80);
    const QJsonObject set = entry.changes.value(QStringLiteral("set")).toObject();
    if (!set.isEmpty())
        line += QStringLiteral("  set ") + JsonMatch::text(set, 120);
    // The alarm as a person reads it: "alarm set for 2030-01-02T09:00:00Z" or "alarm cleared".
    const QJsonObject alarm = entry.alarm.toObject();
    if (alarm.contains(QStringLiteral("dueMs")))
        line += QStringLiteral("  alarm set for ") +
                clockText(qint64(alarm.value(QStringLiteral("dueMs")).toDouble()));
    else if (alarm.value(QStringLiteral("cleared")).toBool())
        line += QStringLiteral("  alarm cleared");
    else if (!alarm.isEmpty())
        line += QStringLiteral("  alarm ") + JsonMatch::text(alarm, 60);
    return line;
}

QString JournalReader::describe(const TurnFailure &failure)
{
    QString line = QStringLiteral("failed after #%1 %2 %3")
                       .arg(failure.afterSeq)
                       .arg(clockText(failure.atMs), failure.trigger);
    if (!failure.method.isEmpty())
        line += QLatin1Char(' ') + failure.method;
    return line + QStringLiteral(": ") + failure.error;
}

QJsonObject JournalReader::toJson(const JournalEntry &entry)
{
    return QJsonObject {
        {QStringLiteral("seq"), double(entry.seq)},
        {QStringLiteral("atMs"), double(entry.atMs)},
        {QStringLiteral("at"), clockText(entry.atMs)},
        {QStringLiteral("durationUs"), double(entry.durationUs)},
        {QStringLiteral("trigger"), entry.trigger},
        {QStringLiteral("method"), entry.method},
        {QStringLiteral("input"), entry.input.isUndefined() ? QJsonValue() : entry.input},
        {QStringLiteral("output"), entry.output.isUndefined() ? QJsonValue() : entry.output},
        {QStringLiteral("changes"), entry.changes},
        {QStringLiteral("alarm"), entry.alarm.isUndefined() ? QJsonValue() : entry.alarm},
        {QStringLiteral("messages"), entry.messages.isUndefined() ? QJsonValue() : entry.messages}};
}

} // namespace Durable::Cli
