// SPDX-License-Identifier: MIT
#include "sqlresultmodel.h"

#include "format.h"
#include "guithread.h"

#include <QColor>

namespace Durable::Ui {

SqlResultModel::SqlResultModel(QObject *parent) : QAbstractTableModel(parent)
{ }

int SqlResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_result.rows.size());
}

int SqlResultModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_result.columns.size());
}

QVariant SqlResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonArray &row = m_result.rows.at(index.row());
    const QJsonValue value = index.column() < row.size() ? row.at(index.column()) : QJsonValue();
    const bool isNull = value.isNull() || value.isUndefined();
    switch (role) {
    case Qt::DisplayRole:
        if (isNull)
            return QStringLiteral("NULL");
        if (value.isString())
            return value.toString();
        return jsonPreview(value, 500);
    case Qt::ToolTipRole:
        return value.isString() ? value.toString().left(4000) : jsonPreview(value, 4000);
    case Qt::ForegroundRole:
        if (isNull)
            return QColor(Qt::gray);
        return {};
    case Qt::FontRole:
        return monospaceFont();
    case Qt::TextAlignmentRole:
        if (value.isDouble())
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ValueRole:
        return QVariant::fromValue(value);
    case IsNullRole:
        return isNull;
    }
    return {};
}

QVariant SqlResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < m_result.columns.size())
        return m_result.columns.at(section);
    return QAbstractTableModel::headerData(section, orientation, role);
}

QHash<int, QByteArray> SqlResultModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ValueRole, "value");
    names.insert(IsNullRole, "isNull");
    return names;
}

void SqlResultModel::setResult(const SqlResult &result)
{
    assertGuiThread(this);
    beginResetModel();
    m_result = result;
    endResetModel();
}

void SqlResultModel::clear()
{
    assertGuiThread(this);
    setResult({});
}

} // namespace Durable::Ui
