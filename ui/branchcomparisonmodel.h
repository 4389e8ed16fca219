// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/branchcomparison.h>

#include <QAbstractTableModel>

namespace Durable::Ui {

// The rows of a BranchComparison: one per timeline position after the shared history, with
// what each branch did there; rows that differ stand out, the first difference most. GUI thread.
class BranchComparisonModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TurnColumn, SameColumn, AColumn, BColumn, ColumnCount };
    enum Role {
        SameRole = Qt::UserRole + 1, // bool
        PositionRole,                // qint64
        FirstDifferenceRole,         // bool: this row is the first that differs
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setComparison(const BranchComparison &comparison);
    const BranchComparison &comparison() const { return m_comparison; }
    // The row of the first difference; -1 when none.
    int firstDifferenceRow() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    BranchComparison m_comparison;
};

} // namespace Durable::Ui
