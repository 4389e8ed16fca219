// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

#include <QPointer>
#include <QWidget>

#include <optional>

class QFormLayout;
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

class KeyValueModel;
class SqlResultModel;
class TimelineView;

// One object in detail: Overview, State (key/value entries and a JSON tree), Storage (schema and
// a read-only SQL console), Alarm (with a live countdown) and Timeline (the journal, state and
// diffs per turn, fork). Every read goes through the
// inspector's futures; results for an object no longer shown are dropped. GUI thread only.
class ObjectInspector : public QWidget
{
    Q_OBJECT
public:
    enum Tab { OverviewTab, StateTab, StorageTab, AlarmTab, TimelineTab };

    ObjectInspector(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    void setObject(const ObjectSummary &object);
    ObjectSummary object() const { return m_object; }

    QTabWidget *tabs() const { return m_tabs; }
    KeyValueModel *keyValueModel() const { return m_keyValues; }
    SqlResultModel *sqlResultModel() const { return m_sqlResult; }
    QPlainTextEdit *sqlEditor() const { return m_sqlEdit; }
    QTreeWidget *stateTree() const { return m_stateTree; }
    QTreeWidget *schemaTree() const { return m_schemaTree; }
    QLabel *sqlStatusLabel() const { return m_sqlStatus; }
    QLabel *alarmCountdownLabel() const { return m_alarmCountdown; }
    TimelineView *timeline() const { return m_timeline; }

public slots:
    void refresh();
    void runQuery();

signals:
    void errorOccurred(const Durable::Error &error);
    void refreshed();

private:
    QWidget *buildOverview();
    QWidget *buildState();
    QWidget *buildStorage();
    QWidget *buildAlarm();
    void showOverview();
    void rebuildStateTree();
    void showSchema(const QList<TableSchema> &tables);
    void showAlarm();
    void applyChanges(const QList<ChangeEvent> &batch);

    QPointer<Inspector> m_inspector;
    QPointer<Clock> m_clock;
    ObjectSummary m_object;
    std::optional<AlarmSummary> m_alarm;
    quint64 m_generation = 0;
    quint64 m_queryGeneration = 0;

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
    QLabel *m_createdLabel;
    QLabel *m_lastActiveLabel;
    QLabel *m_forkLabel;
    KeyValueModel *m_keyValues;
    QTableView *m_keyValueView;
    QTreeWidget *m_stateTree;
    QTreeWidget *m_schemaTree;
    QPlainTextEdit *m_sqlEdit;
    QPushButton *m_runButton;
    SqlResultModel *m_sqlResult;
    QTableView *m_sqlView;
    QLabel *m_sqlStatus;
    QLabel *m_alarmDue;
    QLabel *m_alarmCountdown;
    QLabel *m_alarmRetries;
    TimelineView *m_timeline;
    QTimer *m_tick;
    QTimer *m_refreshLater;
};

} // namespace Durable::Ui
