// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QWidget>

class QLabel;
class QTableView;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class AlarmBoardModel;

// Every pending alarm across objects, soonest first; overdue ones highlighted. Activating a row
// asks for that object to be shown. GUI thread only.
class AlarmBoard : public QWidget
{
    Q_OBJECT
public:
    AlarmBoard(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    AlarmBoardModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

public slots:
    void refresh();

signals:
    void objectActivated(const QString &className, const Durable::ObjectId &id);

private:
    void updateSummary();

    AlarmBoardModel *m_model;
    QTableView *m_view;
    QLabel *m_summary;
};

} // namespace Durable::Ui
