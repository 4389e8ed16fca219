// SPDX-License-Identifier: MIT
#include "journalmodel.h"

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <durable/core/duration.h>
#include <durable/core/inspector.h>

#include <QColor>
#include <QTimer>

#include <algorithm>

namespace Durable::Ui {

JournalModel::JournalModel(Inspector *inspector, QObject *parent)
    : QAbstractTableModel(parent), m_inspector(inspector), m_refreshLater(new QTimer(this))
{
    // A busy object completes many turns a second: read the newest ones at most every 100 ms.
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(100);
    connect(m_refreshLater, &QTimer::timeout, this, &JournalModel::refreshNewest);
    if (inspector)
        connect(inspector, &Inspector::changesAvailable, this, &JournalModel::applyChanges);
}

int JournalModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JournalModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JournalModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    if (row.failed)
        return failureData(row.failure, index.column(), role);
    const JournalEntry &entry = row.entry;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn:
            return entry.seq;
        case TimeColumn:
            return timeText(entry.atMs);
        case TriggerColumn:
            return entry.trigger;
        case MethodColumn:
            return entry.method;
        case DurationColumn:
            return Duration::describeMicros(entry.durationUs);
        case ResultColumn:
            return entry.output.isUndefined() ? QString() : jsonPreview(entry.output);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ResultColumn && !entry.output.isUndefined())
            return jsonPreview(entry.output, 2000);
        if (index.column() == MethodColumn && !entry.input.isUndefined())
            return tr("Input: %1").arg(jsonPreview(entry.input, 2000));
        return {};
    case Qt::FontRole:
        if (index.column() == SeqColumn || index.column() == ResultColumn)
            return monospaceFont();
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn || index.column() == DurationColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SeqRole:
        return entry.seq;
    case AtRole:
        return entry.atMs;
    case TriggerRole:
        return entry.trigger;
    case MethodRole:
        return entry.method;
    case DurationRole:
        return entry.durationUs;
    case OutputRole:
        return QVariant::fromValue(entry.output);
    case ChangesRole:
        return QVariant::fromValue(entry.changes);
    case FailedRole:
        return false;
    }
    return {};
}

QVariant JournalModel::failureData(const TurnFailure &failure, int column, int role)
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SeqColumn:
            return tr("failed");
        case TimeColumn:
            return timeText(failure.atMs);
        case TriggerColumn:
            return failure.trigger;
        case MethodColumn:
            return failure.method;
        case DurationColumn:
            return Duration::describeMicros(failure.durationUs);
        case ResultColumn:
            return tr("Failed: %1").arg(failure.error);
        }
        return {};
    case Qt::ToolTipRole:
        if (column == MethodColumn && !failure.input.isUndefined())
            return tr("Input: %1").arg(jsonPreview(failure.input, 2000));
        return tr("Failed after turn %1 and rolled back (nothing it wrote was kept):\n%2")
            .arg(failure.afterSeq)
            .arg(failure.error);
    case Qt::ForegroundRole:
        if (column == SeqColumn || column == ResultColumn)
            return QColor(0xb0, 0x1e, 0x1e);
        return {};
    case Qt::TextAlignmentRole:
        if (column == SeqColumn || column == DurationColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case AtRole:
        return failure.atMs;
    case TriggerRole:
        return failure.trigger;
    case MethodRole:
        return failure.method;
    case DurationRole:
        return failure.durationUs;
    case FailedRole:
        return true;
    case ErrorRole:
        return failure.error;
    case AfterSeqRole:
        return failure.afterSeq;
    }
    return {};
}

QVariant JournalModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn:
        return tr("Turn");
    case TimeColumn:
        return tr("Time (UTC)");
    case TriggerColumn:
        return tr("Trigger");
    case MethodColumn:
        return tr("Method");
    case DurationColumn:
        return tr("Duration");
    case ResultColumn:
        return tr("Result or error");
    }
    return {};
}

QHash<int, QByteArray> JournalModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SeqRole, "seq");
    names.insert(AtRole, "at");
    names.insert(TriggerRole, "trigger");
    names.insert(MethodRole, "method");
    names.insert(DurationRole, "duration");
    names.insert(OutputRole, "output");
    names.insert(ChangesRole, "changes");
    names.insert(FailedRole, "failed");
    names.insert(ErrorRole, "error");
    names.insert(AfterSeqRole, "afterSeq");
    return names;
}

bool JournalModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_complete && !m_fetching && m_inspector;
}

void JournalModel::fetchMore(const QModelIndex &parent)
{
    assertGuiThread(this);
    if (canFetchMore(parent))
        requestPage();
}

void JournalModel::setObject(const QString &className, const ObjectId &id)
{
    assertGuiThread(this);
    m_className = className;
    m_id = id;
    reload();
}

void JournalModel::setRefreshDelay(int ms)
{
    m_refreshLater->setInterval(std::max(0, ms));
}

JournalEntry JournalModel::entry(int row) const
{
    if (row < 0 || row >= int(m_rows.size()) || m_rows.at(row).failed)
        return {};
    return m_rows.at(row).entry;
}

bool JournalModel::isFailure(int row) const
{
    return row >= 0 && row < int(m_rows.size()) && m_rows.at(row).failed;
}

TurnFailure JournalModel::failure(int row) const
{
    return isFailure(row) ? m_rows.at(row).failure : TurnFailure();
}

JournalModel::Key JournalModel::keyOf(const Row &row)
{
    return row.failed ? Key {row.failure.afterSeq, 1, row.failure.id} : Key {row.entry.seq, 0, 0};
}

JournalModel::Row JournalModel::entryRow(const JournalEntry &entry)
{
    Row row;
    row.entry = entry;
    return row;
}

JournalModel::Row JournalModel::failureRow(const TurnFailure &failure)
{
    Row row;
    row.failure = failure;
    row.failed = true;
    return row;
}

namespace {

// The first row whose key is not newer than key (rows are newest first).
template<typename Rows, typename Key, typename KeyOf>
qsizetype positionOf(const Rows &rows, const Key &key, KeyOf keyOf)
{
    const auto it = std::lower_bound(
        rows.cbegin(), rows.cend(), key,
        [&keyOf](const auto &row, const Key &k) { return keyOf(row) > k; });
    return it - rows.cbegin();
}

} // namespace

int JournalModel::rowOfSeq(qint64 seq) const
{
    const Key key {seq, 0, 0};
    const qsizetype at = positionOf(m_rows, key, &JournalModel::keyOf);
    return at < m_rows.size() && keyOf(m_rows.at(at)) == key ? int(at) : -1;
}

int JournalModel::rowOfFailure(qint64 failureId) const
{
    for (int row = 0; row < int(m_rows.size()); ++row)
        if (m_rows.at(row).failed && m_rows.at(row).failure.id == failureId)
            return row;
    return -1;
}

qint64 JournalModel::newestSeq() const
{
    for (const Row &row : m_rows)
        if (!row.failed)
            return row.entry.seq;
    return -1;
}

qint64 JournalModel::oldestSeq() const
{
    for (auto it = m_rows.crbegin(); it != m_rows.crend(); ++it)
        if (!it->failed)
            return it->entry.seq;
    return -1;
}

void JournalModel::insertSorted(QList<Row> rows)
{
    std::sort(rows.begin(), rows.end(),
              [](const Row &a, const Row &b) { return keyOf(a) > keyOf(b); });
    qsizetype i = 0;
    while (i < rows.size()) {
        const Key key = keyOf(rows.at(i));
        const qsizetype at = positionOf(m_rows, key, &JournalModel::keyOf);
        if (at < m_rows.size() && keyOf(m_rows.at(at)) == key) {
            ++i; // shown already
            continue;
        }
        // Every following new row that also sorts before m_rows[at] goes in the same run.
        qsizetype end = i + 1;
        while (end < rows.size() && keyOf(rows.at(end)) < keyOf(rows.at(end - 1)) &&
               (at == m_rows.size() || keyOf(rows.at(end)) > keyOf(m_rows.at(at))))
            ++end;
        beginInsertRows({}, int(at), int(at + (end - i)) - 1);
        for (qsizetype k = i; k < end; ++k)
            m_rows.insert(at + (k - i), rows.at(k));
        endInsertRows();
        i = end;
        // Skip duplicates of the last inserted key among the new rows.
        while (i < rows.size() && keyOf(rows.at(i)) == keyOf(rows.at(i - 1)))
            ++i;
    }
}

void JournalModel::showFailuresInRange()
{
    // A failure after turn n belongs just above turn n: it can be shown once turn n + 1 (or the
    // oldest turn) is loaded, so no later page has to go above it.
    const qint64 oldest = oldestSeq();
    QList<Row> due;
    for (const TurnFailure &failure : std::as_const(m_failures)) {
        if (m_complete || (oldest >= 0 && failure.afterSeq + 1 >= oldest))
            due.append(failureRow(failure));
    }
    if (!due.isEmpty())
        insertSorted(due);
}

void JournalModel::reload()
{
    assertGuiThread(this);
    m_reads.invalidate();
    m_failureReads.invalidate();
    m_refreshLater->stop();
    beginResetModel();
    m_rows.clear();
    m_failures.clear();
    m_fetching = false;
    m_complete = m_id.isNull() || !m_inspector;
    endResetModel();
    if (m_complete) {
        emit pageLoaded();
        return;
    }
    requestPage();
    readFailures();
}

void JournalModel::readFailures()
{
    if (!m_inspector || m_id.isNull())
        return;
    const std::optional<RefreshTracker::Ticket> started = m_failureReads.start();
    if (!started)
        return; // read once more when the read in flight is in
    whenReady(
        m_inspector->failures(m_className, m_id, FailureLimit), this,
        [this, ticket = *started](const QList<TurnFailure> &failures) {
            if (!m_failureReads.isCurrent(ticket))
                return;
            const bool again = m_failureReads.finish();
            m_failures = failures;
            showFailuresInRange();
            emit pageLoaded();
            if (again)
                readFailures();
        },
        [this, ticket = *started](const Durable::Error &error) {
            if (!m_failureReads.isCurrent(ticket))
                return;
            if (m_failureReads.finish())
                m_failureReads.defer(); // still stale: the next refreshNewest() reads them
            emit errorOccurred(error);
        });
}

void JournalModel::requestPage()
{
    if (!m_inspector || m_fetching || m_complete)
        return;
    JournalQuery query;
    query.limit = m_pageSize;
    query.beforeSeq = oldestSeq();
    m_fetching = true;
    const RefreshTracker::Ticket ticket = m_reads.current();
    const int limit = query.limit;
    whenReady(
        m_inspector->journal(m_className, m_id, query), this,
        [this, ticket, limit](const QList<JournalEntry> &page) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_complete = page.size() < limit;
            // A refresh may have inserted newer turns meanwhile; those are skipped.
            QList<Row> rows;
            rows.reserve(page.size());
            for (const JournalEntry &entry : page)
                rows.append(entryRow(entry));
            insertSorted(rows);
            showFailuresInRange();
            // Only now: a view asking for more during the insert must not get a second
            // request for the same page.
            m_fetching = false;
            emit pageLoaded();
            if (m_reads.takeDeferred())
                refreshNewest();
        },
        [this, ticket](const Durable::Error &error) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_fetching = false;
            m_complete = true; // stop asking; reload() starts over
            emit errorOccurred(error);
            emit pageLoaded();
        });
}

void JournalModel::refreshNewest()
{
    assertGuiThread(this);
    if (!m_inspector || m_id.isNull())
        return;
    if (m_failureReads.takeDeferred())
        readFailures();
    if (m_fetching && !hasEntries()) {
        m_reads.defer(); // read once more when the page in flight is in
        return;
    }
    if (!hasEntries()) {
        // Nothing committed was loaded yet (the object had no turns): read from the newest.
        m_complete = false;
        requestPage();
        return;
    }
    const std::optional<RefreshTracker::Ticket> started = m_reads.start();
    if (!started)
        return; // read once more when the read in flight is in
    JournalQuery query;
    query.limit = m_pageSize;
    const int limit = query.limit;
    whenReady(
        m_inspector->journal(m_className, m_id, query), this,
        [this, ticket = *started, limit](const QList<JournalEntry> &page) {
            if (!m_reads.isCurrent(ticket))
                return;
            const bool again = m_reads.finish();
            const qint64 newest = newestSeq();
            QList<Row> rows;
            for (const JournalEntry &entry : page) {
                if (entry.seq <= newest)
                    break;
                rows.append(entryRow(entry));
            }
            if (rows.size() == limit && page.constLast().seq > newest + 1) {
                // More new turns than one page: the gap is easier to close by starting over.
                reload();
                return;
            }
            insertSorted(rows);
            emit pageLoaded();
            if (again)
                refreshNewest();
        },
        [this, ticket = *started](const Durable::Error &error) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_reads.finish(); // a refresh asked for meanwhile is dropped with the error
            emit errorOccurred(error);
        });
}

void JournalModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    if (m_id.isNull())
        return;
    bool refresh = false;
    for (const ChangeEvent &event : batch) {
        if (event.kind == ChangeEvent::Kind::Overflow) {
            refresh = true;
            m_failureReads.defer();
        } else if (event.id == m_id && event.kind == ChangeEvent::Kind::TurnCompleted) {
            refresh = true;
            if (!event.detail.value(QStringLiteral("ok")).toBool(true))
                m_failureReads.defer();
        }
    }
    if (refresh && !m_refreshLater->isActive())
        m_refreshLater->start();
}

} // namespace Durable::Ui
