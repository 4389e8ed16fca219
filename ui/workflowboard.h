// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <QPointer>
#include <QWidget>
#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

class QComboBox;
class QLabel;
class QTableView;

namespace Durable {
class Clock;
class Engine;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class WorkflowBoardModel;

// The Workflow dock: pick a class that declared workflow steps, see one column per step with
// its count and the objects in it; clicking an object asks to inspect it (objectActivated).
// Follows the change feed and clock jumps only while shown. GUI thread only.
class WorkflowBoard : public QWidget
{
    Q_OBJECT
public:
    WorkflowBoard(Engine *engine, Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    WorkflowBoardModel *model() const { return m_model; }
    QComboBox *classCombo() const { return m_classCombo; }
    QTableView *boardView() const { return m_view; }
    QLabel *summaryLabel() const { return m_summary; }
    // Shows className if it declared steps (once the class list is in); false if it did not.
    bool selectClass(const QString &className);

public slots:
    // Re-reads the classes (and with them the board).
    void refresh();

signals:
    void objectActivated(const QString &className, const Durable::ObjectId &id);
    void errorOccurred(const Durable::Error &error);
    // The class list was read.
    void classesLoaded();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showClasses(const QList<ClassSummary> &classes);
    void classChosen();
    void updateSummary();
    void fitColumns();
    void activate(const QModelIndex &index);

    QPointer<Inspector> m_inspector;
    QList<ClassSummary> m_classes; // those with steps
    QString m_wanted;              // the class to show once the list is in
    RefreshTracker m_reads;

    WorkflowBoardModel *m_model;
    QComboBox *m_classCombo;
    QLabel *m_summary;
    QTableView *m_view;
};

} // namespace Durable::Ui
