// SPDX-License-Identifier: MIT
#include "alarmschedulesview.h"

#include "format.h"
#include "futures.h"
#include "rescheduledialog.h"
#include "schedulemodel.h"

#include <durable/core/clock.h>
#include <durable/core/inspector.h>

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

namespace Durable::Ui {

namespace {

QLabel *valueLabel()
{
    auto *label = new QLabel;
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString seqText(qint64 seq)
{
    return AlarmSchedulesView::tr("turn %1").arg(seq);
}

} // namespace

AlarmSchedulesView::AlarmSchedulesView(Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent), m_inspector(inspector), m_clock(clock), m_agents(inspector->agents()),
      m_countdown(new QLabel), m_due(valueLabel()), m_retries(valueLabel()),
      m_alarmNote(new QLabel), m_message(new QLabel), m_fireAlarm(new QPushButton(tr("Fire Now"))),
      m_rescheduleAlarm(new QPushButton(tr("Reschedule…"))),
      m_cancelAlarm(new QPushButton(tr("Cancel"))), m_schedules(new ScheduleModel(clock, this)),
      m_scheduleView(new QTableView), m_fireSchedule(new QPushButton(tr("Fire Now"))),
      m_rescheduleSchedule(new QPushButton(tr("Reschedule…"))),
      m_cancelSchedule(new QPushButton(tr("Cancel"))), m_dialog(new RescheduleDialog(clock, this))
{
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(createAlarmBox());
    layout->addWidget(createScheduleBox(), 1);
    connectActions();
    auto *tick = new QTimer(this);
    tick->setInterval(1000);
    connect(tick, &QTimer::timeout, this, &AlarmSchedulesView::showAlarm);
    tick->start();
    showAlarm();
    updateActions();
}

QGroupBox *AlarmSchedulesView::createAlarmBox()
{
    QFont big = m_countdown->font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    big.setBold(true);
    m_countdown->setFont(big);
    m_alarmNote->setWordWrap(true);
    m_alarmNote->setEnabled(false);
    m_fireAlarm->setToolTip(tr("Run the alarm handler now, as a turn journaled \"admin-fire\""));
    m_rescheduleAlarm->setToolTip(tr("Move the alarm to another time"));
    m_cancelAlarm->setToolTip(tr("Delete the alarm"));

    auto *alarmBox = new QGroupBox(tr("Alarm"));
    auto *form = new QFormLayout;
    form->addRow(tr("Due (UTC):"), m_due);
    form->addRow(tr("Retries:"), m_retries);
    auto *alarmButtons = new QHBoxLayout;
    alarmButtons->addWidget(m_fireAlarm);
    alarmButtons->addWidget(m_rescheduleAlarm);
    alarmButtons->addWidget(m_cancelAlarm);
    alarmButtons->addStretch(1);
    auto *alarmLayout = new QVBoxLayout(alarmBox);
    alarmLayout->addWidget(m_countdown);
    alarmLayout->addLayout(form);
    alarmLayout->addWidget(m_alarmNote);
    alarmLayout->addLayout(alarmButtons);
    return alarmBox;
}

QGroupBox *AlarmSchedulesView::createScheduleBox()
{
    m_fireSchedule->setToolTip(tr("Run the selected schedule's callback now"));
    m_rescheduleSchedule->setToolTip(tr("Move the selected schedule to another time"));
    m_cancelSchedule->setToolTip(tr("Remove the selected schedule"));
    m_scheduleView->setModel(m_schedules);
    m_scheduleView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_scheduleView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_scheduleView->setAlternatingRowColors(true);
    m_scheduleView->setWordWrap(false);
    m_scheduleView->verticalHeader()->hide();
    m_scheduleView->horizontalHeader()->setStretchLastSection(true);
    const QFontMetrics mono(monospaceFont());
    m_scheduleView->setColumnWidth(ScheduleModel::IdColumn,
                                   mono.horizontalAdvance(QStringLiteral("00000000-0000")) + 16);
    m_scheduleView->setColumnWidth(ScheduleModel::DueColumn,
                                   mono.horizontalAdvance(QStringLiteral("0000-00-00 00:00:00")) +
                                       16);
    auto *scheduleBox = new QGroupBox(tr("Schedules"));
    auto *scheduleButtons = new QHBoxLayout;
    scheduleButtons->addWidget(m_fireSchedule);
    scheduleButtons->addWidget(m_rescheduleSchedule);
    scheduleButtons->addWidget(m_cancelSchedule);
    scheduleButtons->addStretch(1);
    auto *scheduleLayout = new QVBoxLayout(scheduleBox);
    scheduleLayout->addWidget(m_scheduleView, 1);
    scheduleLayout->addLayout(scheduleButtons);
    return scheduleBox;
}

void AlarmSchedulesView::connectActions()
{
    connect(m_fireAlarm, &QPushButton::clicked, this, &AlarmSchedulesView::fireAlarm);
    connect(m_cancelAlarm, &QPushButton::clicked, this, &AlarmSchedulesView::cancelAlarm);
    connect(m_rescheduleAlarm, &QPushButton::clicked, this, &AlarmSchedulesView::askForAlarmTime);
    connect(m_fireSchedule, &QPushButton::clicked, this, &AlarmSchedulesView::fireSelectedSchedule);
    connect(m_cancelSchedule, &QPushButton::clicked, this,
            &AlarmSchedulesView::cancelSelectedSchedule);
    connect(m_rescheduleSchedule, &QPushButton::clicked, this,
            &AlarmSchedulesView::askForScheduleTime);
    connect(m_scheduleView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlarmSchedulesView::updateActions);
    connect(m_schedules, &QAbstractItemModel::modelReset, this, &AlarmSchedulesView::updateActions);
    connect(m_dialog, &QDialog::accepted, this, [this] {
        if (m_reschedulingSchedule.isEmpty())
            rescheduleAlarm(m_dialog->dueMs());
        else if (m_reschedulingSchedule == selectedScheduleId())
            rescheduleSelectedSchedule(m_dialog->dueMs());
    });
}

void AlarmSchedulesView::setObject(const QString &className, const ObjectId &id,
                                   const QString &label)
{
    if (id == m_id && className == m_className)
        return;
    m_reads.invalidate(); // results for the previous object are dropped
    m_commands.invalidate();
    m_className = className;
    m_id = id;
    m_label = label;
    m_alarm.reset();
    m_busy = false;
    m_schedules->clear();
    m_message->hide();
    m_dialog->reject();
    showAlarm();
    updateActions();
}

void AlarmSchedulesView::refresh()
{
    const RefreshTracker::Ticket ticket = m_reads.next();
    if (m_id.isNull() || !m_inspector)
        return;
    whenReady(
        m_inspector->alarm(m_className, m_id), this,
        [this, ticket](const std::optional<AlarmSummary> &alarm) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_alarm = alarm;
            showAlarm();
            updateActions();
        },
        [this, ticket](const Durable::Error &error) {
            if (m_reads.isCurrent(ticket) && error.code() != ErrorCode::NotFound)
                emit errorOccurred(error);
        });
    whenReady(
        m_agents.schedules(m_className, m_id), this,
        [this, ticket](const QList<ScheduleInfo> &schedules) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_schedules->setSchedules(schedules);
            showAlarm();
            updateActions();
        },
        [this, ticket](const Durable::Error &error) {
            if (m_reads.isCurrent(ticket) && error.code() != ErrorCode::NotFound)
                emit errorOccurred(error);
        });
}

void AlarmSchedulesView::showAlarm()
{
    if (!m_alarm) {
        m_countdown->setStyleSheet(QString());
        m_countdown->setText(m_id.isNull() ? QString() : tr("No alarm set"));
        m_due->clear();
        m_retries->clear();
    } else {
        const qint64 now = m_clock ? m_clock->nowMs() : 0;
        const bool overdue = m_alarm->dueMs < now;
        m_countdown->setStyleSheet(overdue ? QStringLiteral("color: #b01e1e;") : QString());
        m_countdown->setText(countdownText(m_alarm->dueMs, now));
        m_due->setText(timeText(m_alarm->dueMs));
        m_retries->setText(
            m_alarm->retryCount > 0
                ? tr("%1 (retrying after a failed alarm turn)").arg(m_alarm->retryCount)
                : QStringLiteral("0"));
    }
    // An agent's alarm serves its schedules: say what the alarm's actions will act on.
    QStringList served;
    if (m_alarm) {
        for (int row = 0; row < m_schedules->rowCount(); ++row) {
            const ScheduleInfo schedule = m_schedules->schedule(row);
            if (schedule.dueMs <= m_alarm->dueMs)
                served.append(schedule.callback.isEmpty() ? schedule.id : schedule.callback);
        }
    }
    m_alarmNote->setVisible(!served.isEmpty());
    m_alarmNote->setText(tr("This alarm runs the agent's earliest schedule (%1): Fire Now runs "
                            "it, Reschedule… moves it and Cancel removes it.")
                             .arg(served.join(QStringLiteral(", "))));
}

void AlarmSchedulesView::updateActions()
{
    const bool ready = !m_id.isNull() && !m_busy;
    m_fireAlarm->setEnabled(ready && m_alarm.has_value());
    m_rescheduleAlarm->setEnabled(ready && m_alarm.has_value());
    m_cancelAlarm->setEnabled(ready && m_alarm.has_value());
    const bool selected = !selectedScheduleId().isEmpty();
    m_fireSchedule->setEnabled(ready && selected);
    m_rescheduleSchedule->setEnabled(ready && selected);
    m_cancelSchedule->setEnabled(ready && selected);
}

QString AlarmSchedulesView::selectedScheduleId() const
{
    const QModelIndexList rows = m_scheduleView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ScheduleModel::IdRole).toString();
}

void AlarmSchedulesView::showMessage(const QString &text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: #b01e1e; font-weight: bold;")
                                   : QStringLiteral("color: #2e7d32;"));
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

template<typename T>
void AlarmSchedulesView::runCommand(QFuture<T> future, std::function<QString(const T &)> describe)
{
    const RefreshTracker::Ticket ticket = m_commands.current();
    m_busy = true;
    updateActions();
    whenReady(
        future, this,
        [this, ticket, describe](const T &value) {
            if (!m_commands.isCurrent(ticket))
                return;
            m_busy = false;
            const QString message = describe(value);
            showMessage(message, false);
            emit commandApplied(message);
            refresh();
        },
        [this, ticket](const Durable::Error &error) {
            if (!m_commands.isCurrent(ticket))
                return;
            m_busy = false;
            showMessage(error.message(), true);
            refresh();
        });
}

void AlarmSchedulesView::fireAlarm()
{
    if (m_id.isNull() || !m_inspector)
        return;
    runCommand<qint64>(m_inspector->fireAlarmNow(m_className, m_id), [](const qint64 &seq) {
        return tr("Fired the alarm (%1)").arg(seqText(seq));
    });
}

void AlarmSchedulesView::cancelAlarm()
{
    if (m_id.isNull() || !m_inspector)
        return;
    runCommand<qint64>(m_inspector->cancelAlarm(m_className, m_id), [](const qint64 &seq) {
        return tr("Cancelled the alarm (%1)").arg(seqText(seq));
    });
}

void AlarmSchedulesView::rescheduleAlarm(qint64 dueMs)
{
    if (m_id.isNull() || !m_inspector)
        return;
    runCommand<qint64>(m_inspector->setAlarm(m_className, m_id, dueMs), [dueMs](const qint64 &seq) {
        return tr("Rescheduled the alarm to %1 (%2)").arg(timeText(dueMs), seqText(seq));
    });
}

void AlarmSchedulesView::fireSelectedSchedule()
{
    const QString scheduleId = selectedScheduleId();
    if (scheduleId.isEmpty() || m_id.isNull())
        return;
    runCommand<qint64>(m_agents.fireScheduleNow(m_className, m_id, scheduleId),
                       [scheduleId](const qint64 &seq) {
                           return tr("Fired schedule %1 (%2)").arg(scheduleId, seqText(seq));
                       });
}

void AlarmSchedulesView::cancelSelectedSchedule()
{
    const QString scheduleId = selectedScheduleId();
    if (scheduleId.isEmpty() || m_id.isNull())
        return;
    runCommand<bool>(
        m_agents.cancelSchedule(m_className, m_id, scheduleId), [scheduleId](const bool &existed) {
            return existed ? tr("Cancelled schedule %1").arg(scheduleId)
                           : tr("Schedule %1 had already run or been cancelled").arg(scheduleId);
        });
}

void AlarmSchedulesView::rescheduleSelectedSchedule(qint64 dueMs)
{
    const QString scheduleId = selectedScheduleId();
    if (scheduleId.isEmpty() || m_id.isNull())
        return;
    runCommand<qint64>(
        m_agents.rescheduleSchedule(m_className, m_id, scheduleId,
                                    QDateTime::fromMSecsSinceEpoch(dueMs, QTimeZone::utc())),
        [scheduleId, dueMs](const qint64 &seq) {
            return tr("Rescheduled %1 to %2 (%3)").arg(scheduleId, timeText(dueMs), seqText(seq));
        });
}

void AlarmSchedulesView::askForAlarmTime()
{
    if (!m_alarm)
        return;
    m_reschedulingSchedule.clear();
    m_dialog->setTarget(tr("the alarm of %1").arg(m_label), m_alarm->dueMs);
    m_dialog->open();
}

void AlarmSchedulesView::askForScheduleTime()
{
    const int row = m_schedules->rowOf(selectedScheduleId());
    if (row < 0)
        return;
    const ScheduleInfo schedule = m_schedules->schedule(row);
    m_reschedulingSchedule = schedule.id;
    m_dialog->setTarget(tr("schedule %1 (%2) of %3").arg(schedule.id, schedule.callback, m_label),
                        schedule.dueMs);
    m_dialog->open();
}

} // namespace Durable::Ui
