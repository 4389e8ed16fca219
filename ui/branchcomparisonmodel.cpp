// SPDX-License-Identifier: MIT
#include "branchcomparisonmodel.h"

#include <durable/core/jsontext.h>

#include <QBrush>
#include <QColor>
#include <QFont>

namespace Durable::Ui {

namespace {

QString turnText(const std::optional<JournalEntry> &entry)
{
    if (!entry)
        return QStringLiteral("—");
    QString text = QStringLiteral("#%1 %2").arg(entry->seq).arg(entry->trigger);
    if (!entry->method.isEmpty())
        text += QLatin1Char(' ') + entry->method;
    if (!entry->output.isUndefined() && !entry->output.isNull())
        text += QStringLiteral(" → ") + JsonText::compact(entry->output).left(80);
    return text;
}

QString turnDetail(const std::optional<JournalEntry> &entry)
{
    if (!entry)
        return QObject::tr("No turn of its own at this point");
    QStringList lines {
        QObject::tr("Turn #%1: %2 %3").arg(entry->seq).arg(entry->trigger, entry->method)};
    if (!entry->input.isUndefined())
        lines << QObject::tr("Input: %1").arg(JsonText::compact(entry->input).left(500));
    if (!entry->output.isUndefined())
        lines << QObject::tr("Output: %1").arg(JsonText::compact(entry->output).left(500));
    if (!entry->changes.isEmpty())
        lines << QObject::tr("Changes: %1").arg(JsonText::compact(entry->changes).left(500));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

void BranchComparisonModel::setComparison(const BranchComparison &comparison)
{
    beginResetModel();
    m_comparison = comparison;
    endResetModel();
}

int BranchComparisonModel::firstDifferenceRow() const
{
    for (int row = 0; row < m_comparison.rows.size(); ++row) {
        if (m_comparison.rows.at(row).position == m_comparison.firstDifference)
            return row;
    }
    return -1;
}

int BranchComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_comparison.rows.size());
}

int BranchComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BranchComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BranchComparison::Row &row = m_comparison.rows.at(index.row());
    const bool first = row.position == m_comparison.firstDifference;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TurnColumn:
            return QStringLiteral("#%1").arg(row.position);
        case SameColumn:
            return row.same ? QStringLiteral("=") : QStringLiteral("≠");
        case AColumn:
            return turnText(row.a);
        case BColumn:
            return turnText(row.b);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == AColumn)
            return turnDetail(row.a);
        if (index.column() == BColumn)
            return turnDetail(row.b);
        return row.same ? tr("Both branches did the same here") : tr("The branches differ here");
    case Qt::BackgroundRole:
        return row.same ? QVariant() : QBrush(QColor(first ? 0xffd6a5 : 0xfff1c9));
    case Qt::FontRole:
        if (first) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == SameColumn ? QVariant(Qt::AlignCenter) : QVariant();
    case SameRole:
        return row.same;
    case PositionRole:
        return row.position;
    case FirstDifferenceRole:
        return first;
    }
    return {};
}

QVariant BranchComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TurnColumn:
        return tr("Turn");
    case SameColumn:
        return QString();
    case AColumn:
        return tr("A");
    case BColumn:
        return tr("B");
    }
    return {};
}

} // namespace Durable::Ui
