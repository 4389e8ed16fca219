// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/sandboxes.h>

#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <optional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;

namespace Durable {
class Engine;
class Inspector;
class ScenarioRecorder;
} // namespace Durable

namespace Durable::Ui {

class AlarmBoard;
class ModelMenu;
class SandboxBar;
class ClockControls;
class InboxPanel;
class MetricsPanel;
class ObjectBrowser;
class ObjectInspector;
class SendRequestDialog;
class WorkflowBoard;

// The studio window: the object browser in the middle, the inspector, alarm board, human inbox,
// workflow board and metrics in docks (layout kept in QSettings), clock controls in a toolbar,
// every action in a menu with a shortcut, and the engine state, clock and live metrics in the
// status bar. GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(Engine *engine, Inspector *inspector, QWidget *parent = nullptr);
    ~MainWindow() override;

    ObjectBrowser *browser() const { return m_browser; }
    ObjectInspector *objectInspector() const { return m_inspectorView; }
    AlarmBoard *alarmBoard() const { return m_alarmBoard; }
    InboxPanel *inbox() const { return m_inbox; }
    WorkflowBoard *workflowBoard() const { return m_workflowBoard; }
    MetricsPanel *metricsPanel() const { return m_metrics; }
    ClockControls *clockControls() const { return m_clockControls; }
    SendRequestDialog *sendRequestDialog();
    QLabel *engineStateLabel() const { return m_engineState; }
    QLabel *clockLabel() const { return m_clockLabel; }
    QLabel *metricsLabel() const { return m_metricsLabel; }

    QAction *evictAction() const { return m_evict; }
    QAction *crashAction() const { return m_crash; }
    QAction *sendAction() const { return m_send; }
    QAction *refreshAction() const { return m_refresh; }
    QAction *inboxAction() const { return m_showInbox; }
    QAction *workflowAction() const { return m_workflowToggle; }

    // File menu: data directories and recording a session as a scenario.
    QAction *openDataDirectoryAction() const { return m_openDataDirectory; }
    // File > Reload Agent Packages: disabled until a program that loaded packages enables it;
    // triggering it emits reloadAgentPackagesRequested().
    QAction *reloadAgentPackagesAction() const { return m_reloadPackages; }
    // File > Sandboxes: the sandboxes of this directory (or of the one this sandbox came from),
    // each to open; back to the original; delete one. Filled each time it opens.
    QMenu *sandboxMenu() const;
    // File > Model for Agents: the session sets its current choice and reopens on a new one.
    ModelMenu *modelMenu() const { return m_modelMenu; }
    // The bar above the objects that says this directory is a sandbox (hidden otherwise).
    SandboxBar *sandboxBanner() const { return m_sandboxBar; }
    // The sandbox this window shows, if it shows one.
    const std::optional<SandboxInfo> &sandbox() const;
    QMenu *recentMenu() const { return m_recentMenu; }
    QAction *recordAction() const { return m_record; }
    QAction *stopRecordingAction() const { return m_stopRecording; }
    QLabel *recordingLabel() const { return m_recordingLabel; }
    // Most recent first; shown in File > Open Recent.
    void setRecentDataDirectories(const QStringList &directories);
    // Where "Stop Recording and Save…" proposes to save: scenarios/ in the data directory.
    QString defaultScenarioFile() const;

    void restoreLayout();
    void saveLayout() const;

public slots:
    void refreshAll();
    void showSendRequest();
    void evictSelected();
    void crashSelected();
    void resetSelected();
    void showObject(const QString &className, const Durable::ObjectId &id);
    void showMessage(const QString &text, int timeoutMs = 8000);
    void showInbox();
    // Deletes the sandbox name of this directory's origin, after saying what will go; refused
    // (in the status bar) for the sandbox that is open.
    void deleteSandbox(const QString &name);
    // Asks for a directory and emits openDataDirectoryRequested().
    void chooseDataDirectory();
    // Starts recording what is done in the studio (and by any other client of the engine). A
    // running virtual clock is paused, so the scenario replays exactly.
    void startRecording();
    // Asks for a file, then saveRecording(); cancelling keeps recording.
    void stopRecordingAndSave();
    // Stops recording and writes the scenario to file without blocking; recordingSaved() or
    // recordingSaveFailed() follows.
    void saveRecording(const QString &file);

signals:
    void openDataDirectoryRequested(const QString &directory);
    void reloadAgentPackagesRequested();
    void recordingSaved(const QString &file, int steps);
    void recordingSaveFailed(const QString &file, const Durable::Error &error);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions(); // the menus, in order, then the tool bar
    void createFileMenu();
    void createObjectMenu();
    void createClockMenu();
    void createViewMenu();
    void createHelpMenu();
    void createToolBar();
    void createDocks();
    void createStatusBar();
    QWidget *wrapWithSandboxBanner(QWidget *central);
    void resetLayout();
    void objectSelected(const ObjectSummary &object);
    void updateObjectActions();
    void updateStatus();
    void showMetrics(const Durable::Metrics &metrics);
    void reportError(const Durable::Error &error);
    void createFileActions(QMenu *file);
    void updateRecordingIndicator();

    QPointer<Engine> m_engine;
    QPointer<Inspector> m_inspector;
    ObjectBrowser *m_browser;
    ObjectInspector *m_inspectorView;
    AlarmBoard *m_alarmBoard;
    InboxPanel *m_inbox;
    WorkflowBoard *m_workflowBoard;
    MetricsPanel *m_metrics;
    ClockControls *m_clockControls;
    SendRequestDialog *m_sendDialog = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_alarmDock = nullptr;
    QDockWidget *m_inboxDock = nullptr;
    QDockWidget *m_metricsDock = nullptr;
    QDockWidget *m_workflowDock = nullptr;
    QLabel *m_engineState = nullptr;
    QLabel *m_clockLabel = nullptr;
    QLabel *m_metricsLabel = nullptr;
    QLabel *m_recordingLabel = nullptr;
    QAction *m_openDataDirectory = nullptr;
    QAction *m_reloadPackages = nullptr;
    SandboxBar *m_sandboxBar = nullptr;
    ModelMenu *m_modelMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_record = nullptr;
    QAction *m_stopRecording = nullptr;
    std::shared_ptr<ScenarioRecorder> m_recorder; // while recording
    QAction *m_send = nullptr;
    QAction *m_evict = nullptr;
    QAction *m_crash = nullptr;
    QAction *m_reset = nullptr;
    QAction *m_refresh = nullptr;
    QAction *m_showInbox = nullptr;
    QAction *m_workflowToggle = nullptr;
    QByteArray m_defaultState;
    ObjectId m_pendingSelection;
};

} // namespace Durable::Ui
