// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

#include <QAbstractTableModel>
#include <QPointer>

class QTimer;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

// Every pending alarm across all objects, by due time, with a live countdown. Overdue alarms and
// alarms being retried after a failed turn are flagged through OverdueRole and RetryingRole (the
// delegate highlights them). Refreshes from Inspector::alarms()
// when the feed reports alarm changes (coalesced) and when the clock jumps. GUI thread only.
class AlarmBoardModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ObjectColumn, ClassColumn, DueColumn, CountdownColumn, RetryColumn, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1,
        ClassRole,
        NameRole,
        DueRole,
        RetryRole,
        OverdueRole,
        RetryingRole
    };

    AlarmBoardModel(Inspector *inspector, Clock *clock, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    AlarmSummary alarm(int row) const;
    int overdueCount() const;

public slots:
    void refresh();

signals:
    void refreshed();
    void errorOccurred(const Durable::Error &error);

private:
    void setAlarms(QList<AlarmSummary> alarms);
    void applyChanges(const QList<ChangeEvent> &batch);
    void tick();

    QPointer<Inspector> m_inspector;
    QPointer<Clock> m_clock;
    QList<AlarmSummary> m_alarms;
    RefreshTracker m_reads;
    QTimer *m_tick = nullptr;
    QTimer *m_refreshLater = nullptr;
};

} // namespace Durable::Ui
