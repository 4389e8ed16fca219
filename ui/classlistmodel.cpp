// SPDX-License-Identifier: MIT
#include "classlistmodel.h"

#include "futures.h"
#include "guithread.h"

#include <durable/core/inspector.h>

#include <QTimer>

namespace Durable::Ui {

ClassListModel::ClassListModel(Inspector *inspector, QObject *parent)
    : QAbstractListModel(parent), m_inspector(inspector), m_refreshLater(new QTimer(this))
{
    connect(inspector, &Inspector::changesAvailable, this, &ClassListModel::applyChanges);
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(250);
    connect(m_refreshLater, &QTimer::timeout, this, &ClassListModel::refresh);
}

int ClassListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_classes.size()) + 1;
}

qint64 ClassListModel::totalCount() const
{
    qint64 total = 0;
    for (const ClassSummary &summary : m_classes)
        total += summary.objectCount;
    return total;
}

QVariant ClassListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (index.row() == 0) {
        switch (role) {
        case Qt::DisplayRole:
            return tr("All classes  (%1)").arg(totalCount());
        case NameRole:
            return QString();
        case CountRole:
            return totalCount();
        case Qt::ToolTipRole:
            return tr("Every object of every class");
        }
        return {};
    }
    const ClassSummary &summary = m_classes.at(index.row() - 1);
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1  (%2)").arg(summary.name).arg(summary.objectCount);
    case Qt::ToolTipRole: {
        const QString about =
            summary.description.isEmpty()
                ? tr("%1 objects, %2 in memory").arg(summary.objectCount).arg(summary.liveCount)
                : summary.description;
        return summary.source.isEmpty() ? about : tr("%1\nCode: %2").arg(about, summary.source);
    }
    case NameRole:
        return summary.name;
    case CountRole:
        return summary.objectCount;
    case LiveCountRole:
        return summary.liveCount;
    case DescriptionRole:
        return summary.description;
    case SourceRole:
        return summary.source;
    }
    return {};
}

QHash<int, QByteArray> ClassListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(CountRole, "count");
    names.insert(LiveCountRole, "liveCount");
    names.insert(DescriptionRole, "description");
    names.insert(SourceRole, "source");
    return names;
}

void ClassListModel::refresh()
{
    assertGuiThread(this);
    if (!m_inspector)
        return;
    const RefreshTracker::Ticket ticket = m_reads.next();
    whenReady(
        m_inspector->classes(), this,
        [this, ticket](const QList<ClassSummary> &classes) {
            if (m_reads.isCurrent(ticket))
                setClasses(classes);
        },
        [this](const Durable::Error &error) { emit errorOccurred(error); });
}

void ClassListModel::setClasses(const QList<ClassSummary> &classes)
{
    bool sameNames = classes.size() == m_classes.size();
    for (qsizetype i = 0; sameNames && i < classes.size(); ++i)
        sameNames = classes.at(i).name == m_classes.at(i).name;
    if (!sameNames) {
        beginResetModel();
        m_classes = classes;
        endResetModel();
        return;
    }
    m_classes = classes;
    emit dataChanged(index(0), index(int(m_classes.size())));
}

void ClassListModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    // Counting events on top of a snapshot double-counts objects the snapshot already saw; a
    // catalog snapshot per burst (coalesced) is exact and cheap.
    for (const ChangeEvent &event : batch) {
        switch (event.kind) {
        case ChangeEvent::Kind::ObjectCreated:
        case ChangeEvent::Kind::ObjectActivated:
        case ChangeEvent::Kind::ObjectEvicted:
        case ChangeEvent::Kind::Overflow:
            if (!m_refreshLater->isActive())
                m_refreshLater->start();
            return;
        default:
            break;
        }
    }
}

} // namespace Durable::Ui
