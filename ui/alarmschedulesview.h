// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/agentdirectory.h>
#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

#include <QPointer>
#include <QWidget>

#include <functional>
#include <optional>

class QGroupBox;
class QLabel;
class QPushButton;
class QTableView;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class RescheduleDialog;
class ScheduleModel;

// The "Alarm & Schedules" tab of the object inspector: the object's alarm (live countdown, due
// time, retries) and, for an agent, its schedules, each with Fire Now, Reschedule… and Cancel.
// Every action is an admin command of the inspection API (a journaled turn of the object); its
// outcome, or its error, is shown inline in the tab. For an agent the alarm stands for its
// earliest schedules, so its actions act on those. GUI thread only; never waits on the engine.
class AlarmSchedulesView : public QWidget
{
    Q_OBJECT
public:
    AlarmSchedulesView(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    void setObject(const QString &className, const ObjectId &id, const QString &label);

    ScheduleModel *scheduleModel() const { return m_schedules; }
    QTableView *scheduleView() const { return m_scheduleView; }
    QLabel *countdownLabel() const { return m_countdown; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *fireAlarmButton() const { return m_fireAlarm; }
    QPushButton *rescheduleAlarmButton() const { return m_rescheduleAlarm; }
    QPushButton *cancelAlarmButton() const { return m_cancelAlarm; }
    QPushButton *fireScheduleButton() const { return m_fireSchedule; }
    QPushButton *rescheduleScheduleButton() const { return m_rescheduleSchedule; }
    QPushButton *cancelScheduleButton() const { return m_cancelSchedule; }
    RescheduleDialog *rescheduleDialog() const { return m_dialog; }
    std::optional<AlarmSummary> alarm() const { return m_alarm; }
    bool isBusy() const { return m_busy; }

public slots:
    void refresh();
    void fireAlarm();
    void cancelAlarm();
    void rescheduleAlarm(qint64 dueMs);
    void fireSelectedSchedule();
    void cancelSelectedSchedule();
    void rescheduleSelectedSchedule(qint64 dueMs);

signals:
    void errorOccurred(const Durable::Error &error);
    // A command was applied (message says what); the object's other views may want to refresh.
    void commandApplied(const QString &message);

private:
    QGroupBox *createAlarmBox();
    QGroupBox *createScheduleBox();
    void connectActions();
    void showAlarm();
    void updateActions();
    void askForAlarmTime();
    void askForScheduleTime();
    QString selectedScheduleId() const;
    void showMessage(const QString &text, bool error);
    template<typename T>
    void runCommand(QFuture<T> future, std::function<QString(const T &)> describe);

    QPointer<Inspector> m_inspector;
    QPointer<Clock> m_clock;
    AgentDirectory m_agents;
    QString m_className;
    ObjectId m_id;
    QString m_label;
    std::optional<AlarmSummary> m_alarm;
    RefreshTracker m_reads;    // reads: a newer refresh drops older results
    RefreshTracker m_commands; // commands: dropped only when the object changed
    bool m_busy = false;

    QLabel *m_countdown;
    QLabel *m_due;
    QLabel *m_retries;
    QLabel *m_alarmNote;
    QLabel *m_message;
    QPushButton *m_fireAlarm;
    QPushButton *m_rescheduleAlarm;
    QPushButton *m_cancelAlarm;
    ScheduleModel *m_schedules;
    QTableView *m_scheduleView;
    QPushButton *m_fireSchedule;
    QPushButton *m_rescheduleSchedule;
    QPushButton *m_cancelSchedule;
    RescheduleDialog *m_dialog;
    // What the open reschedule dialog is for: a schedule id, or empty for the alarm.
    QString m_reschedulingSchedule;
};

} // namespace Durable::Ui
