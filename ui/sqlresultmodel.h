// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/storagetypes.h>

#include <QAbstractTableModel>

namespace Durable::Ui {

// The columns and rows of one SQL result (Inspector::query()), for the storage console's grid.
// GUI thread only.
class SqlResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { ValueRole = Qt::UserRole + 1, IsNullRole };

    explicit SqlResultModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setResult(const SqlResult &result);
    void clear();
    SqlResult result() const { return m_result; }

private:
    SqlResult m_result;
};

} // namespace Durable::Ui
