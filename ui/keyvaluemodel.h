// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/objectid.h>
#include <durable/core/storagetypes.h>

#include <QAbstractTableModel>
#include <QPointer>

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

// One object's key/value entries (key, compact JSON preview, size), paged in key order from
// Inspector::keyValues(). GUI thread only.
class KeyValueModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, SizeColumn, ColumnCount };
    enum Role { KeyRole = Qt::UserRole + 1, ValueRole, SizeRole };

    explicit KeyValueModel(Inspector *inspector, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setObject(const QString &className, const ObjectId &id);
    void setPageSize(int entries) { m_pageSize = std::max(1, entries); }
    QList<KeyValue> entries() const { return m_entries; }
    bool isLoading() const { return m_fetching; }

public slots:
    void reload();

signals:
    // After each page (and after a reload that found nothing).
    void pageLoaded();
    void errorOccurred(const Durable::Error &error);

private:
    void requestPage();

    QPointer<Inspector> m_inspector;
    QString m_className;
    ObjectId m_id;
    QList<KeyValue> m_entries;
    QList<qsizetype> m_sizes;
    RefreshTracker m_reads;
    int m_pageSize = 500;
    bool m_fetching = false;
    bool m_complete = true;
};

} // namespace Durable::Ui
