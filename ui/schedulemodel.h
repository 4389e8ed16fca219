// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/scheduleinfo.h>

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>

class QTimer;

namespace Durable {
class Clock;
} // namespace Durable

namespace Durable::Ui {

// One agent's schedules (id, callback, kind with its cron expression, due time with a live
// countdown, payload) by due time, as AgentDirectory::schedules() lists them. The owner sets
// each snapshot with setSchedules(); rows of the same schedules in the same order are updated in
// place so the selection survives a refresh. GUI thread only.
class ScheduleModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        CallbackColumn,
        KindColumn,
        DueColumn,
        CountdownColumn,
        PayloadColumn,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1, KindRole, DueRole, OverdueRole, PayloadRole };

    explicit ScheduleModel(Clock *clock, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setSchedules(QList<ScheduleInfo> schedules);
    void clear();
    ScheduleInfo schedule(int row) const;
    int rowOf(const QString &scheduleId) const;

    // "one-shot", "cron 0 9 * * 1-5", "deadline": what the Kind column shows.
    static QString kindText(const ScheduleInfo &schedule);

private:
    void tick();

    QPointer<Clock> m_clock;
    QList<ScheduleInfo> m_schedules;
    QTimer *m_tick;
};

} // namespace Durable::Ui
