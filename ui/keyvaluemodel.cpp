// SPDX-License-Identifier: MIT
#include "keyvaluemodel.h"

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <durable/core/inspector.h>

namespace Durable::Ui {

KeyValueModel::KeyValueModel(Inspector *inspector, QObject *parent)
    : QAbstractTableModel(parent), m_inspector(inspector)
{ }

int KeyValueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int KeyValueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeyValueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyValue &entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return entry.key;
        case ValueColumn:
            return jsonPreview(entry.value);
        case SizeColumn:
            return sizeText(m_sizes.at(index.row()));
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ValueColumn)
            return jsonPreview(entry.value, 2000);
        return {};
    case Qt::FontRole:
        if (index.column() != SizeColumn)
            return monospaceFont();
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case KeyRole:
        return entry.key;
    case ValueRole:
        return QVariant::fromValue(entry.value);
    case SizeRole:
        return qint64(m_sizes.at(index.row()));
    }
    return {};
}

QVariant KeyValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}

QHash<int, QByteArray> KeyValueModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(KeyRole, "key");
    names.insert(ValueRole, "value");
    names.insert(SizeRole, "size");
    return names;
}

bool KeyValueModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_complete && !m_fetching && m_inspector;
}

void KeyValueModel::fetchMore(const QModelIndex &parent)
{
    assertGuiThread(this);
    if (canFetchMore(parent))
        requestPage();
}

void KeyValueModel::setObject(const QString &className, const ObjectId &id)
{
    assertGuiThread(this);
    m_className = className;
    m_id = id;
    reload();
}

void KeyValueModel::reload()
{
    assertGuiThread(this);
    m_reads.invalidate();
    beginResetModel();
    m_entries.clear();
    m_sizes.clear();
    m_fetching = false;
    m_complete = m_id.isNull();
    endResetModel();
    if (m_complete)
        emit pageLoaded();
    else
        requestPage();
}

void KeyValueModel::requestPage()
{
    if (!m_inspector || m_fetching || m_complete)
        return;
    ListOptions options;
    // start is inclusive: ask from the last key again and skip it.
    const bool resume = !m_entries.isEmpty();
    if (resume)
        options.start = m_entries.constLast().key;
    options.limit = m_pageSize + (resume ? 1 : 0);
    m_fetching = true;
    const RefreshTracker::Ticket ticket = m_reads.current();
    const int limit = options.limit;
    whenReady(
        m_inspector->keyValues(m_className, m_id, options), this,
        [this, ticket, limit, resume](const QList<KeyValue> &page) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_complete = page.size() < limit;
            qsizetype from = 0;
            if (resume && !page.isEmpty() && page.constFirst().key == m_entries.constLast().key)
                from = 1;
            if (from < page.size()) {
                const int first = int(m_entries.size());
                beginInsertRows({}, first, first + int(page.size() - from) - 1);
                for (qsizetype i = from; i < page.size(); ++i) {
                    m_entries.append(page.at(i));
                    m_sizes.append(page.at(i).key.toUtf8().size() + jsonSize(page.at(i).value));
                }
                endInsertRows();
            }
            // Only now: a view (or tester) asking for more during the insert must not get a
            // second request for the same page.
            m_fetching = false;
            emit pageLoaded();
        },
        [this, ticket](const Durable::Error &error) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_fetching = false;
            m_complete = true;
            emit errorOccurred(error);
            emit pageLoaded();
        });
}

} // namespace Durable::Ui
