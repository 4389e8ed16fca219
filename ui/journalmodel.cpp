// SPDX-License-Identifier: MIT
#include "journalmodel.h"

#include "format.h"
#include "futures.h"

#include <durable/core/inspector.h>

#include <QTimer>

namespace Durable::Ui {

namespace {

QString durationText(qint64 us)
{
    if (us < 1000)
        return QStringLiteral("%1 µs").arg(us);
    if (us < 1000000)
        return QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', us < 10000 ? 2 : 1);
    return QStringLiteral("%1 s").arg(double(us) / 1000000.0, 0, 'f', 2);
}

} // namespace

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
    return parent.isValid() ? 0 : int(m_entries.size());
}

int JournalModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JournalModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JournalEntry &entry = m_entries.at(index.row());
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
            return durationText(entry.durationUs);
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
        return tr("Result");
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
    return names;
}

bool JournalModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_complete && !m_fetching && m_inspector;
}

void JournalModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void JournalModel::setObject(const QString &className, const ObjectId &id)
{
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
    if (row < 0 || row >= int(m_entries.size()))
        return {};
    return m_entries.at(row);
}

int JournalModel::rowOfSeq(qint64 seq) const
{
    // Newest first: seqs descend with the row.
    const auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), seq,
                                     [](const JournalEntry &e, qint64 s) { return e.seq > s; });
    return it != m_entries.cend() && it->seq == seq ? int(it - m_entries.cbegin()) : -1;
}

void JournalModel::reload()
{
    ++m_generation;
    m_refreshLater->stop();
    beginResetModel();
    m_entries.clear();
    m_fetching = false;
    m_refreshing = false;
    m_refreshAgain = false;
    m_complete = m_id.isNull() || !m_inspector;
    endResetModel();
    if (m_complete)
        emit pageLoaded();
    else
        requestPage();
}

void JournalModel::requestPage()
{
    if (!m_inspector || m_fetching || m_complete)
        return;
    JournalQuery query;
    query.limit = m_pageSize;
    if (!m_entries.isEmpty())
        query.beforeSeq = m_entries.constLast().seq;
    m_fetching = true;
    const quint64 generation = m_generation;
    const int limit = query.limit;
    whenReady(
            m_inspector->journal(m_className, m_id, query), this,
            [this, generation, limit](const QList<JournalEntry> &page) {
                if (generation != m_generation)
                    return;
                m_complete = page.size() < limit;
                // A refresh may have inserted newer turns meanwhile; only older ones belong here.
                const qint64 oldest = m_entries.isEmpty() ? -1 : m_entries.constLast().seq;
                qsizetype from = 0;
                while (oldest >= 0 && from < page.size() && page.at(from).seq >= oldest)
                    ++from;
                if (from < page.size()) {
                    const int first = int(m_entries.size());
                    beginInsertRows({}, first, first + int(page.size() - from) - 1);
                    for (qsizetype i = from; i < page.size(); ++i)
                        m_entries.append(page.at(i));
                    endInsertRows();
                }
                // Only now: a view asking for more during the insert must not get a second
                // request for the same page.
                m_fetching = false;
                emit pageLoaded();
                if (m_refreshAgain) {
                    m_refreshAgain = false;
                    refreshNewest();
                }
            },
            [this, generation](const Durable::Error &error) {
                if (generation != m_generation)
                    return;
                m_fetching = false;
                m_complete = true; // stop asking; reload() starts over
                emit errorOccurred(error);
                emit pageLoaded();
            });
}

void JournalModel::refreshNewest()
{
    if (!m_inspector || m_id.isNull())
        return;
    if (m_refreshing || (m_fetching && m_entries.isEmpty())) {
        m_refreshAgain = true; // read once more when the request in flight is in
        return;
    }
    if (m_entries.isEmpty()) {
        reload(); // nothing loaded yet (the object had no turns): start from the newest
        return;
    }
    JournalQuery query;
    query.limit = m_pageSize;
    m_refreshing = true;
    const quint64 generation = m_generation;
    const int limit = query.limit;
    whenReady(
            m_inspector->journal(m_className, m_id, query), this,
            [this, generation, limit](const QList<JournalEntry> &page) {
                if (generation != m_generation)
                    return;
                m_refreshing = false;
                const qint64 newest = m_entries.isEmpty() ? -1 : m_entries.constFirst().seq;
                qsizetype count = 0;
                while (count < page.size() && page.at(count).seq > newest)
                    ++count;
                if (count == limit && page.constLast().seq > newest + 1) {
                    // More new turns than one page: the gap is easier to close by starting over.
                    reload();
                    return;
                }
                if (count > 0) {
                    beginInsertRows({}, 0, int(count) - 1);
                    m_entries = page.first(count) + m_entries;
                    endInsertRows();
                }
                emit pageLoaded();
                if (m_refreshAgain) {
                    m_refreshAgain = false;
                    refreshNewest();
                }
            },
            [this, generation](const Durable::Error &error) {
                if (generation != m_generation)
                    return;
                m_refreshing = false;
                m_refreshAgain = false;
                emit errorOccurred(error);
            });
}

void JournalModel::applyChanges(const QList<ChangeEvent> &batch)
{
    if (m_id.isNull())
        return;
    for (const ChangeEvent &event : batch) {
        const bool ours = event.id == m_id && event.kind == ChangeEvent::Kind::TurnCompleted;
        if (ours || event.kind == ChangeEvent::Kind::Overflow) {
            if (!m_refreshLater->isActive())
                m_refreshLater->start();
            return;
        }
    }
}

} // namespace Durable::Ui
