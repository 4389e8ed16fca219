// SPDX-License-Identifier: MIT
#include "workflowboardmodel.h"

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <QColor>
#include <QFuture>
#include <QTimer>
#include <algorithm>
#include <durable/core/clock.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>

namespace Durable::Ui {

WorkflowBoardModel::WorkflowBoardModel(Engine *engine, Inspector *inspector, Clock *clock,
                                       QObject *parent)
    : QAbstractTableModel(parent), m_engine(engine), m_inspector(inspector),
      m_refreshLater(new QTimer(this))
{
    // Reading a large class costs a pass over its catalog rows: at most two a second.
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(500);
    connect(m_refreshLater, &QTimer::timeout, this, &WorkflowBoardModel::refresh);
    if (inspector)
        connect(inspector, &Inspector::changesAvailable, this, &WorkflowBoardModel::applyChanges);
    if (clock)
        connect(clock, &Clock::timeJumped, this, &WorkflowBoardModel::scheduleRefresh);
}

int WorkflowBoardModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int WorkflowBoardModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_steps.size());
}

int WorkflowBoardModel::rowsFor(const QString &step) const
{
    const qsizetype listed = m_listed.value(step).size();
    return int(listed) + (m_counts.value(step) > listed ? 1 : 0);
}

QVariant WorkflowBoardModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &step = m_steps.at(index.column());
    const qint64 count = m_counts.value(step);
    if (role == StepRole)
        return step;
    if (role == CountRole)
        return count;
    const QList<ObjectSummary> &listed = m_listed[step];
    if (index.row() < listed.size()) {
        const ObjectSummary &object = listed.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
            return object.displayName();
        case Qt::ToolTipRole:
            return tr("%1/%2 — %3, step “%4”\nClick to inspect")
                .arg(object.className, object.displayName(), objectStatusName(object.status), step);
        case ObjectIdRole:
            return QVariant::fromValue(object.id);
        case ClassNameRole:
            return object.className;
        case StatusRole:
            return int(object.status);
        }
        return {};
    }
    const qint64 more = count - listed.size();
    if (index.row() == listed.size() && more > 0) {
        switch (role) {
        case Qt::DisplayRole:
            return tr("+%1 more").arg(more);
        case Qt::ToolTipRole:
            return tr("%1 objects are in “%2”; the first %3 are listed. Filter the object browser "
                      "to find the others.")
                .arg(count)
                .arg(step)
                .arg(listed.size());
        case Qt::ForegroundRole:
            return QColor(0x6b, 0x72, 0x80);
        case MoreRole:
            return more;
        }
    }
    return {};
}

QVariant WorkflowBoardModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= m_steps.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    const QString &step = m_steps.at(section);
    const qint64 count = m_counts.value(step);
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1\n%n object(s)", nullptr, int(std::min<qint64>(count, INT_MAX))).arg(step);
    case Qt::ToolTipRole:
        return m_declaredSteps.contains(step)
                   ? tr("%n object(s) in step “%1”", nullptr, int(count)).arg(step)
                   : tr("%n object(s) in step “%1”, which %2 does not declare", nullptr, int(count))
                         .arg(step, m_className);
    case StepRole:
        return step;
    case CountRole:
        return count;
    }
    return {};
}

Qt::ItemFlags WorkflowBoardModel::flags(const QModelIndex &index) const
{
    // Views ask for the root's flags: that is no misuse.
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    const QString &step = m_steps.at(index.column());
    const qsizetype listed = m_listed.value(step).size();
    if (index.row() < listed)
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.row() < rowsFor(step))
        return Qt::ItemIsEnabled; // "+N more"
    return Qt::NoItemFlags;
}

void WorkflowBoardModel::setClass(const QString &className, const QStringList &declaredSteps)
{
    assertGuiThread(this);
    if (className == m_className && declaredSteps == m_declaredSteps)
        return;
    m_reads.invalidate();
    m_refreshLater->stop();
    beginResetModel();
    m_className = className;
    m_declaredSteps = declaredSteps;
    m_steps = declaredSteps;
    m_counts.clear();
    m_listed.clear();
    m_rows = 0;
    endResetModel();
    refresh();
}

void WorkflowBoardModel::setListLimit(int objects)
{
    m_listLimit = std::max(1, objects);
}

void WorkflowBoardModel::setRefreshDelay(int ms)
{
    m_refreshLater->setInterval(std::max(0, ms));
}

void WorkflowBoardModel::setLive(bool live)
{
    assertGuiThread(this);
    m_live = live;
    if (live && m_stale)
        scheduleRefresh();
}

WorkflowBoardModel::Snapshot WorkflowBoardModel::group(const QList<ObjectSummary> &objects,
                                                       int limit)
{
    // Counts and lists come from the same read, so a column never counts an object it does not
    // list (or the other way round) while a turn moves it between two reads.
    Snapshot snapshot;
    for (const ObjectSummary &object : objects) {
        if (object.step.isEmpty())
            continue;
        ++snapshot.counts[object.step];
        QList<ObjectSummary> &column = snapshot.listed[object.step];
        if (column.size() < limit)
            column.append(object);
    }
    return snapshot;
}

void WorkflowBoardModel::refresh()
{
    assertGuiThread(this);
    m_stale = false;
    if (m_className.isEmpty() || !m_inspector || !m_engine) {
        emit loaded();
        return;
    }
    const std::optional<RefreshTracker::Ticket> started = m_reads.start();
    if (!started)
        return; // once more when the read in flight is in
    const int limit = m_listLimit;
    ObjectQuery query;
    query.className = m_className;
    // Grouped on the query thread that read them (Sync: never Qt's global pool, which the
    // raster painter waits on): only the listed objects reach the GUI thread.
    QFuture<Snapshot> grouped = m_inspector->objects(query).then(
        QtFuture::Launch::Sync,
        [limit](const QList<ObjectSummary> &objects) { return group(objects, limit); });
    whenReady(
        grouped, this,
        [this, ticket = *started](const Snapshot &snapshot) {
            if (!m_reads.isCurrent(ticket))
                return;
            const bool again = m_reads.finish();
            apply(snapshot);
            emit loaded();
            if (again)
                scheduleRefresh();
        },
        [this, ticket = *started](const Durable::Error &error) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_reads.finish(); // a refresh asked for meanwhile is dropped with the error
            emit errorOccurred(error);
            emit loaded();
        });
}

void WorkflowBoardModel::apply(const Snapshot &snapshot)
{
    // Declared steps first, in order; steps objects report without declaring them after those.
    QStringList steps = m_declaredSteps;
    QStringList undeclared;
    for (auto it = snapshot.counts.cbegin(); it != snapshot.counts.cend(); ++it)
        if (!steps.contains(it.key()) && it.value() > 0)
            undeclared.append(it.key());
    std::sort(undeclared.begin(), undeclared.end());
    steps += undeclared;

    if (steps != m_steps) {
        beginResetModel();
        m_steps = steps;
        m_counts = snapshot.counts;
        m_listed = snapshot.listed;
        m_rows = 0;
        for (const QString &step : std::as_const(m_steps))
            m_rows = std::max(m_rows, rowsFor(step));
        endResetModel();
        return;
    }
    int rows = 0;
    for (const QString &step : std::as_const(m_steps)) {
        const qsizetype listed = snapshot.listed.value(step).size();
        rows = std::max(rows, int(listed) + (snapshot.counts.value(step) > listed ? 1 : 0));
    }
    if (rows < m_rows) {
        beginRemoveRows({}, rows, m_rows - 1);
        m_counts = snapshot.counts;
        m_listed = snapshot.listed;
        m_rows = rows;
        endRemoveRows();
    } else if (rows > m_rows) {
        beginInsertRows({}, m_rows, rows - 1);
        m_counts = snapshot.counts;
        m_listed = snapshot.listed;
        m_rows = rows;
        endInsertRows();
    } else {
        m_counts = snapshot.counts;
        m_listed = snapshot.listed;
    }
    if (m_rows > 0 && !m_steps.isEmpty())
        emit dataChanged(index(0, 0), index(m_rows - 1, int(m_steps.size()) - 1));
    if (!m_steps.isEmpty())
        emit headerDataChanged(Qt::Horizontal, 0, int(m_steps.size()) - 1);
}

void WorkflowBoardModel::scheduleRefresh()
{
    if (m_className.isEmpty())
        return;
    if (!m_live) {
        m_stale = true;
        return;
    }
    if (!m_refreshLater->isActive())
        m_refreshLater->start();
}

void WorkflowBoardModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    if (m_className.isEmpty())
        return;
    using Kind = ChangeEvent::Kind;
    for (const ChangeEvent &event : batch) {
        const bool ours = event.className == m_className &&
                          (event.kind == Kind::TurnCompleted || event.kind == Kind::StateChanged ||
                           event.kind == Kind::ObjectCreated || event.kind == Kind::ObjectEvicted ||
                           event.kind == Kind::ObjectActivated);
        if (ours || event.kind == Kind::Overflow) {
            scheduleRefresh();
            return;
        }
    }
}

} // namespace Durable::Ui
