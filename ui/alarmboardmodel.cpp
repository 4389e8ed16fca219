// SPDX-License-Identifier: MIT
#include "alarmboardmodel.h"

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <durable/core/clock.h>
#include <durable/core/inspector.h>

#include <QTimer>

#include <algorithm>

namespace Durable::Ui {

AlarmBoardModel::AlarmBoardModel(Inspector *inspector, Clock *clock, QObject *parent)
    : QAbstractTableModel(parent), m_inspector(inspector), m_clock(clock), m_tick(new QTimer(this)),
      m_refreshLater(new QTimer(this))
{
    connect(inspector, &Inspector::changesAvailable, this, &AlarmBoardModel::applyChanges);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &AlarmBoardModel::tick);
    m_tick->start();
    // Alarm events come in bursts (a jump fires many): one snapshot per burst.
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(100);
    connect(m_refreshLater, &QTimer::timeout, this, &AlarmBoardModel::refresh);
    if (clock)
        connect(clock, &Clock::timeJumped, m_refreshLater, qOverload<>(&QTimer::start));
}

int AlarmBoardModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alarms.size());
}

int AlarmBoardModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlarmBoardModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AlarmSummary &alarm = m_alarms.at(index.row());
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ObjectColumn:
            return alarm.name.isEmpty() ? alarm.id.toString().left(16) : alarm.name;
        case ClassColumn:
            return alarm.className;
        case DueColumn:
            return timeText(alarm.dueMs);
        case CountdownColumn:
            return countdownText(alarm.dueMs, now);
        case RetryColumn:
            return alarm.retryCount > 0 ? QVariant(alarm.retryCount) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        return alarm.id.toString();
    case Qt::FontRole:
        if ((index.column() == ObjectColumn && alarm.name.isEmpty()) || index.column() == DueColumn)
            return monospaceFont();
        return {};
    case IdRole:
        return alarm.id.toString();
    case ClassRole:
        return alarm.className;
    case NameRole:
        return alarm.name;
    case DueRole:
        return alarm.dueMs;
    case RetryRole:
        return alarm.retryCount;
    case OverdueRole:
        return alarm.dueMs < now;
    case RetryingRole:
        return alarm.retryCount > 0;
    }
    return {};
}

QVariant AlarmBoardModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ObjectColumn:
        return tr("Object");
    case ClassColumn:
        return tr("Class");
    case DueColumn:
        return tr("Due (UTC)");
    case CountdownColumn:
        return tr("Countdown");
    case RetryColumn:
        return tr("Retries");
    }
    return {};
}

QHash<int, QByteArray> AlarmBoardModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "objectId");
    names.insert(ClassRole, "className");
    names.insert(NameRole, "name");
    names.insert(DueRole, "due");
    names.insert(RetryRole, "retry");
    names.insert(OverdueRole, "overdue");
    names.insert(RetryingRole, "retrying");
    return names;
}

AlarmSummary AlarmBoardModel::alarm(int row) const
{
    return row >= 0 && row < m_alarms.size() ? m_alarms.at(row) : AlarmSummary {};
}

int AlarmBoardModel::overdueCount() const
{
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    return int(std::count_if(m_alarms.cbegin(), m_alarms.cend(),
                             [now](const AlarmSummary &a) { return a.dueMs < now; }));
}

void AlarmBoardModel::refresh()
{
    assertGuiThread(this);
    if (!m_inspector)
        return;
    const RefreshTracker::Ticket ticket = m_reads.next();
    whenReady(
        m_inspector->alarms(), this,
        [this, ticket](const QList<AlarmSummary> &alarms) {
            if (!m_reads.isCurrent(ticket))
                return;
            setAlarms(alarms);
            emit refreshed();
        },
        [this](const Durable::Error &error) { emit errorOccurred(error); });
}

void AlarmBoardModel::setAlarms(QList<AlarmSummary> alarms)
{
    std::stable_sort(
        alarms.begin(), alarms.end(),
        [](const AlarmSummary &a, const AlarmSummary &b) { return a.dueMs < b.dueMs; });
    bool sameRows = alarms.size() == m_alarms.size();
    for (qsizetype i = 0; sameRows && i < alarms.size(); ++i)
        sameRows = alarms.at(i).id == m_alarms.at(i).id;
    if (sameRows) {
        // Same objects in the same order: keep the selection, update the values in place.
        m_alarms = std::move(alarms);
        if (!m_alarms.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_alarms.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_alarms = std::move(alarms);
    endResetModel();
}

void AlarmBoardModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    using Kind = ChangeEvent::Kind;
    for (const ChangeEvent &event : batch) {
        switch (event.kind) {
        case Kind::AlarmSet:
        case Kind::AlarmFired:
        case Kind::AlarmRetrying:
        case Kind::AlarmGivenUp:
        case Kind::ObjectQuarantined:
        case Kind::ClockChanged:
        case Kind::Overflow:
            if (!m_refreshLater->isActive())
                m_refreshLater->start();
            return;
        case Kind::TurnCompleted: {
            // An alarm turn, or an admin command (fire now, cancel, reset), may have deleted the
            // alarm, which has no event of its own.
            const QString trigger = event.detail.value(QStringLiteral("trigger")).toString();
            if (trigger == QLatin1String("alarm") || trigger.startsWith(QLatin1String("admin"))) {
                if (!m_refreshLater->isActive())
                    m_refreshLater->start();
                return;
            }
            break;
        }
        default:
            break;
        }
    }
}

void AlarmBoardModel::tick()
{
    if (!m_alarms.isEmpty())
        emit dataChanged(index(0, CountdownColumn),
                         index(int(m_alarms.size()) - 1, CountdownColumn),
                         {Qt::DisplayRole, OverdueRole});
}

} // namespace Durable::Ui
