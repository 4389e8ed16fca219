// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListView;
class QSplitter;
class QTableView;
class QTimer;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class ClassListModel;
class ObjectListModel;

// Classes on the left, their objects on the right, with a text filter, a status filter and
// sortable columns. Emits currentObjectChanged() when the selection moves. GUI thread only.
class ObjectBrowser : public QWidget
{
    Q_OBJECT
public:
    ObjectBrowser(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    ObjectListModel *objectModel() const { return m_objects; }
    ClassListModel *classModel() const { return m_classes; }
    QTableView *tableView() const { return m_table; }
    QListView *classView() const { return m_classView; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *statusCombo() const { return m_status; }
    QSplitter *splitter() const { return m_splitter; }

    ObjectSummary currentObject() const;
    // Selects the object when it is loaded; returns whether it was.
    bool selectObject(const ObjectId &id);

public slots:
    void refresh();
    void focusFilter();

signals:
    void currentObjectChanged(const Durable::ObjectSummary &object);
    void activated(const Durable::ObjectSummary &object);

private:
    void setUpTable();
    QHBoxLayout *createFilterRow();
    void connectWidgets();
    void applyTextFilter();
    void applyStatusFilter();
    void classSelected();
    void updateCountLabel();

    ClassListModel *m_classes;
    ObjectListModel *m_objects;
    QSplitter *m_splitter;
    QListView *m_classView;
    QTableView *m_table;
    QLineEdit *m_filter;
    QComboBox *m_status;
    QLabel *m_count;
    QTimer *m_filterDelay;
};

} // namespace Durable::Ui
