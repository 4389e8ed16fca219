// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/journaltypes.h>

#include <QAbstractTableModel>
#include <QPointer>

#include <tuple>

class QTimer;

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

// One object's history, newest first: its committed turns, paged from Inspector::journal() with
// JournalQuery::beforeSeq (canFetchMore/fetchMore), and its failed turns (rolled back and kept
// apart by the engine, Inspector::failures()) merged in where they happened: a failure after
// turn n sits between turns n and n + 1. A failure is shown once the turns around it are loaded;
// the newest FailureLimit failures are read. Keeps itself current from the change feed:
// TurnCompleted events for the object are coalesced, and newer turns and failures are inserted
// where they belong, one beginInsertRows per contiguous run. GUI thread only.
class JournalModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        SeqColumn,
        TimeColumn,
        TriggerColumn,
        MethodColumn,
        DurationColumn,
        ResultColumn,
        ColumnCount
    };
    enum Role {
        SeqRole = Qt::UserRole + 1, // qint64
        AtRole,                     // qint64 ms
        TriggerRole,
        MethodRole,
        DurationRole, // qint64 µs
        OutputRole,   // QJsonValue
        ChangesRole,  // QJsonObject
        FailedRole,   // bool: a failed, rolled-back turn
        ErrorRole,    // QString: why it failed
        AfterSeqRole, // qint64: failed rows, the last committed turn before it
    };
    // Failed turns read per object (the newest ones).
    static constexpr int FailureLimit = 500;

    explicit JournalModel(Inspector *inspector, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setObject(const QString &className, const ObjectId &id);
    QString className() const { return m_className; }
    ObjectId objectId() const { return m_id; }
    void setPageSize(int entries) { m_pageSize = std::max(1, entries); }
    int pageSize() const { return m_pageSize; }
    // How long TurnCompleted events are collected before the newest turns are read.
    void setRefreshDelay(int ms);

    // A committed turn's entry; an empty entry (seq 0) for a failed turn's row.
    JournalEntry entry(int row) const;
    bool isFailure(int row) const;
    // The failed turn of a failure row; an empty one (id 0) otherwise.
    TurnFailure failure(int row) const;
    int rowOfSeq(qint64 seq) const;
    int rowOfFailure(qint64 failureId) const;
    bool isLoading() const { return m_fetching || m_reads.isBusy() || m_failureReads.isBusy(); }
    bool isComplete() const { return m_complete; }

public slots:
    // Drops what is loaded and reads the newest page again.
    void reload();
    // Reads the turns newer than the newest loaded one and inserts them at the top.
    void refreshNewest();

signals:
    // After each page or refresh (and after a reload that found nothing).
    void pageLoaded();
    void errorOccurred(const Durable::Error &error);

private:
    // A committed turn or a failed one; rows sort by (seq or afterSeq, failed, failure id).
    struct Row
    {
        JournalEntry entry;
        TurnFailure failure;
        bool failed = false;
    };
    using Key = std::tuple<qint64, int, qint64>;
    static Key keyOf(const Row &row);
    static Row entryRow(const JournalEntry &entry);
    static Row failureRow(const TurnFailure &failure);
    static QVariant failureData(const TurnFailure &failure, int column, int role);

    void requestPage();
    void readFailures();
    // Inserts rows not shown yet where they belong, newest first, one insert per contiguous run.
    void insertSorted(QList<Row> rows);
    // Shows the failures read so far whose place lies within the loaded turns.
    void showFailuresInRange();
    qint64 newestSeq() const; // -1 when no committed turn is loaded
    qint64 oldestSeq() const;
    bool hasEntries() const { return newestSeq() >= 0; }
    void applyChanges(const QList<ChangeEvent> &batch);

    QPointer<Inspector> m_inspector;
    QString m_className;
    ObjectId m_id;
    QList<Row> m_rows;             // newest first
    QList<TurnFailure> m_failures; // read, newest first; shown once in range
    RefreshTracker m_reads;        // pages and refreshNewest(); one refresh at a time
    RefreshTracker m_failureReads; // deferred also while no read is in flight: failures are stale
    int m_pageSize = 100;
    bool m_fetching = false;
    bool m_complete = true;
    QTimer *m_refreshLater;
};

} // namespace Durable::Ui
