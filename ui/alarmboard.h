// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QPointer>
#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QTableView;
class QToolButton;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class AlarmBoardModel;

// Every pending alarm across objects, soonest first; overdue and retrying ones highlighted.
// Activating a row asks for that object to be shown. Fire Now and Cancel act on the selected
// row (buttons, context menu, Ctrl+Shift+F and Delete while the board has focus) as admin
// commands of the inspection API; their outcome or error is shown inline. GUI thread only.
class AlarmBoard : public QWidget
{
    Q_OBJECT
public:
    AlarmBoard(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    AlarmBoardModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QAction *fireNowAction() const { return m_fireNow; }
    QAction *cancelAction() const { return m_cancel; }
    QLabel *messageLabel() const { return m_message; }

public slots:
    void refresh();
    void fireSelected();
    void cancelSelected();

signals:
    void objectActivated(const QString &className, const Durable::ObjectId &id);

private:
    void updateSummary();
    void updateActions();
    std::optional<AlarmSummary> selectedAlarm() const;
    void showMessage(const QString &text, bool error);

    QPointer<Inspector> m_inspector;
    AlarmBoardModel *m_model;
    QTableView *m_view;
    QLabel *m_summary;
    QLabel *m_message;
    QAction *m_fireNow;
    QAction *m_cancel;
};

} // namespace Durable::Ui
