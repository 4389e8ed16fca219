// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QPointer>

class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;

namespace Durable {
class Clock;
} // namespace Durable

namespace Durable::Ui {

// Asks for a new due time (UTC, on the engine clock) for an alarm or a schedule, with quick
// offsets from the engine's now and the resulting countdown. Used window-modal through open();
// the caller reads dueMs() when it is accepted. GUI thread only.
class RescheduleDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RescheduleDialog(Clock *clock, QWidget *parent = nullptr);

    // what: e.g. "the alarm of Recruitment/anna"; currentDueMs preselects the current time.
    void setTarget(const QString &what, qint64 currentDueMs);
    qint64 dueMs() const;
    void setDueMs(qint64 dueMs);

    QDateTimeEdit *dateTimeEdit() const { return m_edit; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void addOffset(qint64 ms);
    void updateCountdown();

    QPointer<Clock> m_clock;
    QLabel *m_what;
    QDateTimeEdit *m_edit;
    QLabel *m_countdown;
    QDialogButtonBox *m_buttons;
};

} // namespace Durable::Ui
