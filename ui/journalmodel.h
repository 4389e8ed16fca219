// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/journaltypes.h>

#include <QAbstractTableModel>
#include <QPointer>

class QTimer;

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

// One object's journal (its committed turns; failed turns are rolled back and kept apart, see
// Inspector::failures()), newest turn first, paged from Inspector::journal() with
// JournalQuery::beforeSeq (canFetchMore/fetchMore). Keeps itself current from the change feed:
// TurnCompleted events for the object are coalesced and the newer turns inserted at the top in
// one beginInsertRows. GUI thread only.
class JournalModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SeqColumn, TimeColumn, TriggerColumn, MethodColumn, DurationColumn,
                  ResultColumn, ColumnCount };
    enum Role {
        SeqRole = Qt::UserRole + 1, // qint64
        AtRole,                     // qint64 ms
        TriggerRole,
        MethodRole,
        DurationRole,               // qint64 µs
        OutputRole,                 // QJsonValue
        ChangesRole,                // QJsonObject
    };

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

    JournalEntry entry(int row) const;
    int rowOfSeq(qint64 seq) const;
    bool isLoading() const { return m_fetching || m_refreshing; }
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
    void requestPage();
    void applyChanges(const QList<ChangeEvent> &batch);

    QPointer<Inspector> m_inspector;
    QString m_className;
    ObjectId m_id;
    QList<JournalEntry> m_entries; // newest first
    quint64 m_generation = 0;
    int m_pageSize = 100;
    bool m_fetching = false;
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    bool m_complete = true;
    QTimer *m_refreshLater;
};

} // namespace Durable::Ui
