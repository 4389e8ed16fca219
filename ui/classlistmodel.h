// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

#include <QAbstractListModel>
#include <QPointer>

class QTimer;

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

// The registered classes with their object counts, behind an "All classes" row (row 0, empty
// NameRole). Counts follow the change feed; refresh() takes a fresh snapshot. GUI thread only.
class ClassListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        CountRole,
        LiveCountRole,
        DescriptionRole,
        SourceRole
    };

    explicit ClassListModel(Inspector *inspector, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QList<ClassSummary> classes() const { return m_classes; }
    qint64 totalCount() const;

public slots:
    void refresh();

signals:
    void errorOccurred(const Durable::Error &error);

private:
    void setClasses(const QList<ClassSummary> &classes);
    void applyChanges(const QList<ChangeEvent> &batch);

    QPointer<Inspector> m_inspector;
    QList<ClassSummary> m_classes;
    RefreshTracker m_reads;
    QTimer *m_refreshLater = nullptr;
};

} // namespace Durable::Ui
