// SPDX-License-Identifier: MIT
#include "objectlistmodel.h"

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <durable/core/clock.h>
#include <durable/core/inspector.h>

#include <QSet>
#include <QTimer>

#include <algorithm>
#include <climits>
#include <numeric>

namespace Durable::Ui {

namespace {

// While sorting needs every row, pages are bigger: fewer round trips to the catalog.
constexpr int SortChunkSize = 20000;

void applyEvent(ObjectSummary &row, const ChangeEvent &event)
{
    using Kind = ChangeEvent::Kind;
    switch (event.kind) {
    case Kind::ObjectCreated:
        if (row.createdMs <= 0)
            row.createdMs = event.atMs;
        row.lastActiveMs = event.atMs;
        row.status = ObjectStatus::Active;
        break;
    case Kind::ObjectActivated:
        row.status = ObjectStatus::Active;
        break;
    case Kind::ObjectEvicted:
        row.status = ObjectStatus::Hibernated;
        row.queueDepth = 0;
        break;
    case Kind::TurnCompleted:
        row.lastActiveMs = event.atMs;
        if (event.detail.value(QStringLiteral("trigger")).toString() == QLatin1String("alarm") &&
            event.detail.value(QStringLiteral("ok")).toBool() && row.nextAlarmMs >= 0 &&
            row.nextAlarmMs <= event.atMs)
            row.nextAlarmMs = -1; // the alarm ran; deleting an alarm has no feed event of its own
        if (row.status == ObjectStatus::Active || row.status == ObjectStatus::Hibernated) {
            row.queueDepth = event.detail.value(QStringLiteral("queueDepth")).toInt(0);
            row.status = row.queueDepth > 0 ? ObjectStatus::Active : ObjectStatus::Idle;
        }
        break;
    case Kind::StateChanged:
        if (event.detail.contains(QStringLiteral("step")))
            row.step = event.detail.value(QStringLiteral("step")).toString();
        break;
    case Kind::AlarmSet:
    case Kind::AlarmRetrying: {
        const qint64 due = qint64(event.detail.value(QStringLiteral("dueMs")).toDouble(-1));
        row.nextAlarmMs = due >= 0 ? due : -1;
        break;
    }
    case Kind::AlarmFired:
        // The feed reports a re-armed alarm (AlarmSet) before the turn's AlarmFired: only an
        // alarm that is due now is the one that fired.
        if (row.nextAlarmMs >= 0 && row.nextAlarmMs <= event.atMs)
            row.nextAlarmMs = -1;
        row.lastActiveMs = event.atMs;
        break;
    case Kind::AlarmGivenUp:
        row.nextAlarmMs = -1;
        row.status = ObjectStatus::Failed;
        break;
    case Kind::ObjectQuarantined:
        row.status = ObjectStatus::Quarantined;
        break;
    case Kind::HumanRequestOpened:
        ++row.pendingHumanRequests;
        break;
    case Kind::HumanRequestAnswered:
        row.pendingHumanRequests = std::max(0, row.pendingHumanRequests - 1);
        break;
    case Kind::ClockChanged:
    case Kind::ModelDelta:
    case Kind::ConnectionMessage:
    case Kind::Overflow:
        break;
    }
}

// The columns an event can change, as [first, last].
std::pair<int, int> columnsTouched(ChangeEvent::Kind kind)
{
    using Kind = ChangeEvent::Kind;
    using C = ObjectListModel::Column;
    switch (kind) {
    case Kind::StateChanged:
        return {C::StepColumn, C::StepColumn};
    case Kind::AlarmSet:
    case Kind::AlarmRetrying:
        return {C::NextAlarmColumn, C::NextAlarmColumn};
    case Kind::AlarmFired:
        return {C::NextAlarmColumn, C::LastActiveColumn};
    case Kind::AlarmGivenUp:
        return {C::StatusColumn, C::NextAlarmColumn};
    case Kind::HumanRequestOpened:
    case Kind::HumanRequestAnswered:
        return {C::PendingColumn, C::PendingColumn};
    case Kind::TurnCompleted:
    case Kind::ObjectCreated:
        return {C::StatusColumn, C::LastActiveColumn};
    default:
        return {C::StatusColumn, C::StatusColumn};
    }
}

} // namespace

ObjectListModel::ObjectListModel(Inspector *inspector, Clock *clock, QObject *parent)
    : QAbstractTableModel(parent), m_inspector(inspector), m_clock(clock), m_tick(new QTimer(this))
{
    connect(inspector, &Inspector::changesAvailable, this, &ObjectListModel::applyChanges);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &ObjectListModel::tick);
    m_tick->start();
    if (clock)
        connect(clock, &Clock::timeJumped, this, &ObjectListModel::tick);
}

ObjectListModel::~ObjectListModel() = default;

int ObjectListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ObjectListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ObjectListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ObjectSummary &row = m_rows[size_t(index.row())];
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return row.displayName();
        case ClassColumn:
            return row.className;
        case StatusColumn:
            return objectStatusName(row.status);
        case StepColumn:
            return row.step;
        case NextAlarmColumn:
            return countdownText(row.nextAlarmMs, now);
        case PendingColumn:
            return row.pendingHumanRequests > 0 ? QVariant(row.pendingHumanRequests) : QVariant();
        case LastActiveColumn:
            return agoText(row.lastActiveMs, now);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == NameColumn)
            return row.id.toString();
        if (index.column() == NextAlarmColumn)
            return timeText(row.nextAlarmMs);
        if (index.column() == LastActiveColumn)
            return timeText(row.lastActiveMs);
        return {};
    case Qt::FontRole:
        if (index.column() == NameColumn && row.name.isEmpty())
            return monospaceFont();
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == PendingColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case NameRole:
        return row.name;
    case IdRole:
        return row.id.toString();
    case ClassRole:
        return row.className;
    case StatusRole:
        return int(row.status);
    case StepRole:
        return row.step;
    case NextAlarmRole:
        return row.nextAlarmMs;
    case PendingRole:
        return row.pendingHumanRequests;
    case LastActiveRole:
        return row.lastActiveMs;
    case OverdueRole:
        return index.column() == NextAlarmColumn && row.nextAlarmMs >= 0 && row.nextAlarmMs < now;
    case SummaryRole:
        return QVariant::fromValue(row);
    }
    return {};
}

QVariant ObjectListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Object");
    case ClassColumn:
        return tr("Class");
    case StatusColumn:
        return tr("Status");
    case StepColumn:
        return tr("Step");
    case NextAlarmColumn:
        return tr("Next alarm");
    case PendingColumn:
        return tr("Asks");
    case LastActiveColumn:
        return tr("Last activity");
    }
    return {};
}

QHash<int, QByteArray> ObjectListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(IdRole, "objectId");
    names.insert(ClassRole, "className");
    names.insert(StatusRole, "status");
    names.insert(StepRole, "step");
    names.insert(NextAlarmRole, "nextAlarm");
    names.insert(PendingRole, "pending");
    names.insert(LastActiveRole, "lastActive");
    names.insert(OverdueRole, "overdue");
    names.insert(SummaryRole, "summary");
    return names;
}

bool ObjectListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_complete && !m_fetching && m_inspector;
}

void ObjectListModel::fetchMore(const QModelIndex &parent)
{
    assertGuiThread(this);
    if (canFetchMore(parent))
        requestChunk();
}

void ObjectListModel::requestChunk()
{
    if (!m_inspector || m_fetching || m_complete)
        return;
    ObjectQuery query = m_query;
    query.offset = m_serverOffset;
    query.limit = m_sortColumn >= 0 ? std::max(m_chunkSize, SortChunkSize) : m_chunkSize;
    setFetching(true);
    const RefreshTracker::Ticket ticket = m_reads.current();
    const int limit = query.limit;
    whenReady(
        m_inspector->objects(query), this,
        [this, ticket, limit](const QList<ObjectSummary> &chunk) {
            chunkArrived(ticket, limit, chunk);
        },
        [this, ticket](const Durable::Error &error) {
            if (!m_reads.isCurrent(ticket))
                return;
            setFetching(false);
            m_complete = true; // stop asking; reload() starts over
            emit errorOccurred(error);
        });
}

void ObjectListModel::chunkArrived(RefreshTracker::Ticket ticket, int limit,
                                   const QList<ObjectSummary> &chunk)
{
    if (!m_reads.isCurrent(ticket))
        return; // a reload happened meanwhile
    m_serverOffset += int(chunk.size());
    m_complete = chunk.size() < limit;
    // The feed may already have added some of these (created while we were paging).
    QList<const ObjectSummary *> fresh;
    fresh.reserve(chunk.size());
    for (const ObjectSummary &summary : chunk) {
        if (!m_index.contains(summary.id))
            fresh.append(&summary);
    }
    if (!fresh.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const ObjectSummary *summary : std::as_const(fresh)) {
            m_index.insert(summary->id, int(m_rows.size()));
            m_rows.push_back(*summary);
        }
        endInsertRows();
    }
    setFetching(false);
    if (m_sortColumn >= 0) {
        if (!m_complete)
            requestChunk(); // sorting needs all of them
        else
            sortRows();
    }
}

void ObjectListModel::reload()
{
    assertGuiThread(this);
    m_reads.invalidate();
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    m_serverOffset = 0;
    m_complete = false;
    m_fetching = false;
    endResetModel();
    requestChunk();
}

void ObjectListModel::setClassFilter(const QString &className)
{
    assertGuiThread(this);
    if (m_query.className == className)
        return;
    m_query.className = className;
    reload();
}

void ObjectListModel::setTextFilter(const QString &text)
{
    assertGuiThread(this);
    if (m_query.text == text)
        return;
    m_query.text = text;
    reload();
}

void ObjectListModel::setStatusFilter(const QList<ObjectStatus> &statuses)
{
    assertGuiThread(this);
    if (m_query.statuses == statuses)
        return;
    m_query.statuses = statuses;
    reload();
}

void ObjectListModel::setChunkSize(int rows)
{
    assertGuiThread(this);
    m_chunkSize = std::max(1, rows);
}

ObjectSummary ObjectListModel::summary(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return {};
    return m_rows[size_t(row)];
}

bool ObjectListModel::matches(const ObjectSummary &summary) const
{
    if (!m_query.className.isEmpty() && summary.className != m_query.className)
        return false;
    if (!m_query.statuses.isEmpty() && !m_query.statuses.contains(summary.status))
        return false;
    if (!m_query.text.isEmpty() && !summary.name.contains(m_query.text, Qt::CaseInsensitive) &&
        !summary.id.toString().contains(m_query.text, Qt::CaseInsensitive))
        return false;
    return true;
}

void ObjectListModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    int firstRow = INT_MAX, lastRow = -1, firstColumn = INT_MAX, lastColumn = -1;
    QList<ObjectSummary> added;
    QHash<ObjectId, int> addedIndex;
    // A turn can move the step or the open human requests without an event saying so (a step
    // change alone publishes nothing): re-read those objects' summaries, once per batch.
    QList<ObjectId> turned;
    QSet<ObjectId> turnedSeen;
    for (const ChangeEvent &event : batch) {
        if (event.kind == ChangeEvent::Kind::TurnCompleted && !event.id.isNull() &&
            !turnedSeen.contains(event.id)) {
            turnedSeen.insert(event.id);
            turned.append(event.id);
        }
        if (event.kind == ChangeEvent::Kind::Overflow) {
            reload(); // events were dropped: only a fresh snapshot is right
            return;
        }
        if (event.kind == ChangeEvent::Kind::ClockChanged ||
            event.kind == ChangeEvent::Kind::ModelDelta ||
            event.kind == ChangeEvent::Kind::ConnectionMessage || event.id.isNull())
            continue;
        const int row = m_index.value(event.id, -1);
        if (row >= 0) {
            applyEvent(m_rows[size_t(row)], event);
            const auto [c0, c1] = columnsTouched(event.kind);
            firstRow = std::min(firstRow, row);
            lastRow = std::max(lastRow, row);
            firstColumn = std::min(firstColumn, c0);
            lastColumn = std::max(lastColumn, c1);
            continue;
        }
        const int pending = addedIndex.value(event.id, -1);
        if (pending >= 0) {
            applyEvent(added[pending], event);
            continue;
        }
        // Unknown object: new for sure when created; otherwise only once every page is loaded
        // (before that it may still arrive with a later page).
        if (event.kind != ChangeEvent::Kind::ObjectCreated && !m_complete)
            continue;
        ObjectSummary summary;
        summary.id = event.id;
        summary.className = event.className;
        summary.name = event.name;
        summary.createdMs = event.atMs;
        summary.status = ObjectStatus::Active;
        applyEvent(summary, event);
        if (!matches(summary))
            continue;
        addedIndex.insert(summary.id, int(added.size()));
        added.append(summary);
    }
    if (lastRow >= 0)
        emit dataChanged(index(firstRow, firstColumn), index(lastRow, lastColumn));
    if (!added.isEmpty())
        appendRows(added);
    rereadTurned(turned);
}

void ObjectListModel::appendRows(const QList<ObjectSummary> &added)
{
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    for (const ObjectSummary &summary : added) {
        m_index.insert(summary.id, int(m_rows.size()));
        m_rows.push_back(summary);
    }
    endInsertRows();
    // Rows already on screen keep their place while they change; new ones join in order.
    if (m_sortColumn >= 0 && m_complete)
        sortRows();
}

void ObjectListModel::rereadTurned(const QList<ObjectId> &turned)
{
    if (!m_inspector || turned.isEmpty())
        return;
    QList<ObjectId> changed;
    for (const ObjectId &id : turned) {
        if (m_index.contains(id))
            changed.append(id);
    }
    if (changed.isEmpty())
        return;
    const RefreshTracker::Ticket ticket = m_reads.current();
    // One query for the whole batch (not a future per object joined with whenAll, which also
    // crashed in Qt 6.4 when the futures finished on several threads at once).
    whenReady(
        m_inspector->objectsById(changed), this,
        [this, ticket](const QList<ObjectSummary> &freshRows) {
            if (m_reads.isCurrent(ticket)) // else a reload read everything afresh
                showReread(freshRows);
        },
        [this, ticket](const Durable::Error &error) {
            if (m_reads.isCurrent(ticket))
                emit errorOccurred(error);
        });
}

void ObjectListModel::showReread(const QList<ObjectSummary> &freshRows)
{
    int stepFirst = INT_MAX, stepLast = -1, pendingFirst = INT_MAX, pendingLast = -1;
    for (const ObjectSummary &fresh : freshRows) {
        const int row = m_index.value(fresh.id, -1); // rows may have moved meanwhile
        if (row < 0)
            continue;
        ObjectSummary &summary = m_rows[size_t(row)];
        if (summary.step != fresh.step) {
            summary.step = fresh.step;
            stepFirst = std::min(stepFirst, row);
            stepLast = std::max(stepLast, row);
        }
        if (summary.pendingHumanRequests != fresh.pendingHumanRequests) {
            summary.pendingHumanRequests = fresh.pendingHumanRequests;
            pendingFirst = std::min(pendingFirst, row);
            pendingLast = std::max(pendingLast, row);
        }
    }
    if (stepLast >= 0)
        emit dataChanged(index(stepFirst, StepColumn), index(stepLast, StepColumn),
                         {Qt::DisplayRole, StepRole, SummaryRole});
    if (pendingLast >= 0)
        emit dataChanged(index(pendingFirst, PendingColumn), index(pendingLast, PendingColumn),
                         {Qt::DisplayRole, PendingRole, SummaryRole});
}

bool ObjectListModel::lessThan(const ObjectSummary &a, const ObjectSummary &b) const
{
    switch (m_sortColumn) {
    case NameColumn:
        return a.displayName().compare(b.displayName(), Qt::CaseInsensitive) < 0;
    case ClassColumn:
        return a.className < b.className;
    case StatusColumn:
        return int(a.status) < int(b.status);
    case StepColumn:
        return a.step < b.step;
    case NextAlarmColumn: {
        // Objects without an alarm go last.
        const quint64 x = quint64(a.nextAlarmMs), y = quint64(b.nextAlarmMs);
        return x < y;
    }
    case PendingColumn:
        return a.pendingHumanRequests < b.pendingHumanRequests;
    case LastActiveColumn:
        return a.lastActiveMs < b.lastActiveMs;
    }
    return false;
}

void ObjectListModel::sort(int column, Qt::SortOrder order)
{
    assertGuiThread(this);
    if (column < 0 || column >= ColumnCount) {
        m_sortColumn = -1;
        return;
    }
    m_sortColumn = column;
    m_sortOrder = order;
    if (!m_complete) {
        if (!m_fetching)
            requestChunk(); // sortRows() runs once the last page is in
        return;
    }
    sortRows();
}

void ObjectListModel::sortRows()
{
    if (m_sortColumn < 0 || m_rows.size() < 2)
        return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    std::vector<int> order(m_rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
        return m_sortOrder == Qt::AscendingOrder ? lessThan(m_rows[size_t(a)], m_rows[size_t(b)])
                                                 : lessThan(m_rows[size_t(b)], m_rows[size_t(a)]);
    });
    std::vector<ObjectSummary> sorted;
    sorted.reserve(m_rows.size());
    std::vector<int> newRowOf(m_rows.size());
    for (size_t i = 0; i < order.size(); ++i) {
        newRowOf[size_t(order[i])] = int(i);
        sorted.push_back(std::move(m_rows[size_t(order[i])]));
    }
    m_rows = std::move(sorted);
    rebuildIndex();
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex &index : before)
        after.append(this->index(newRowOf[size_t(index.row())], index.column()));
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void ObjectListModel::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(qsizetype(m_rows.size()));
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_index.insert(m_rows[i].id, int(i));
}

void ObjectListModel::tick()
{
    // Countdowns and "ago" texts move with the clock: one signal for the three time columns.
    if (!m_rows.empty())
        emit dataChanged(index(0, NextAlarmColumn), index(int(m_rows.size()) - 1, LastActiveColumn),
                         {Qt::DisplayRole, Qt::ToolTipRole, OverdueRole});
}

void ObjectListModel::setFetching(bool fetching)
{
    if (m_fetching == fetching)
        return;
    m_fetching = fetching;
    emit loadingChanged(fetching);
}

} // namespace Durable::Ui
