// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/wranglertypes.h>

#include <QAbstractItemModel>

namespace Durable::Ui {

// The Durable Objects of a wrangler state folder as a tree: one row per class, its objects
// below (id, script, size). setObjects() replaces the whole list. GUI thread only.
class WranglerObjectModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ScriptColumn, SizeColumn, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, ClassNameRole, FilePathRole };

    explicit WranglerObjectModel(QObject *parent = nullptr);

    void setObjects(const QList<WranglerObjectInfo> &objects);
    // The object at index; nullopt for a class row or an invalid index.
    std::optional<WranglerObjectInfo> object(const QModelIndex &index) const;
    // The index of the object of className whose id starts with idPrefix; invalid if none.
    QModelIndex find(const QString &className, const QString &idPrefix) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct ClassGroup
    {
        QString name;
        QList<WranglerObjectInfo> objects;
    };
    // Internal id of an index: 0 for a class row, class row + 1 for an object row.
    QList<ClassGroup> m_classes;
};

} // namespace Durable::Ui
