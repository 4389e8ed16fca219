// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/journaltypes.h>
#include <durable/core/objectid.h>
#include <durable/core/sandboxes.h>
#include <durable/core/storagetypes.h>

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTreeWidget;

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

class JournalModel;

// The Timeline tab: one object's journal, newest first, with its failed (rolled-back) turns in
// place and marked as failed with their error. Selecting one turn shows the key/value state as
// of that turn and its diff against the turn before; selecting two shows the diff between them;
// selecting a failed turn shows its error and input, and the state it left unchanged. "Fork
// from here…" copies the state as of the selected turn into a new object.
//
// Reads only while shown (reading the journal runs on the object's strand and would wake a
// hibernated object). Every read goes through the inspector's futures; results for a selection
// no longer shown are dropped. GUI thread only.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    enum DiffColumn { DiffKeyColumn, DiffChangeColumn, DiffBeforeColumn, DiffAfterColumn };

    explicit TimelineView(Inspector *inspector, QWidget *parent = nullptr);

    // name (empty for objects addressed by id) only suggests the fork's name.
    void setObject(const QString &className, const ObjectId &id, const QString &name = {});
    JournalModel *model() const { return m_model; }
    QTableView *journalView() const { return m_view; }
    QTreeWidget *stateTree() const { return m_stateTree; }
    QTreeWidget *diffTree() const { return m_diffTree; }
    QLabel *stateLabel() const { return m_stateLabel; }
    QLabel *diffLabel() const { return m_diffLabel; }
    QLabel *forkStatusLabel() const { return m_forkStatus; }
    QPushButton *forkButton() const { return m_forkButton; }
    QPushButton *sandboxButton() const { return m_sandboxButton; }
    // The selected turns' seqs, ascending.
    QList<qint64> selectedSeqs() const;

public slots:
    // Asks for a name, then forks from the one selected turn.
    void forkFromSelection();
    // Forks as newName from turn seq; the outcome shows beside the button.
    void forkFrom(qint64 seq, const QString &newName);
    // Asks for a name, then copies the object as of the selected turn into a sandbox.
    void sandboxFromSelection();
    // Copies the object as of turn seq into a new sandbox named name (Inspector::sandbox).
    void sandboxFrom(qint64 seq, const QString &name);

signals:
    void errorOccurred(const Durable::Error &error);
    // The state and diff panes show the current selection (both reads are in).
    void selectionShown();
    void forked(const Durable::ObjectId &id, const QString &name);
    void sandboxCreated(const Durable::SandboxInfo &sandbox);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void selectionChanged();
    void showState(const QList<KeyValue> &state);
    void showDiff(const StateDiff &diff);
    void showFailure(const TurnFailure &failure, RefreshTracker::Ticket ticket);
    void partArrived(RefreshTracker::Ticket ticket);
    void setForkStatus(const QString &text, bool failed);
    void updateForkButton();

    QPointer<Inspector> m_inspector;
    QString m_className;
    ObjectId m_id;
    QString m_name;
    bool m_loadWhenShown = false;
    RefreshTracker m_selections;
    int m_partsPending = 0;
    RefreshTracker m_forks;
    bool m_forking = false;

    JournalModel *m_model;
    QTableView *m_view;
    QLabel *m_stateLabel;
    QTreeWidget *m_stateTree;
    QLabel *m_diffLabel;
    QTreeWidget *m_diffTree;
    QPushButton *m_forkButton;
    QPushButton *m_sandboxButton;
    QLabel *m_forkStatus;
};

} // namespace Durable::Ui
