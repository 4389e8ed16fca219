// SPDX-License-Identifier: MIT
#include "schedulemodel.h"

#include "format.h"
#include "guithread.h"

#include <durable/core/clock.h>

#include <QTimer>

#include <algorithm>

namespace Durable::Ui {

ScheduleModel::ScheduleModel(Clock *clock, QObject *parent)
    : QAbstractTableModel(parent), m_clock(clock), m_tick(new QTimer(this))
{
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &ScheduleModel::tick);
    m_tick->start();
}

int ScheduleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_schedules.size());
}

int ScheduleModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ScheduleModel::kindText(const ScheduleInfo &schedule)
{
    switch (schedule.kind) {
    case ScheduleInfo::Kind::Delay:
    case ScheduleInfo::Kind::Date:
        return tr("one-shot");
    case ScheduleInfo::Kind::Cron:
        return tr("cron %1").arg(schedule.cron);
    case ScheduleInfo::Kind::Deadline:
        return tr("deadline");
    }
    return QString();
}

QVariant ScheduleModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ScheduleInfo &schedule = m_schedules.at(index.row());
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return schedule.id;
        case CallbackColumn:
            return schedule.callback;
        case KindColumn:
            return kindText(schedule);
        case DueColumn:
            return timeText(schedule.dueMs);
        case CountdownColumn:
            return countdownText(schedule.dueMs, now);
        case PayloadColumn:
            return jsonPreview(schedule.payload);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == PayloadColumn)
            return jsonPretty(schedule.payload);
        if (index.column() == KindColumn && schedule.kind == ScheduleInfo::Kind::Deadline)
            return tr("The deadline of human request %1")
                .arg(schedule.payload.toObject().value(QStringLiteral("requestId")).toString());
        return {};
    case Qt::FontRole:
        if (index.column() == IdColumn || index.column() == DueColumn ||
            index.column() == PayloadColumn)
            return monospaceFont();
        return {};
    case IdRole:
        return schedule.id;
    case KindRole:
        return ScheduleInfo::kindName(schedule.kind);
    case DueRole:
        return schedule.dueMs;
    case OverdueRole:
        return schedule.dueMs < now;
    case PayloadRole:
        return QVariant::fromValue(schedule.payload);
    }
    return {};
}

QVariant ScheduleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return tr("Id");
    case CallbackColumn:
        return tr("Callback");
    case KindColumn:
        return tr("Kind");
    case DueColumn:
        return tr("Due (UTC)");
    case CountdownColumn:
        return tr("Countdown");
    case PayloadColumn:
        return tr("Payload");
    }
    return {};
}

QHash<int, QByteArray> ScheduleModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "scheduleId");
    names.insert(KindRole, "kind");
    names.insert(DueRole, "due");
    names.insert(OverdueRole, "overdue");
    names.insert(PayloadRole, "payload");
    return names;
}

void ScheduleModel::setSchedules(QList<ScheduleInfo> schedules)
{
    assertGuiThread(this);
    std::stable_sort(
        schedules.begin(), schedules.end(),
        [](const ScheduleInfo &a, const ScheduleInfo &b) { return a.dueMs < b.dueMs; });
    bool sameRows = schedules.size() == m_schedules.size();
    for (qsizetype i = 0; sameRows && i < schedules.size(); ++i)
        sameRows = schedules.at(i).id == m_schedules.at(i).id;
    if (sameRows) {
        // Same schedules in the same order: keep the selection, update the values in place.
        m_schedules = std::move(schedules);
        if (!m_schedules.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_schedules.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_schedules = std::move(schedules);
    endResetModel();
}

void ScheduleModel::clear()
{
    assertGuiThread(this);
    if (m_schedules.isEmpty())
        return;
    beginResetModel();
    m_schedules.clear();
    endResetModel();
}

ScheduleInfo ScheduleModel::schedule(int row) const
{
    return row >= 0 && row < m_schedules.size() ? m_schedules.at(row) : ScheduleInfo {};
}

int ScheduleModel::rowOf(const QString &scheduleId) const
{
    for (qsizetype i = 0; i < m_schedules.size(); ++i) {
        if (m_schedules.at(i).id == scheduleId)
            return int(i);
    }
    return -1;
}

void ScheduleModel::tick()
{
    if (!m_schedules.isEmpty())
        emit dataChanged(index(0, CountdownColumn),
                         index(int(m_schedules.size()) - 1, CountdownColumn),
                         {Qt::DisplayRole, OverdueRole});
}

} // namespace Durable::Ui
