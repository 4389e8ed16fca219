// SPDX-License-Identifier: MIT
#include "alarmboard.h"

#include "alarmboarddelegate.h"
#include "alarmboardmodel.h"
#include "format.h"
#include "futures.h"

#include <durable/core/inspector.h>

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Durable::Ui {

namespace {

QString labelOf(const AlarmSummary &alarm)
{
    return QStringLiteral("%1/%2").arg(
        alarm.className, alarm.name.isEmpty() ? alarm.id.toString().left(16) : alarm.name);
}

} // namespace

AlarmBoard::AlarmBoard(Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent), m_inspector(inspector), m_model(new AlarmBoardModel(inspector, clock, this)),
      m_view(new QTableView), m_summary(new QLabel), m_message(new QLabel),
      m_fireNow(new QAction(tr("Fire Now"), this)), m_cancel(new QAction(tr("Cancel Alarm"), this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setItemDelegate(new AlarmBoardDelegate(m_view));
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    const QFontMetrics metrics = m_view->fontMetrics();
    auto widthOf = [&metrics](const QString &sample) {
        return metrics.horizontalAdvance(sample) + 24;
    };
    m_view->setColumnWidth(AlarmBoardModel::ObjectColumn,
                           widthOf(QStringLiteral("weekly-review-xx")));
    m_view->setColumnWidth(AlarmBoardModel::ClassColumn, widthOf(QStringLiteral("Reminder")));
    m_view->setColumnWidth(
        AlarmBoardModel::DueColumn,
        QFontMetrics(monospaceFont()).horizontalAdvance(QStringLiteral("0000-00-00 00:00:00")) +
            24);
    m_view->setColumnWidth(AlarmBoardModel::CountdownColumn,
                           widthOf(QStringLiteral("overdue 23 h 59 min")));

    m_fireNow->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_fireNow->setToolTip(tr("Run the selected object's alarm now, as a turn journaled "
                             "\"admin-fire\" (Ctrl+Shift+F)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Delete));
    m_cancel->setToolTip(tr("Delete the selected alarm; for an agent, cancel the schedules it is "
                            "set for (Delete)"));
    for (QAction *action : {m_fireNow, m_cancel}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        m_view->addAction(action);
    }
    connect(m_fireNow, &QAction::triggered, this, &AlarmBoard::fireSelected);
    connect(m_cancel, &QAction::triggered, this, &AlarmBoard::cancelSelected);

    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    for (QAction *action : {m_fireNow, m_cancel}) {
        auto *button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        top->addWidget(button);
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_view, 1);

    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const AlarmSummary alarm = m_model->alarm(index.row());
        emit objectActivated(alarm.className, alarm.id);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &AlarmBoard::updateSummary);
    connect(m_model, &AlarmBoardModel::refreshed, this, &AlarmBoard::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AlarmBoard::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlarmBoard::updateActions);
    updateSummary();
    updateActions();
}

void AlarmBoard::refresh()
{
    m_model->refresh();
}

void AlarmBoard::updateSummary()
{
    const int overdue = m_model->overdueCount();
    int retrying = 0;
    for (int row = 0; row < m_model->rowCount(); ++row)
        retrying += m_model->alarm(row).retryCount > 0 ? 1 : 0;
    QString text = tr("%n pending alarm(s)", nullptr, m_model->rowCount());
    if (overdue > 0)
        text += tr(", <b style=\"color:#b01e1e\">%1 overdue</b>").arg(overdue);
    if (retrying > 0)
        text += tr(", <b style=\"color:#9a5b00\">%1 retrying</b>").arg(retrying);
    m_summary->setText(text);
}

void AlarmBoard::updateActions()
{
    const bool selected = selectedAlarm().has_value();
    m_fireNow->setEnabled(selected && m_inspector);
    m_cancel->setEnabled(selected && m_inspector);
}

std::optional<AlarmSummary> AlarmBoard::selectedAlarm() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->alarm(rows.first().row());
}

void AlarmBoard::showMessage(const QString &text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: #b01e1e; font-weight: bold;")
                                   : QStringLiteral("color: #2e7d32;"));
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void AlarmBoard::fireSelected()
{
    const std::optional<AlarmSummary> alarm = selectedAlarm();
    if (!alarm || !m_inspector)
        return;
    const QString label = labelOf(*alarm);
    whenReady(
        m_inspector->fireAlarmNow(alarm->className, alarm->id), this,
        [this, label](qint64 seq) {
            showMessage(tr("Fired the alarm of %1 (turn %2)").arg(label).arg(seq), false);
            refresh();
        },
        [this](const Durable::Error &error) {
            showMessage(error.message(), true);
            refresh();
        });
}

void AlarmBoard::cancelSelected()
{
    const std::optional<AlarmSummary> alarm = selectedAlarm();
    if (!alarm || !m_inspector)
        return;
    const QString label = labelOf(*alarm);
    whenReady(
        m_inspector->cancelAlarm(alarm->className, alarm->id), this,
        [this, label](qint64 seq) {
            showMessage(tr("Cancelled the alarm of %1 (turn %2)").arg(label).arg(seq), false);
            refresh();
        },
        [this](const Durable::Error &error) {
            showMessage(error.message(), true);
            refresh();
        });
}

} // namespace Durable::Ui
