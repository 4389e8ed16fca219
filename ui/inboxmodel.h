// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/humaninbox.h>
#include <durable/core/humanrequest.h>
#include <durable/core/inspectiontypes.h>

#include <QAbstractTableModel>
#include <QPointer>
#include <QSet>

class QTimer;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

// Every pending human request across all objects, oldest first, with its age and a live deadline
// countdown (overdue deadlines flagged through OverdueRole for the delegate). Snapshots come from
// HumanInbox::pending(): one query per burst of HumanRequestOpened/HumanRequestAnswered events
// (coalesced; a burst arriving while a query runs re-queries once it returned) and after clock
// jumps. Snapshots are merged row by row so the selection survives. answer() sends a response
// with HumanInbox::answer() and drops the row at once; on failure the row comes back with the
// next snapshot and answerFailed() says why. GUI thread only.
class InboxModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ObjectColumn, ClassColumn, TitleColumn, AgeColumn, DeadlineColumn, ColumnCount };
    enum Role {
        RequestIdRole = Qt::UserRole + 1,
        ObjectIdRole,
        ClassRole,
        NameRole,
        CreatedRole,
        DeadlineRole,
        OverdueRole,
    };

    InboxModel(Inspector *inspector, Clock *clock, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    HumanRequestInfo request(int row) const;
    int rowOf(const QString &requestId) const; // -1 when not listed
    bool isRefreshing() const { return m_reads.isBusy(); }

public slots:
    // Queries now, or once the running query returned.
    void refresh();
    // request: as a snapshot listed it (the model or the caller's copy of one of its rows).
    void answer(const Durable::HumanRequestInfo &request, const Durable::HumanResponse &response);

signals:
    void refreshed();
    void answered(const QString &requestId, const QString &title, const QJsonValue &result);
    void answerFailed(const QString &requestId, const QString &title, const Durable::Error &error);
    void errorOccurred(const Durable::Error &error);

private:
    void setRequests(QList<HumanRequestInfo> requests);
    void removeRow(int row);
    void applyChanges(const QList<ChangeEvent> &batch);
    void scheduleRefresh();
    void tick();

    HumanInbox m_inbox;
    QPointer<Clock> m_clock;
    QList<HumanRequestInfo> m_requests;
    // Answered here, maybe still in a snapshot that was taken before the answer landed.
    QSet<QString> m_answering;
    RefreshTracker
        m_reads; // one read at a time: no ticket checks, every read is for the same inbox
    QTimer *m_tick = nullptr;
    QTimer *m_refreshLater = nullptr;
};

} // namespace Durable::Ui
