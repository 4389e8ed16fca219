// SPDX-License-Identifier: MIT
#include "clockcontrols.h"

#include "format.h"

#include <durable/core/virtualclock.h>

#include <QAction>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QProgressBar>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>
#include <QtConcurrentRun>

namespace Durable::Ui {

namespace {

QString durationName(std::chrono::milliseconds duration)
{
    using namespace std::chrono;
    const auto minutes = duration_cast<std::chrono::minutes>(duration).count();
    if (minutes % (24 * 60) == 0)
        return QObject::tr("%n day(s)", nullptr, int(minutes / (24 * 60)));
    if (minutes % 60 == 0)
        return QObject::tr("%n hour(s)", nullptr, int(minutes / 60));
    return QObject::tr("%n minute(s)", nullptr, int(minutes));
}

} // namespace

ClockControls::ClockControls(Clock *clock, QWidget *parent)
    : QWidget(parent), m_clock(clock), m_jumps(new QThreadPool(this)),
      m_virtual(qobject_cast<VirtualClock *>(clock)), m_mode(new QLabel), m_time(new QLabel),
      m_progress(new QProgressBar)
{
    createActions();
    layOut();
    showClockKind();
    if (clock)
        connect(clock, &Clock::timeJumped, this, &ClockControls::updateTime);
    auto *timer = new QTimer(this);
    timer->setInterval(500);
    connect(timer, &QTimer::timeout, this, &ClockControls::updateTime);
    timer->start();
    updateTime();
    updateActions();
}

void ClockControls::createActions()
{
    m_pause = new QAction(tr("&Pause Clock"), this);
    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pause->setToolTip(tr("Pause or resume the virtual clock (Ctrl+P)"));
    m_minute = new QAction(tr("+1 &Minute"), this);
    m_minute->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    m_hour = new QAction(tr("+1 &Hour"), this);
    m_hour->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    m_day = new QAction(tr("+1 &Day"), this);
    m_day->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    m_custom = new QAction(tr("&Advance By…"), this);
    m_custom->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    m_next = new QAction(tr("Run to &Next Alarm"), this);
    m_next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    m_stop = new QAction(tr("&Stop Jump"), this);
    m_stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    for (QAction *action : {m_minute, m_hour, m_day, m_custom, m_next, m_stop})
        action->setToolTip(QStringLiteral("%1 (%2)").arg(action->text().remove(QLatin1Char('&')),
                                                         action->shortcut().toString()));

    connect(m_pause, &QAction::toggled, this, &ClockControls::setPaused);
    connect(m_minute, &QAction::triggered, this, [this] { advanceBy(std::chrono::minutes(1)); });
    connect(m_hour, &QAction::triggered, this, [this] { advanceBy(std::chrono::hours(1)); });
    connect(m_day, &QAction::triggered, this, [this] { advanceBy(std::chrono::hours(24)); });
    connect(m_custom, &QAction::triggered, this, &ClockControls::askCustomAdvance);
    connect(m_next, &QAction::triggered, this, &ClockControls::runToNextAlarm);
    connect(m_stop, &QAction::triggered, this, &ClockControls::stopJump);
}

void ClockControls::layOut()
{
    QFont bold = m_mode->font();
    bold.setBold(true);
    m_mode->setFont(bold);
    m_time->setFont(monospaceFont());
    m_time->setMinimumWidth(
        m_time->fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00 00:00:00 UTC")) + 8);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(80);
    m_progress->setMaximumHeight(14);
    m_progress->setTextVisible(false);
    m_progress->hide();

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_mode);
    layout->addWidget(m_time);
    for (QAction *action : {m_pause, m_minute, m_hour, m_day, m_custom, m_next}) {
        auto *button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setAutoRaise(true);
        layout->addWidget(button);
    }
    layout->addWidget(m_progress);
    m_stopButton = new QToolButton;
    m_stopButton->setDefaultAction(m_stop);
    m_stopButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_stopButton->setAutoRaise(true);
    m_stopButton->hide();
    layout->addWidget(m_stopButton);
}

void ClockControls::showClockKind()
{
    if (m_virtual) {
        m_mode->setText(tr("VIRTUAL"));
        m_mode->setStyleSheet(QStringLiteral(
            "color: white; background: #7b4fd1; border-radius: 3px; padding: 1px 6px;"));
        m_mode->setToolTip(tr("Virtual clock: time can be paused and jumped"));
        connect(m_virtual, &Clock::pausedChanged, this, [this](bool paused) {
            const QSignalBlocker blocker(m_pause);
            m_pause->setChecked(paused);
            updateTime();
        });
        m_pause->setChecked(m_virtual->isPaused());
    } else {
        m_mode->setText(tr("LIVE"));
        m_mode->setStyleSheet(QStringLiteral(
            "color: white; background: #2e9d4f; border-radius: 3px; padding: 1px 6px;"));
        m_mode->setToolTip(tr("System clock: start the studio with --virtual-clock to jump time"));
    }
}

QList<QAction *> ClockControls::actions() const
{
    return {m_pause, m_minute, m_hour, m_day, m_custom, m_next, m_stop};
}

void ClockControls::setPaused(bool paused)
{
    if (!m_virtual)
        return;
    if (paused)
        m_virtual->pause();
    else
        m_virtual->resume();
    const QSignalBlocker blocker(m_pause);
    m_pause->setChecked(m_virtual->isPaused());
    updateTime();
}

void ClockControls::advanceBy(std::chrono::milliseconds duration)
{
    if (!m_virtual || m_busy || duration.count() <= 0)
        return;
    setBusy(true);
    VirtualClock *clock = m_virtual;
    // Read before the jump starts: once it runs, the clock may already have moved.
    const qint64 from = clock->nowMs();
    // advance() waits for every alarm turn it fires: never on the GUI thread.
    QFuture<int> future = QtConcurrent::run(m_jumps,
                                            [clock, duration] { return clock->advance(duration); });
    const QString what = durationName(duration);
    m_stopRequested = false;
    future.then(this, [this, what, from](int fired) {
        setBusy(false);
        if (m_stopRequested && m_virtual) {
            const auto reached = std::chrono::milliseconds(m_virtual->nowMs() - from);
            emit jumpFinished(
                tr("Stopped after %1 of %2: %n alarm(s) fired", nullptr, fired)
                    .arg(reached.count() > 0 ? durationName(reached) : tr("no time"), what),
                fired);
            return;
        }
        emit jumpFinished(tr("Advanced %1: %n alarm(s) fired", nullptr, fired).arg(what), fired);
    });
}

void ClockControls::runToNextAlarm()
{
    if (!m_virtual || m_busy)
        return;
    setBusy(true);
    VirtualClock *clock = m_virtual;
    QFuture<int> future = QtConcurrent::run(m_jumps, [clock] { return clock->runToNextAlarm(); });
    future.then(this, [this](int fired) {
        setBusy(false);
        emit jumpFinished(fired > 0 ? tr("Ran to the next alarm: %n alarm(s) fired", nullptr, fired)
                                    : tr("No pending alarm to run to"),
                          fired);
    });
}

void ClockControls::stopJump()
{
    if (!m_virtual || !m_busy)
        return;
    m_stopRequested = true;
    m_virtual->cancelJump();
}

void ClockControls::askCustomAdvance()
{
    if (!m_virtual || m_busy)
        return;
    bool ok = false;
    const int minutes = QInputDialog::getInt(this, tr("Advance the Clock"),
                                             tr("Advance the virtual clock by (minutes):"), 90, 1,
                                             60 * 24 * 366, 1, &ok);
    if (ok)
        advanceBy(std::chrono::minutes(minutes));
}

void ClockControls::setBusy(bool busy)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_stopButton->setVisible(busy);
    updateActions();
    emit busyChanged(busy);
}

void ClockControls::updateTime()
{
    if (!m_clock)
        return;
    QString text = m_clock->now().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                   QStringLiteral(" UTC");
    m_time->setText(text);
    m_time->setToolTip(m_clock->isPaused() ? tr("The clock is paused")
                                           : tr("The clock is running"));
    m_time->setStyleSheet(m_clock->isPaused() ? QStringLiteral("color: #8a8f98;") : QString());
}

void ClockControls::updateActions()
{
    for (QAction *action : actions())
        action->setEnabled(m_virtual != nullptr && !m_busy);
    m_stop->setEnabled(m_virtual != nullptr && m_busy); // the one action a jump leaves on
    m_pause->setEnabled(m_virtual != nullptr);
}

} // namespace Durable::Ui
