// SPDX-License-Identifier: MIT
#include "wranglerobjectmodel.h"

#include "guithread.h"
#include <QLocale>

namespace Durable::Ui {

WranglerObjectModel::WranglerObjectModel(QObject *parent) : QAbstractItemModel(parent)
{ }

void WranglerObjectModel::setObjects(const QList<WranglerObjectInfo> &objects)
{
    assertGuiThread(this);
    beginResetModel();
    m_classes.clear();
    for (const WranglerObjectInfo &object : objects) {
        auto group = std::find_if(
            m_classes.begin(), m_classes.end(),
            [&object](const ClassGroup &g) { return g.name == object.className; });
        if (group == m_classes.end()) {
            m_classes.append({object.className, {}});
            group = m_classes.end() - 1;
        }
        group->objects.append(object);
    }
    endResetModel();
}

std::optional<WranglerObjectInfo> WranglerObjectModel::object(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == 0)
        return std::nullopt;
    const qsizetype group = qsizetype(index.internalId()) - 1;
    if (group >= m_classes.size() || index.row() >= m_classes.at(group).objects.size())
        return std::nullopt;
    return m_classes.at(group).objects.at(index.row());
}

QModelIndex WranglerObjectModel::find(const QString &className, const QString &idPrefix) const
{
    for (qsizetype group = 0; group < m_classes.size(); ++group) {
        if (m_classes.at(group).name != className)
            continue;
        const QList<WranglerObjectInfo> &objects = m_classes.at(group).objects;
        for (qsizetype row = 0; row < objects.size(); ++row) {
            if (objects.at(row).id.startsWith(idPrefix))
                return createIndex(int(row), 0, quintptr(group + 1));
        }
    }
    return {};
}

QModelIndex WranglerObjectModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex WranglerObjectModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int WranglerObjectModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_classes.size());
    if (parent.column() != 0 || parent.internalId() != 0)
        return 0;
    return int(m_classes.at(parent.row()).objects.size());
}

int WranglerObjectModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant WranglerObjectModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == 0) {
        const ClassGroup &group = m_classes.at(index.row());
        if (role == ClassNameRole)
            return group.name;
        if (role != Qt::DisplayRole || index.column() != NameColumn)
            return {};
        return QStringLiteral("%1 (%2)").arg(group.name).arg(group.objects.size());
    }
    const std::optional<WranglerObjectInfo> info = object(index);
    if (!info)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return info->id.left(16);
        case ScriptColumn:
            return info->scriptName;
        case SizeColumn:
            return QLocale().formattedDataSize(info->sizeBytes);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2").arg(info->id, info->filePath);
    case IdRole:
        return info->id;
    case ClassNameRole:
        return info->className;
    case FilePathRole:
        return info->filePath;
    default:
        return {};
    }
}

QVariant WranglerObjectModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Class / object");
    case ScriptColumn:
        return tr("Script");
    case SizeColumn:
        return tr("Size");
    default:
        return {};
    }
}

} // namespace Durable::Ui
