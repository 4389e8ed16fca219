// SPDX-License-Identifier: MIT
#include "alarmboard.h"

#include "alarmboardmodel.h"
#include "format.h"
#include "statusdelegate.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace Durable::Ui {

AlarmBoard::AlarmBoard(Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent),
      m_model(new AlarmBoardModel(inspector, clock, this)),
      m_view(new QTableView),
      m_summary(new QLabel)
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setItemDelegateForColumn(AlarmBoardModel::CountdownColumn,
                                     new StatusDelegate(0, AlarmBoardModel::OverdueRole, m_view));
    const QFontMetrics metrics = m_view->fontMetrics();
    auto widthOf = [&metrics](const QString &sample) { return metrics.horizontalAdvance(sample) + 24; };
    m_view->setColumnWidth(AlarmBoardModel::ObjectColumn, widthOf(QStringLiteral("weekly-review-xx")));
    m_view->setColumnWidth(AlarmBoardModel::ClassColumn, widthOf(QStringLiteral("Reminder")));
    m_view->setColumnWidth(AlarmBoardModel::DueColumn,
                           QFontMetrics(monospaceFont()).horizontalAdvance(QStringLiteral("0000-00-00 00:00:00")) + 24);
    m_view->setColumnWidth(AlarmBoardModel::CountdownColumn, widthOf(QStringLiteral("overdue 23 h 59 min")));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);

    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const AlarmSummary alarm = m_model->alarm(index.row());
        emit objectActivated(alarm.className, alarm.id);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &AlarmBoard::updateSummary);
    connect(m_model, &AlarmBoardModel::refreshed, this, &AlarmBoard::updateSummary);
    updateSummary();
}

void AlarmBoard::refresh()
{
    m_model->refresh();
}

void AlarmBoard::updateSummary()
{
    const int overdue = m_model->overdueCount();
    QString text = tr("%n pending alarm(s)", nullptr, m_model->rowCount());
    if (overdue > 0)
        text += tr(", <b style=\"color:#b01e1e\">%1 overdue</b>").arg(overdue);
    m_summary->setText(text);
}

} // namespace Durable::Ui
