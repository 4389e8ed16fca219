// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QStringList>
#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

class QTimer;

namespace Durable {
class Clock;
class Engine;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

// The workflow board of one class that declared steps: one column per step in declared order
// (steps objects report that were not declared follow, sorted), the header naming the step and
// its exact object count, and the objects in that step listed
// down the column, at most listLimit per column with a last "+N more" cell.
//
// The class's objects are read, counted and grouped in one pass on the engine's query threads
// (so counts always agree with the lists); the GUI thread
// only receives at most listLimit objects per step, so a class with 100,000 objects stays
// smooth. While live, the change feed (events of this class) and clock jumps trigger a re-read,
// coalesced to at most one every refreshDelay and never two at once; while not live they only
// mark the board stale. GUI thread only.
class WorkflowBoardModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        ObjectIdRole = Qt::UserRole + 1, // ObjectId of an object cell
        ClassNameRole,                   // QString
        StatusRole,                      // int ObjectStatus of an object cell
        MoreRole,                        // qint64: objects not listed (the "+N more" cell)
        StepRole,                        // QString: the column's step (cells and header)
        CountRole,                       // qint64: the column's object count (cells and header)
    };
    static constexpr int DefaultListLimit = 200;

    WorkflowBoardModel(Engine *engine, Inspector *inspector, Clock *clock,
                       QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    // Shows className with its declared steps (empty name: nothing).
    void setClass(const QString &className, const QStringList &declaredSteps);
    QString className() const { return m_className; }
    QStringList steps() const { return m_steps; }
    qint64 count(const QString &step) const { return m_counts.value(step); }
    // The objects listed under step (at most listLimit()).
    QList<ObjectSummary> listed(const QString &step) const { return m_listed.value(step); }
    void setListLimit(int objects);
    int listLimit() const { return m_listLimit; }
    void setRefreshDelay(int ms);
    // Live: follows the feed and clock jumps. Not live: remembers that something changed and
    // re-reads when made live again.
    void setLive(bool live);
    bool isLive() const { return m_live; }
    bool isLoading() const { return m_reads.isBusy(); }

public slots:
    void refresh();

signals:
    // After each read was applied.
    void loaded();
    void errorOccurred(const Durable::Error &error);

private:
    struct Snapshot
    {
        QHash<QString, QList<ObjectSummary>> listed;
        QHash<QString, qint64> counts;
    };
    static Snapshot group(const QList<ObjectSummary> &objects, int limit);
    void apply(const Snapshot &snapshot);
    int rowsFor(const QString &step) const;
    void scheduleRefresh();
    void applyChanges(const QList<ChangeEvent> &batch);

    QPointer<Engine> m_engine;
    QPointer<Inspector> m_inspector;
    QString m_className;
    QStringList m_declaredSteps;
    QStringList m_steps; // the columns
    QHash<QString, qint64> m_counts;
    QHash<QString, QList<ObjectSummary>> m_listed;
    int m_rows = 0;
    int m_listLimit = DefaultListLimit;
    RefreshTracker m_reads;
    bool m_live = true;
    bool m_stale = false;
    QTimer *m_refreshLater;
};

} // namespace Durable::Ui
