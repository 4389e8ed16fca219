// SPDX-License-Identifier: MIT
#include "wranglerentrymodel.h"

#include "guithread.h"
#include <durable/core/v8valuedecoder.h>

#include <QBrush>
#include <QColor>
#include <QJsonDocument>

namespace Durable::Ui {

namespace {
constexpr qsizetype s_maxShownChars = 500;
}

WranglerEntryModel::WranglerEntryModel(QObject *parent) : QAbstractTableModel(parent)
{ }

void WranglerEntryModel::setEntries(const QList<WranglerEntry> &entries)
{
    assertGuiThread(this);
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

int WranglerEntryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int WranglerEntryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WranglerEntryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WranglerEntry &entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return entry.key;
        case ValueColumn: {
            const QString text = V8ValueDecoder::toText(entry.value);
            return text.size() > s_maxShownChars ? text.left(s_maxShownChars) + QStringLiteral("…")
                                                 : text;
        }
        case BytesColumn:
            return entry.raw.size();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (entry.error.isEmpty())
            return {};
        return tr("Part of this value could not be decoded: %1\nStored bytes: %2")
            .arg(entry.error, QString::fromLatin1(entry.raw.left(256).toHex(' ')));
    case Qt::ForegroundRole:
        if (!entry.error.isEmpty() && index.column() == ValueColumn)
            return QBrush(QColor(0xb0, 0x30, 0x20));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == BytesColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case JsonRole:
        return QVariant::fromValue(entry.value);
    case RawRole:
        return entry.raw;
    case ErrorRole:
        return entry.error;
    default:
        return {};
    }
}

QVariant WranglerEntryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value (decoded)");
    case BytesColumn:
        return tr("Bytes");
    default:
        return {};
    }
}

} // namespace Durable::Ui
