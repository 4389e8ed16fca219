// SPDX-License-Identifier: MIT
#include "inspectionjson.h"

#include <QDateTime>
#include <QJsonArray>

namespace Durable::Cli {

QJsonValue InspectionJson::time(qint64 ms)
{
    if (ms < 0)
        return QJsonValue();
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject InspectionJson::classSummary(const ClassSummary &summary)
{
    QJsonObject stepCounts;
    for (auto it = summary.stepCounts.begin(); it != summary.stepCounts.end(); ++it)
        stepCounts.insert(it.key(), double(it.value()));
    return QJsonObject {{QStringLiteral("name"), summary.name},
                        {QStringLiteral("description"), summary.description},
                        {QStringLiteral("source"), summary.source},
                        {QStringLiteral("objectCount"), double(summary.objectCount)},
                        {QStringLiteral("liveCount"), double(summary.liveCount)},
                        {QStringLiteral("steps"), QJsonArray::fromStringList(summary.steps)},
                        {QStringLiteral("stepCounts"), stepCounts}};
}

QJsonObject InspectionJson::objectSummary(const ObjectSummary &summary)
{
    QJsonObject json {{QStringLiteral("id"), summary.id.toString()},
                      {QStringLiteral("class"), summary.className},
                      {QStringLiteral("name"), summary.name},
                      {QStringLiteral("status"), objectStatusName(summary.status)},
                      {QStringLiteral("createdMs"), double(summary.createdMs)},
                      {QStringLiteral("lastActiveMs"), double(summary.lastActiveMs)},
                      {QStringLiteral("queueDepth"), summary.queueDepth},
                      {QStringLiteral("nextAlarmMs"), double(summary.nextAlarmMs)},
                      {QStringLiteral("nextAlarm"), time(summary.nextAlarmMs)},
                      {QStringLiteral("step"), summary.step},
                      {QStringLiteral("pendingHumanRequests"), summary.pendingHumanRequests}};
    if (!summary.forkOf.isEmpty()) {
        json.insert(QStringLiteral("forkOf"), summary.forkOf);
        json.insert(QStringLiteral("forkSeq"), double(summary.forkSeq));
    }
    return json;
}

QJsonObject InspectionJson::alarm(const AlarmSummary &alarm)
{
    return QJsonObject {{QStringLiteral("id"), alarm.id.toString()},
                        {QStringLiteral("class"), alarm.className},
                        {QStringLiteral("name"), alarm.name},
                        {QStringLiteral("dueMs"), double(alarm.dueMs)},
                        {QStringLiteral("due"), time(alarm.dueMs)},
                        {QStringLiteral("retryCount"), alarm.retryCount}};
}

QJsonObject InspectionJson::changeEvent(const ChangeEvent &event)
{
    return QJsonObject {{QStringLiteral("kind"), changeKindName(event.kind)},
                        {QStringLiteral("id"), event.id.isNull() ? QString() : event.id.toString()},
                        {QStringLiteral("class"), event.className},
                        {QStringLiteral("name"), event.name},
                        {QStringLiteral("atMs"), double(event.atMs)},
                        {QStringLiteral("detail"), event.detail}};
}

QJsonObject InspectionJson::metrics(const Metrics &metrics)
{
    return QJsonObject {{QStringLiteral("turnsPerSecond"), metrics.turnsPerSecond},
                        {QStringLiteral("commitsPerSecond"), metrics.commitsPerSecond},
                        {QStringLiteral("failuresPerSecond"), metrics.failuresPerSecond},
                        {QStringLiteral("totalTurns"), double(metrics.totalTurns)},
                        {QStringLiteral("totalCommits"), double(metrics.totalCommits)},
                        {QStringLiteral("totalFailures"), double(metrics.totalFailures)},
                        {QStringLiteral("liveObjects"), metrics.liveObjects},
                        {QStringLiteral("queueDepth"), metrics.queueDepth},
                        {QStringLiteral("turnP50Ms"), metrics.turnP50Ms},
                        {QStringLiteral("turnP99Ms"), metrics.turnP99Ms}};
}

} // namespace Durable::Cli
