// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/outgoingcallinfo.h>
#include <durable/core/sandboxes.h>

#include <QPointer>
#include <QWidget>

#include <optional>

class QFormLayout;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTabWidget;
class QTimer;
class QTreeWidget;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class AlarmSchedulesView;
class CompareDialog;
class ConversationView;
class KeyValueModel;
class PendingCallModel;
class RepairBanner;
class StateView;
class SqlResultModel;
class TimelineView;

// One object in detail: Overview (with an agent's calls waiting for a reply), State (the agent
// state and the key/value entries as JSON trees, editable), Storage (schema and a read-only SQL
// console), Alarm & Schedules (live countdowns, fire now, reschedule, cancel) and Timeline (the
// journal, state and diffs per turn, fork). Every read goes through the inspector's futures;
// results for an object no longer shown are dropped. GUI thread only.
class ObjectInspector : public QWidget
{
    Q_OBJECT
public:
    enum Tab { OverviewTab, StateTab, StorageTab, AlarmTab, TimelineTab, ConversationTab };

    ObjectInspector(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    void setObject(const ObjectSummary &object);
    ObjectSummary object() const { return m_object; }

    QTabWidget *tabs() const { return m_tabs; }
    KeyValueModel *keyValueModel() const;
    SqlResultModel *sqlResultModel() const { return m_sqlResult; }
    QPlainTextEdit *sqlEditor() const { return m_sqlEdit; }
    QTreeWidget *stateTree() const; // the key/value entries as a JSON tree
    QTreeWidget *schemaTree() const { return m_schemaTree; }
    QLabel *sqlStatusLabel() const { return m_sqlStatus; }
    QLabel *alarmCountdownLabel() const;
    StateView *stateView() const { return m_stateView; }
    AlarmSchedulesView *alarmView() const { return m_alarmView; }
    TimelineView *timeline() const { return m_timeline; }
    ConversationView *conversation() const { return m_conversation; }
    PendingCallModel *pendingCallModel() const { return m_pendingCalls; }
    QTableView *pendingCallView() const { return m_pendingCallView; }
    QGroupBox *pendingCallBox() const { return m_pendingCallBox; }
    RepairBanner *repairBanner() const { return m_repairBanner; }
    // The Compare… dialog last opened from here (null when closed), for tests and screenshots.
    CompareDialog *compareDialog() const;
    QPushButton *compareButton() const { return m_compareButton; }

public slots:
    void refresh();
    void runQuery();

signals:
    void errorOccurred(const Durable::Error &error);
    void refreshed();
    void repaired(const QString &note); // a quarantined object was reset or accepted
    void sandboxCreated(const Durable::SandboxInfo &sandbox); // from the Timeline tab
    // Compare… on a sandbox's copy: its origin is the same object in the original directory.
    void compareWithOriginalRequested(const Durable::ObjectSummary &copy);

private:
    void openCompare();
    QWidget *buildOverview();
    QWidget *buildPendingCalls();
    QWidget *buildStorage();
    void showOverview();
    void showSchema(const QList<TableSchema> &tables);
    void readPendingCalls(RefreshTracker::Ticket ticket);
    void showPendingCalls(const QList<OutgoingCallInfo> &calls);
    void applyChanges(const QList<ChangeEvent> &batch);
    void report(const Error &error);

    QPointer<Inspector> m_inspector;
    QPointer<Clock> m_clock;
    ObjectSummary m_object;
    QPushButton *m_compareButton = nullptr;
    QPointer<CompareDialog> m_compareDialog;
    RefreshTracker m_reads;
    RefreshTracker m_queries;

    QTabWidget *m_tabs;
    QLabel *m_title;
    QLabel *m_idLabel;
    QLabel *m_nameLabel;
    QLabel *m_classLabel;
    QLabel *m_statusLabel;
    QLabel *m_stepLabel;
    QLabel *m_queueLabel;
    QLabel *m_nextAlarmLabel;
    QLabel *m_pendingLabel;
    QLabel *m_callsLabel;
    QLabel *m_createdLabel;
    QLabel *m_lastActiveLabel;
    QLabel *m_forkLabel;
    PendingCallModel *m_pendingCalls;
    QTableView *m_pendingCallView;
    QGroupBox *m_pendingCallBox;
    StateView *m_stateView;
    AlarmSchedulesView *m_alarmView;
    QTreeWidget *m_schemaTree;
    QPlainTextEdit *m_sqlEdit;
    QPushButton *m_runButton;
    SqlResultModel *m_sqlResult;
    QTableView *m_sqlView;
    QLabel *m_sqlStatus;
    TimelineView *m_timeline;
    RepairBanner *m_repairBanner;
    ConversationView *m_conversation = nullptr;
    QTimer *m_tick;
    QTimer *m_refreshLater;
};

} // namespace Durable::Ui
