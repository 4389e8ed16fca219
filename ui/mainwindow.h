// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>

#include <QMainWindow>
#include <QPointer>

class QAction;
class QDockWidget;
class QLabel;

namespace Durable {
class Engine;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class AlarmBoard;
class ClockControls;
class InboxPanel;
class MetricsPanel;
class ObjectBrowser;
class ObjectInspector;
class SendRequestDialog;

// The studio window: the object browser in the middle, the inspector, alarm board, human inbox
// and metrics in docks (layout kept in QSettings), clock controls in a toolbar, every action in a
// menu with a shortcut, and the engine state, clock and live metrics in the status bar. GUI thread only.
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

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createDocks();
    void createStatusBar();
    void resetLayout();
    void objectSelected(const ObjectSummary &object);
    void updateObjectActions();
    void updateStatus();
    void showMetrics(const Durable::Metrics &metrics);
    void reportError(const Durable::Error &error);

    QPointer<Engine> m_engine;
    QPointer<Inspector> m_inspector;
    ObjectBrowser *m_browser;
    ObjectInspector *m_inspectorView;
    AlarmBoard *m_alarmBoard;
    InboxPanel *m_inbox;
    MetricsPanel *m_metrics;
    ClockControls *m_clockControls;
    SendRequestDialog *m_sendDialog = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_alarmDock = nullptr;
    QDockWidget *m_inboxDock = nullptr;
    QDockWidget *m_metricsDock = nullptr;
    QLabel *m_engineState = nullptr;
    QLabel *m_clockLabel = nullptr;
    QLabel *m_metricsLabel = nullptr;
    QAction *m_send = nullptr;
    QAction *m_evict = nullptr;
    QAction *m_crash = nullptr;
    QAction *m_reset = nullptr;
    QAction *m_refresh = nullptr;
    QAction *m_showInbox = nullptr;
    QByteArray m_defaultState;
    ObjectId m_pendingSelection;
};

} // namespace Durable::Ui
