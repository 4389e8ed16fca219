// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>

#include <vector>

class QTimer;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

// Every object of the engine (or of one class), filtered by text and status, as a flat table.
//
// Loads from Inspector::objects() in chunks (canFetchMore/fetchMore), keeps itself current from
// the change feed (one beginInsertRows and one narrow dataChanged per batch) and refreshes its
// countdown columns once a second. Filtering is done by the inspector query, not by a proxy, so
// it stays smooth with 100,000 objects. GUI thread only.
class ObjectListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        ClassColumn,
        StatusColumn,
        StepColumn,
        NextAlarmColumn,
        PendingColumn,
        LastActiveColumn,
        ColumnCount
    };
    enum Role {
        NameRole = Qt::UserRole + 1,
        IdRole, // QString, 64 hex
        ClassRole,
        StatusRole, // int(ObjectStatus)
        StepRole,
        NextAlarmRole, // qint64 ms, -1 none
        PendingRole,
        LastActiveRole, // qint64 ms
        OverdueRole,    // bool: the alarm is due and has not fired
        SummaryRole,    // Durable::ObjectSummary
    };

    ObjectListModel(Inspector *inspector, Clock *clock, QObject *parent = nullptr);
    ~ObjectListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    // Sorts every object: when not everything is loaded yet, the rest is fetched first.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setClassFilter(const QString &className);
    QString classFilter() const { return m_query.className; }
    void setTextFilter(const QString &text);
    QString textFilter() const { return m_query.text; }
    void setStatusFilter(const QList<ObjectStatus> &statuses);
    void setChunkSize(int rows);
    int chunkSize() const { return m_chunkSize; }

    bool isLoading() const { return m_fetching; }
    bool isComplete() const { return m_complete; }
    ObjectSummary summary(int row) const;
    int rowOf(const ObjectId &id) const { return m_index.value(id, -1); }

public slots:
    // Drops what is loaded and loads the first chunk again (filters changed, feed overflow, a
    // clock jump moved every countdown).
    void reload();

signals:
    void loadingChanged(bool loading);
    void errorOccurred(const Durable::Error &error);

private:
    void requestChunk();
    void chunkArrived(RefreshTracker::Ticket ticket, int limit, const QList<ObjectSummary> &chunk);
    void applyChanges(const QList<ChangeEvent> &batch);
    void appendRows(const QList<ObjectSummary> &added); // one insert, then sorted if sorting
    // Re-reads the summaries of loaded objects that finished a turn (step, open requests).
    void rereadTurned(const QList<ObjectId> &turned);
    void showReread(const QList<ObjectSummary> &freshRows);
    bool matches(const ObjectSummary &summary) const;
    bool lessThan(const ObjectSummary &a, const ObjectSummary &b) const;
    void sortRows();
    void rebuildIndex();
    void tick();
    void setFetching(bool fetching);

    QPointer<Inspector> m_inspector;
    QPointer<Clock> m_clock;
    ObjectQuery m_query;
    std::vector<ObjectSummary> m_rows;
    QHash<ObjectId, int> m_index;
    RefreshTracker m_reads;
    int m_chunkSize = 2000;
    int m_serverOffset = 0;
    bool m_fetching = false;
    bool m_complete = false;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QTimer *m_tick = nullptr;
};

} // namespace Durable::Ui
