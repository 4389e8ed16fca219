// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace Durable::Ui {

// Paints the alarm board's cues from AlarmBoardModel's roles, across the whole row: a red tint
// and red bold countdown for overdue alarms, an amber tint and bold retry count for alarms being
// retried after a failed turn (retrying wins: it says more). GUI thread only.
class AlarmBoardDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

    static QColor overdueTint();
    static QColor retryingTint();

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Durable::Ui
