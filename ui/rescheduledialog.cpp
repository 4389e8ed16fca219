// SPDX-License-Identifier: MIT
#include "rescheduledialog.h"

#include "format.h"

#include <durable/core/clock.h>

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>

namespace Durable::Ui {

RescheduleDialog::RescheduleDialog(Clock *clock, QWidget *parent)
    : QDialog(parent), m_clock(clock), m_what(new QLabel), m_edit(new QDateTimeEdit),
      m_countdown(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Reschedule"));
    setWindowModality(Qt::WindowModal);
    m_what->setWordWrap(true);
    m_edit->setTimeSpec(Qt::UTC);
    m_edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    m_edit->setCalendarPopup(true);
    m_edit->setFont(monospaceFont());
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Reschedule"));

    auto *offsets = new QHBoxLayout;
    offsets->addWidget(new QLabel(tr("From now:")));
    const QList<QPair<QString, qint64>> quick {
        {tr("+1 min"), 60'000}, {tr("+1 h"), 3'600'000}, {tr("+1 day"), 86'400'000}};
    for (const auto &[label, ms] : quick) {
        auto *button = new QPushButton(label);
        button->setAutoDefault(false);
        connect(button, &QPushButton::clicked, this, [this, ms = ms] { addOffset(ms); });
        offsets->addWidget(button);
    }
    offsets->addStretch(1);

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Due (UTC):")));
    row->addWidget(m_edit, 1);
    row->addWidget(m_countdown);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_what);
    layout->addLayout(row);
    layout->addLayout(offsets);
    layout->addWidget(m_buttons);

    connect(m_edit, &QDateTimeEdit::dateTimeChanged, this, &RescheduleDialog::updateCountdown);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void RescheduleDialog::setTarget(const QString &what, qint64 currentDueMs)
{
    m_what->setText(tr("New due time for %1:").arg(what));
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    setDueMs(currentDueMs >= 0 ? currentDueMs : now);
}

qint64 RescheduleDialog::dueMs() const
{
    return m_edit->dateTime().toMSecsSinceEpoch();
}

void RescheduleDialog::setDueMs(qint64 dueMs)
{
    // Whole seconds: the editor shows no milliseconds, so a kept time must not lose any.
    m_edit->setDateTime(QDateTime::fromMSecsSinceEpoch(dueMs - dueMs % 1000, QTimeZone::utc()));
    updateCountdown();
}

void RescheduleDialog::addOffset(qint64 ms)
{
    setDueMs((m_clock ? m_clock->nowMs() : 0) + ms);
}

void RescheduleDialog::updateCountdown()
{
    m_countdown->setText(countdownText(dueMs(), m_clock ? m_clock->nowMs() : 0));
}

} // namespace Durable::Ui
