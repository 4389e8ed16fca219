// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace Durable::Ui {

// Paints the studio's status cues from model roles, so models never paint: a coloured dot before
// an object status (statusRole holds int(ObjectStatus)) and a red tint on overdue alarms
// (overdueRole true). Either role may be 0 to disable that cue.
class StatusDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    StatusDelegate(int statusRole, int overdueRole, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_statusRole;
    int m_overdueRole;
};

} // namespace Durable::Ui
