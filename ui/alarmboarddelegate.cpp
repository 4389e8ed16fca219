// SPDX-License-Identifier: MIT
#include "alarmboarddelegate.h"

#include "alarmboardmodel.h"

#include <QPainter>

namespace Durable::Ui {

QColor AlarmBoardDelegate::overdueTint()
{
    return QColor(0xfd, 0xe8, 0xe8);
}

QColor AlarmBoardDelegate::retryingTint()
{
    return QColor(0xff, 0xf1, 0xd6);
}

void AlarmBoardDelegate::initStyleOption(QStyleOptionViewItem *option,
                                         const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const bool retrying = index.data(AlarmBoardModel::RetryingRole).toBool();
    const bool overdue = index.data(AlarmBoardModel::OverdueRole).toBool();
    if (index.column() == AlarmBoardModel::CountdownColumn && overdue) {
        option->palette.setColor(QPalette::Text, QColor(0xb0, 0x1e, 0x1e));
        option->font.setBold(true);
    }
    if (index.column() == AlarmBoardModel::RetryColumn && retrying) {
        option->palette.setColor(QPalette::Text, QColor(0x9a, 0x5b, 0x00));
        option->font.setBold(true);
    }
}

void AlarmBoardDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    if (!(option.state & QStyle::State_Selected)) {
        if (index.data(AlarmBoardModel::RetryingRole).toBool())
            painter->fillRect(option.rect, retryingTint());
        else if (index.data(AlarmBoardModel::OverdueRole).toBool())
            painter->fillRect(option.rect, overdueTint());
    }
    QStyledItemDelegate::paint(painter, option, index);
}

} // namespace Durable::Ui
