// SPDX-License-Identifier: MIT
#include "inboxmodel.h"

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <durable/core/clock.h>
#include <durable/core/inspector.h>

#include <QTimer>

#include <algorithm>

namespace Durable::Ui {

namespace {

bool olderFirst(const HumanRequestInfo &a, const HumanRequestInfo &b)
{
    if (a.createdMs != b.createdMs)
        return a.createdMs < b.createdMs;
    return a.requestId < b.requestId;
}

bool sameRow(const HumanRequestInfo &a, const HumanRequestInfo &b)
{
    return a.title == b.title && a.objectName == b.objectName && a.className == b.className &&
           a.deadlineMs == b.deadlineMs && a.createdMs == b.createdMs;
}

} // namespace

InboxModel::InboxModel(Inspector *inspector, Clock *clock, QObject *parent)
    : QAbstractTableModel(parent), m_inbox(inspector->inbox()), m_clock(clock),
      m_tick(new QTimer(this)), m_refreshLater(new QTimer(this))
{
    if (inspector)
        connect(inspector, &Inspector::changesAvailable, this, &InboxModel::applyChanges);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &InboxModel::tick);
    m_tick->start();
    // Requests open and close in bursts (a clock jump expires many): one snapshot per burst.
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(100);
    connect(m_refreshLater, &QTimer::timeout, this, &InboxModel::refresh);
    if (clock)
        connect(clock, &Clock::timeJumped, this, &InboxModel::scheduleRefresh);
}

int InboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_requests.size());
}

int InboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const HumanRequestInfo &request = m_requests.at(index.row());
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ObjectColumn:
            return request.objectName.isEmpty() ? request.objectId.toString().left(16)
                                                : request.objectName;
        case ClassColumn:
            return request.className;
        case TitleColumn:
            return request.title;
        case AgeColumn:
            return agoText(request.createdMs, now);
        case DeadlineColumn:
            return countdownText(request.deadlineMs, now);
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case AgeColumn:
            return timeText(request.createdMs);
        case DeadlineColumn:
            return request.deadlineMs < 0 ? tr("No deadline") : timeText(request.deadlineMs);
        default:
            return QStringLiteral("%1\n%2").arg(request.requestId, request.objectId.toString());
        }
    case Qt::FontRole:
        if (index.column() == ObjectColumn && request.objectName.isEmpty())
            return monospaceFont();
        return {};
    case RequestIdRole:
        return request.requestId;
    case ObjectIdRole:
        return request.objectId.toString();
    case ClassRole:
        return request.className;
    case NameRole:
        return request.objectName;
    case CreatedRole:
        return request.createdMs;
    case DeadlineRole:
        return request.deadlineMs;
    case OverdueRole:
        return request.deadlineMs >= 0 && request.deadlineMs < now;
    }
    return {};
}

QVariant InboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ObjectColumn:
        return tr("Object");
    case ClassColumn:
        return tr("Class");
    case TitleColumn:
        return tr("Title");
    case AgeColumn:
        return tr("Age");
    case DeadlineColumn:
        return tr("Deadline");
    }
    return {};
}

QHash<int, QByteArray> InboxModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RequestIdRole, "requestId");
    names.insert(ObjectIdRole, "objectId");
    names.insert(ClassRole, "className");
    names.insert(NameRole, "name");
    names.insert(CreatedRole, "created");
    names.insert(DeadlineRole, "deadline");
    names.insert(OverdueRole, "overdue");
    return names;
}

HumanRequestInfo InboxModel::request(int row) const
{
    return row >= 0 && row < m_requests.size() ? m_requests.at(row) : HumanRequestInfo {};
}

int InboxModel::rowOf(const QString &requestId) const
{
    for (qsizetype i = 0; i < m_requests.size(); ++i) {
        if (m_requests.at(i).requestId == requestId)
            return int(i);
    }
    return -1;
}

void InboxModel::refresh()
{
    assertGuiThread(this);
    if (!m_reads.start())
        return; // once more when the read in flight is in
    auto finished = [this] {
        if (m_reads.finish())
            refresh();
    };
    whenReady(
        m_inbox.pending(), this,
        [this, finished](const QList<HumanRequestInfo> &requests) {
            setRequests(requests);
            emit refreshed();
            finished();
        },
        [this, finished](const Durable::Error &error) {
            emit errorOccurred(error);
            finished();
        });
}

void InboxModel::answer(const HumanRequestInfo &shown, const HumanResponse &response)
{
    assertGuiThread(this);
    // A copy: removing the row moves the view's current row, and shown may be the caller's
    // record of the request it shows, which then changes.
    const HumanRequestInfo request = shown;
    const QString requestId = request.requestId;
    const int row = rowOf(requestId);
    const QString title = request.title.isEmpty() ? requestId : request.title;
    m_answering.insert(requestId);
    if (row >= 0)
        removeRow(row);
    whenReady(
        m_inbox.answer(request, response), this,
        [this, requestId, title](const QJsonValue &result) {
            emit answered(requestId, title, result);
        },
        [this, requestId, title](const Durable::Error &error) {
            // Whatever the object still holds as pending comes back with the next snapshot.
            m_answering.remove(requestId);
            emit answerFailed(requestId, title, error);
            refresh();
        });
}

void InboxModel::removeRow(int row)
{
    beginRemoveRows({}, row, row);
    m_requests.removeAt(row);
    endRemoveRows();
}

void InboxModel::setRequests(QList<HumanRequestInfo> requests)
{
    // Requests answered here stay hidden until a snapshot no longer lists them.
    QSet<QString> listed;
    for (const HumanRequestInfo &request : std::as_const(requests))
        listed.insert(request.requestId);
    for (auto it = m_answering.begin(); it != m_answering.end();) {
        if (listed.contains(*it))
            ++it;
        else
            it = m_answering.erase(it);
    }
    requests.removeIf([this](const HumanRequestInfo &request) {
        return m_answering.contains(request.requestId);
    });
    std::stable_sort(requests.begin(), requests.end(), olderFirst);
    QSet<QString> wanted;
    for (const HumanRequestInfo &request : std::as_const(requests))
        wanted.insert(request.requestId);

    // Drop the rows that left, one contiguous range at a time (from the end, so rows stay put).
    for (int last = int(m_requests.size()) - 1; last >= 0;) {
        if (wanted.contains(m_requests.at(last).requestId)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !wanted.contains(m_requests.at(first - 1).requestId))
            --first;
        beginRemoveRows({}, first, last);
        m_requests.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    // What is left is in the new list, in the same order, unless a request's creation time
    // changed under us; then only a reset is honest.
    qsizetype k = 0;
    for (const HumanRequestInfo &request : std::as_const(requests)) {
        if (k < m_requests.size() && m_requests.at(k).requestId == request.requestId)
            ++k;
    }
    if (k != m_requests.size()) {
        beginResetModel();
        m_requests = std::move(requests);
        endResetModel();
        return;
    }

    // Merge: update the rows we have, insert each run of new ones where it belongs.
    int row = 0;
    qsizetype next = 0;
    while (next < requests.size()) {
        if (row < m_requests.size() &&
            m_requests.at(row).requestId == requests.at(next).requestId) {
            const bool changed = !sameRow(m_requests.at(row), requests.at(next));
            m_requests[row] = requests.at(next);
            if (changed)
                emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            ++row;
            ++next;
            continue;
        }
        const QString stopAt = row < m_requests.size() ? m_requests.at(row).requestId : QString();
        qsizetype end = next;
        while (end < requests.size() && requests.at(end).requestId != stopAt)
            ++end;
        const int count = int(end - next);
        beginInsertRows({}, row, row + count - 1);
        for (qsizetype i = next; i < end; ++i)
            m_requests.insert(row + (i - next), requests.at(i));
        endInsertRows();
        row += count;
        next = end;
    }
}

void InboxModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    using Kind = ChangeEvent::Kind;
    for (const ChangeEvent &event : batch) {
        switch (event.kind) {
        case Kind::HumanRequestOpened:
        case Kind::HumanRequestAnswered:
        case Kind::ObjectQuarantined:
        case Kind::ClockChanged:
        case Kind::Overflow:
            scheduleRefresh();
            return;
        default:
            break;
        }
    }
}

void InboxModel::scheduleRefresh()
{
    if (!m_refreshLater->isActive())
        m_refreshLater->start();
}

void InboxModel::tick()
{
    if (!m_requests.isEmpty())
        emit dataChanged(index(0, AgeColumn), index(int(m_requests.size()) - 1, DeadlineColumn),
                         {Qt::DisplayRole, OverdueRole});
}

} // namespace Durable::Ui
