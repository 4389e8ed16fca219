// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/wranglertypes.h>

#include <QAbstractTableModel>

namespace Durable::Ui {

// One Durable Object's `_cf_KV` entries with their decoded values: key, value (one line of
// JSON), stored bytes. A value that could not be decoded whole is marked and says why in its
// tooltip. GUI thread only.
class WranglerEntryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, BytesColumn, ColumnCount };
    enum Role { JsonRole = Qt::UserRole + 1, RawRole, ErrorRole };

    explicit WranglerEntryModel(QObject *parent = nullptr);

    void setEntries(const QList<WranglerEntry> &entries);
    const QList<WranglerEntry> &entries() const { return m_entries; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<WranglerEntry> m_entries;
};

} // namespace Durable::Ui
