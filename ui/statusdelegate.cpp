// SPDX-License-Identifier: MIT
#include "statusdelegate.h"

#include "format.h"

#include <QPainter>

namespace Durable::Ui {

namespace {

constexpr int DotSize = 8;

bool isOverdue(const QModelIndex &index, int role)
{
    return role != 0 && index.data(role).toBool();
}

} // namespace

StatusDelegate::StatusDelegate(int statusRole, int overdueRole, QObject *parent)
    : QStyledItemDelegate(parent), m_statusRole(statusRole), m_overdueRole(overdueRole)
{ }

void StatusDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (isOverdue(index, m_overdueRole)) {
        option->palette.setColor(QPalette::Text, QColor(0xb0, 0x1e, 0x1e));
        option->font.setBold(true);
    }
    if (m_statusRole != 0 && index.data(m_statusRole).isValid())
        option->rect.adjust(DotSize + 8, 0, 0, 0); // room for the dot
}

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    if (isOverdue(index, m_overdueRole) && !(option.state & QStyle::State_Selected))
        painter->fillRect(option.rect, QColor(0xfd, 0xe8, 0xe8));
    const QVariant status = m_statusRole != 0 ? index.data(m_statusRole) : QVariant();
    if (status.isValid()) {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(statusColor(ObjectStatus(status.toInt())));
        const QRect dot(option.rect.left() + 6, option.rect.center().y() - DotSize / 2 + 1, DotSize,
                        DotSize);
        painter->drawEllipse(dot);
        painter->restore();
    }
    QStyledItemDelegate::paint(painter, option, index);
}

} // namespace Durable::Ui
