// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "alarmboard.h"
#include "classlistmodel.h"
#include "clockcontrols.h"
#include "conversationview.h"
#include "format.h"
#include "futures.h"
#include "inboxmodel.h"
#include "inboxpanel.h"
#include "metricspanel.h"
#include "modelmenu.h"
#include "objectbrowser.h"
#include "objectinspector.h"
#include "objectlistmodel.h"
#include "sandboxbar.h"
#include "sendrequestdialog.h"
#include "workflowboard.h"

#include <durable/core/clock.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/scenariorecorder.h>
#include <durable/core/virtualclock.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcUi, "durable.ui")

namespace Durable::Ui {

namespace {

QString stepsText(int steps)
{
    return steps == 1 ? MainWindow::tr("1 step") : MainWindow::tr("%1 steps").arg(steps);
}

// 2: the Inbox dock; 3: the Workflow dock. Older saved layouts do not know them and are dropped.
constexpr int LayoutVersion = 3;

} // namespace

MainWindow::MainWindow(Engine *engine, Inspector *inspector, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_inspector(inspector),
      m_browser(new ObjectBrowser(inspector, engine->clock(), this)),
      m_inspectorView(new ObjectInspector(inspector, engine->clock())),
      m_alarmBoard(new AlarmBoard(inspector, engine->clock())),
      m_inbox(new InboxPanel(inspector, engine->clock())),
      m_workflowBoard(new WorkflowBoard(engine, inspector, engine->clock())),
      m_metrics(new MetricsPanel), m_clockControls(new ClockControls(engine->clock()))
{
    setObjectName(QStringLiteral("DurableStudioMainWindow"));
    m_sandboxBar = new SandboxBar(engine, inspector, this);
    setWindowTitle(
        sandbox() ? tr("Durable Studio — Sandbox “%1” — %2").arg(sandbox()->name, engine->dataDir())
                  : tr("Durable Studio — %1").arg(engine->dataDir()));
    setCentralWidget(wrapWithSandboxBanner(m_browser));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    createDocks();
    createActions();
    createStatusBar();
    resize(1440, 880);
    m_defaultState = saveState(LayoutVersion);

    connect(m_browser, &ObjectBrowser::currentObjectChanged, this, &MainWindow::objectSelected);
    connect(m_alarmBoard, &AlarmBoard::objectActivated, this, &MainWindow::showObject);
    connect(m_inbox, &InboxPanel::objectActivated, this, &MainWindow::showObject);
    connect(m_workflowBoard, &WorkflowBoard::objectActivated, this, &MainWindow::showObject);
    connect(m_workflowBoard, &WorkflowBoard::errorOccurred, this, &MainWindow::reportError);
    connect(m_inbox, &InboxPanel::countChanged, this, [this](int pending) {
        m_inboxDock->setWindowTitle(pending > 0 ? tr("Inbox (%1)").arg(pending) : tr("Inbox"));
    });
    connect(m_inbox->model(), &InboxModel::answered, this,
            [this](const QString &, const QString &title) {
                showMessage(tr("Answered “%1”").arg(title));
            });
    connect(m_inbox->model(), &InboxModel::errorOccurred, this, &MainWindow::reportError);
    connect(m_browser->objectModel(), &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_pendingSelection.isNull() && m_browser->selectObject(m_pendingSelection))
            m_pendingSelection = ObjectId();
    });
    connect(m_browser->objectModel(), &ObjectListModel::errorOccurred, this,
            &MainWindow::reportError);
    connect(m_browser->classModel(), &ClassListModel::errorOccurred, this,
            &MainWindow::reportError);
    connect(m_inspectorView, &ObjectInspector::errorOccurred, this, &MainWindow::reportError);
    connect(m_inspectorView, &ObjectInspector::sandboxCreated, m_sandboxBar,
            &SandboxBar::offerToOpen);
    connect(m_inspectorView, &ObjectInspector::compareWithOriginalRequested, m_sandboxBar,
            &SandboxBar::compareWithOriginal);
    connect(m_sandboxBar, &SandboxBar::openDataDirectoryRequested, this,
            &MainWindow::openDataDirectoryRequested);
    connect(m_sandboxBar, &SandboxBar::message, this, &MainWindow::showMessage);
    connect(m_inspectorView, &ObjectInspector::repaired, this,
            [this](const QString &note) { showMessage(note); });
    connect(inspector, &Inspector::metricsUpdated, this, &MainWindow::showMetrics);
    connect(inspector, &Inspector::changesAvailable, this, [this](const QList<ChangeEvent> &batch) {
        // Failed turns surface in the status bar (the last one of a batch) and the log.
        const ChangeEvent *lastFailure = nullptr;
        for (const ChangeEvent &event : batch) {
            if (event.kind == ChangeEvent::Kind::TurnCompleted &&
                !event.detail.value(QStringLiteral("ok")).toBool(true)) {
                qCInfo(lcUi) << "turn failed:" << event.className << event.name
                             << event.detail.value(QStringLiteral("method")).toString()
                             << event.detail.value(QStringLiteral("error")).toString();
                lastFailure = &event;
            }
        }
        if (lastFailure)
            showMessage(tr("%1/%2: %3 failed: %4")
                            .arg(lastFailure->className, lastFailure->name,
                                 lastFailure->detail.value(QStringLiteral("method")).toString(),
                                 lastFailure->detail.value(QStringLiteral("error")).toString()));
    });
    connect(engine, &Engine::errorOccurred, this, &MainWindow::reportError);
    connect(m_clockControls, &ClockControls::jumpFinished, this,
            [this](const QString &summary) { showMessage(summary); });
    if (Clock *clock = engine->clock()) {
        // Alarm board and inspector refresh themselves on timeJumped; the browser's counts too.
        connect(clock, &Clock::timeJumped, m_browser->classModel(), &ClassListModel::refresh);
    }
    auto *statusTimer = new QTimer(this);
    statusTimer->setInterval(1000);
    connect(statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    statusTimer->start();

    restoreLayout();
    updateObjectActions();
    updateStatus();
    refreshAll();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("InspectorDock"));
    m_inspectorDock->setWidget(m_inspectorView);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);

    m_alarmDock = new QDockWidget(tr("Alarms"), this);
    m_alarmDock->setObjectName(QStringLiteral("AlarmsDock"));
    m_alarmDock->setWidget(m_alarmBoard);
    addDockWidget(Qt::BottomDockWidgetArea, m_alarmDock);

    m_metricsDock = new QDockWidget(tr("Metrics"), this);
    m_metricsDock->setObjectName(QStringLiteral("MetricsDock"));
    m_metricsDock->setWidget(m_metrics);
    addDockWidget(Qt::BottomDockWidgetArea, m_metricsDock);
    splitDockWidget(m_alarmDock, m_metricsDock, Qt::Horizontal);

    m_inboxDock = new QDockWidget(tr("Inbox"), this);
    m_inboxDock->setObjectName(QStringLiteral("InboxDock"));
    m_inboxDock->setWidget(m_inbox);
    addDockWidget(Qt::BottomDockWidgetArea, m_inboxDock);
    tabifyDockWidget(m_alarmDock, m_inboxDock);
    m_workflowDock = new QDockWidget(tr("Workflow"), this);
    m_workflowDock->setObjectName(QStringLiteral("WorkflowDock"));
    m_workflowDock->setWidget(m_workflowBoard);
    addDockWidget(Qt::BottomDockWidgetArea, m_workflowDock);
    tabifyDockWidget(m_inboxDock, m_workflowDock);
    // People come to answer the agents that wait on them: the inbox is in front by default.
    m_inboxDock->raise();

    resizeDocks({m_inspectorDock}, {430}, Qt::Horizontal);
    resizeDocks({m_alarmDock, m_metricsDock}, {230, 230}, Qt::Vertical);
    resizeDocks({m_alarmDock, m_metricsDock}, {560, 560}, Qt::Horizontal);
}

void MainWindow::createActions()
{
    createFileMenu();
    createObjectMenu();
    createClockMenu();
    createViewMenu();
    createHelpMenu();
    createToolBar();
}

void MainWindow::createFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_send = file->addAction(tr("&Send Request…"), this, &MainWindow::showSendRequest);
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    createFileActions(file);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

void MainWindow::createObjectMenu()
{
    QMenu *object = menuBar()->addMenu(tr("&Object"));
    m_evict = object->addAction(tr("&Evict"), this, &MainWindow::evictSelected);
    m_evict->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_evict->setToolTip(tr("Commit and close the object, as idle eviction does (Ctrl+E)"));
    m_crash = object->addAction(tr("&Crash"), this, &MainWindow::crashSelected);
    m_crash->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_crash->setToolTip(tr("Drop the in-memory instance with no shutdown code (Ctrl+Shift+K)"));
    m_reset = object->addAction(tr("&Reset Storage…"), this, &MainWindow::resetSelected);
    m_reset->setToolTip(tr("Delete every key, table and the alarm of the selected object, as a "
                           "journaled admin turn"));
    object->addSeparator();
    QAction *filter = object->addAction(tr("&Filter Objects"), m_browser,
                                        &ObjectBrowser::focusFilter);
    filter->setShortcut(QKeySequence::Find);
    QAction *runSql = object->addAction(tr("Open SQL &Console"), this, [this] {
        m_inspectorDock->show();
        m_inspectorView->tabs()->setCurrentIndex(ObjectInspector::StorageTab);
        m_inspectorView->sqlEditor()->setFocus();
    });
    runSql->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
}

void MainWindow::createClockMenu()
{
    QMenu *clock = menuBar()->addMenu(tr("&Clock"));
    const QList<QAction *> clockActions = m_clockControls->actions();
    clock->addAction(clockActions.constFirst());
    clock->addSeparator();
    for (qsizetype i = 1; i < clockActions.size(); ++i)
        clock->addAction(clockActions.at(i));
}

void MainWindow::createViewMenu()
{
    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_refresh = view->addAction(tr("&Refresh"), this, &MainWindow::refreshAll);
    m_refresh->setShortcut(QKeySequence::Refresh);
    view->addSeparator();
    QAction *inspectorToggle = m_inspectorDock->toggleViewAction();
    inspectorToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_1));
    QAction *alarmsToggle = m_alarmDock->toggleViewAction();
    alarmsToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_2));
    QAction *metricsToggle = m_metricsDock->toggleViewAction();
    metricsToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_3));
    view->addAction(inspectorToggle);
    view->addAction(alarmsToggle);
    QAction *inboxToggle = m_inboxDock->toggleViewAction();
    inboxToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_4));
    view->addAction(metricsToggle);
    view->addAction(inboxToggle);
    m_workflowToggle = m_workflowDock->toggleViewAction();
    m_workflowToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_5));
    m_workflowToggle->setToolTip(tr("Objects per workflow step of a class (Alt+5)"));
    view->addAction(m_workflowToggle);
    // Only when the user asks for it (triggered, not toggled): the dock also becomes visible
    // when the window is first shown, and must not cover the inbox then.
    connect(m_workflowToggle, &QAction::triggered, this, [this](bool shown) {
        if (shown)
            m_workflowDock->raise(); // it shares its place with the inbox
    });
    m_showInbox = view->addAction(tr("Go to &Inbox"), this, &MainWindow::showInbox);
    m_showInbox->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m_showInbox->setToolTip(
        tr("Show the inbox and focus its list for keyboard triage (Ctrl+Shift+I)"));
    view->addSeparator();
    QAction *reset = view->addAction(tr("Reset &Layout"), this, &MainWindow::resetLayout);
    reset->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
}

void MainWindow::createHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Durable Studio"), this, [this] {
        QMessageBox::about(this, tr("About Durable Studio"),
                           tr("<b>Durable Studio %1</b><p>Inspect, test and steer stateful agents "
                              "built as durable objects.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
    about->setShortcut(QKeySequence::HelpContents);
}

void MainWindow::createToolBar()
{
    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("MainToolBar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_send);
    toolbar->addAction(m_evict);
    toolbar->addAction(m_crash);
    toolbar->addAction(m_refresh);
    toolbar->addSeparator();
    toolbar->addWidget(m_clockControls);
}

void MainWindow::createFileActions(QMenu *file)
{
    file->addSeparator();
    m_openDataDirectory = file->addAction(tr("&Open Data Directory…"), this,
                                          &MainWindow::chooseDataDirectory);
    m_openDataDirectory->setShortcut(QKeySequence::Open);
    m_openDataDirectory->setToolTip(tr("Close this data directory and open another one"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setEnabled(false);
    file->addMenu(m_sandboxBar->menu());
    m_modelMenu = new ModelMenu(this);
    file->addMenu(m_modelMenu);
    m_reloadPackages = file->addAction(tr("Re&load Agent Packages"), this,
                                       &MainWindow::reloadAgentPackagesRequested);
    m_reloadPackages->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F5));
    m_reloadPackages->setToolTip(tr("No agent packages are loaded (durable-studio --agents DIR)"));
    m_reloadPackages->setEnabled(false);

    file->addSeparator();
    m_record = file->addAction(tr("&Record Scenario"), this, &MainWindow::startRecording);
    m_record->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R));
    m_record->setToolTip(tr("Record requests, answers, clock moves and faults as a scenario that "
                            "\"durable test\" replays (Ctrl+Alt+R)"));
    m_stopRecording = file->addAction(tr("S&top Recording and Save…"), this,
                                      &MainWindow::stopRecordingAndSave);
    m_stopRecording->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
    m_stopRecording->setEnabled(false);
}

void MainWindow::setRecentDataDirectories(const QStringList &directories)
{
    m_recentMenu->clear();
    for (const QString &directory : directories) {
        QAction *open = m_recentMenu->addAction(QDir::toNativeSeparators(directory));
        connect(open, &QAction::triggered, this,
                [this, directory] { emit openDataDirectoryRequested(directory); });
    }
    m_recentMenu->setEnabled(!directories.isEmpty());
}

void MainWindow::chooseDataDirectory()
{
    const QString current = m_engine ? m_engine->dataDir() : QString();
    const QString directory = QFileDialog::getExistingDirectory(this, tr("Open Data Directory"),
                                                                QFileInfo(current).absolutePath());
    if (!directory.isEmpty())
        emit openDataDirectoryRequested(directory);
}

QString MainWindow::defaultScenarioFile() const
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    return QDir(m_engine ? m_engine->dataDir() : QDir::homePath())
        .filePath(QStringLiteral("scenarios/session-%1.json").arg(stamp));
}

void MainWindow::startRecording()
{
    if (!m_engine || m_recorder)
        return;
    // Paused before the recording starts, so it begins at the instant the clock stands still.
    auto *clock = qobject_cast<VirtualClock *>(m_engine->clock());
    const bool pausedClock = clock && !clock->isPaused();
    if (pausedClock)
        clock->pause();
    auto started = ScenarioRecorder::start(m_engine);
    if (!started) {
        reportError(started.error());
        return;
    }
    m_recorder = started.value();
    // Queued: steps are recorded on the workers and pool threads that ran them.
    connect(m_recorder.get(), &ScenarioRecorder::stepRecorded, this,
            &MainWindow::updateRecordingIndicator, Qt::QueuedConnection);
    QString message =
        pausedClock ? tr("Recording. The virtual clock is paused so the scenario replays exactly; "
                         "its jumps are recorded.")
                    : tr("Recording requests, answers, clock moves and faults.");
    // A replay starts from an empty engine: say so while it is still cheap to start over.
    if (const qint64 existing = m_browser->classModel()->totalCount(); existing > 0) {
        message +=
            QLatin1Char(' ') +
            tr("This directory already has %n object(s); the replay starts empty, so steps that "
               "rely on them may fail. For a faithful scenario, record in a fresh directory "
               "(File > Open Data Directory).",
               nullptr, int(existing));
    }
    showMessage(message, 15000);
    updateRecordingIndicator();
}

void MainWindow::stopRecordingAndSave()
{
    if (!m_recorder)
        return;
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Save Recording as Scenario"), defaultScenarioFile(), tr("Scenarios (*.json)"));
    if (!file.isEmpty())
        saveRecording(file);
}

void MainWindow::saveRecording(const QString &file)
{
    if (!m_engine || !m_recorder || !m_inspector)
        return;
    ScenarioRecorder::stop(m_engine);
    const std::shared_ptr<ScenarioRecorder> recorder = std::exchange(m_recorder, nullptr);
    disconnect(recorder.get(), nullptr, this, nullptr);
    updateRecordingIndicator();
    showMessage(tr("Saving the scenario to %1…").arg(QDir::toNativeSeparators(file)));
    // The recorder stays alive with the continuation until the file is written.
    whenReady(
        recorder->save(m_engine, m_inspector, file), this,
        [this, file, recorder](int steps) {
            showMessage(tr("Saved %1 to %2; replay with: durable test %2")
                            .arg(stepsText(steps), QDir::toNativeSeparators(file)),
                        15000);
            emit recordingSaved(file, steps);
        },
        [this, file](const Durable::Error &error) {
            showMessage(tr("The scenario was not saved: %1").arg(error.message()), 15000);
            emit recordingSaveFailed(file, error);
        });
}

void MainWindow::updateRecordingIndicator()
{
    const bool recording = m_recorder != nullptr;
    m_record->setEnabled(!recording);
    m_stopRecording->setEnabled(recording);
    m_recordingLabel->setVisible(recording);
    if (recording)
        m_recordingLabel->setText(tr("<span style=\"color:#d13b3b\">&#9679;</span> Recording (%1)")
                                      .arg(stepsText(m_recorder->stepCount())));
}

QWidget *MainWindow::wrapWithSandboxBanner(QWidget *central)
{
    auto *container = new QWidget;
    auto *layout = new QVBoxLayout(container);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sandboxBar);
    layout->addWidget(central, 1);
    return container;
}

QMenu *MainWindow::sandboxMenu() const
{
    return m_sandboxBar->menu();
}

const std::optional<SandboxInfo> &MainWindow::sandbox() const
{
    return m_sandboxBar->sandbox();
}

void MainWindow::deleteSandbox(const QString &name)
{
    m_sandboxBar->deleteSandbox(name);
}

void MainWindow::createStatusBar()
{
    m_engineState = new QLabel;
    m_clockLabel = new QLabel;
    m_clockLabel->setFont(monospaceFont());
    m_metricsLabel = new QLabel;
    m_recordingLabel = new QLabel;
    m_recordingLabel->setToolTip(
        tr("Recording this session as a scenario: File > Stop Recording and Save…"));
    m_recordingLabel->hide();
    statusBar()->addPermanentWidget(m_recordingLabel);
    statusBar()->addPermanentWidget(m_metricsLabel);
    statusBar()->addPermanentWidget(m_clockLabel);
    statusBar()->addPermanentWidget(m_engineState);
}

SendRequestDialog *MainWindow::sendRequestDialog()
{
    if (!m_sendDialog) {
        m_sendDialog = new SendRequestDialog(m_engine, this);
        connect(m_sendDialog, &SendRequestDialog::replied, this,
                [this](const QString &className, const ObjectId &id) {
                    showMessage(tr("%1 replied").arg(className));
                    showObject(className, id);
                });
        connect(m_sendDialog, &SendRequestDialog::failed, this,
                [this](const QString &className, const ObjectId &, const Durable::Error &error) {
                    showMessage(tr("%1 failed: %2").arg(className, error.message()));
                });
    }
    return m_sendDialog;
}

void MainWindow::showSendRequest()
{
    SendRequestDialog *dialog = sendRequestDialog();
    const ObjectSummary current = m_browser->currentObject();
    if (!current.id.isNull() && dialog->targetEdit()->text().isEmpty())
        dialog->setTarget(current.className,
                          current.name.isEmpty() ? current.id.toString() : current.name);
    dialog->reloadClasses();
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

void MainWindow::evictSelected()
{
    const ObjectSummary object = m_browser->currentObject();
    if (object.id.isNull() || !m_engine)
        return;
    const QString label = QStringLiteral("%1/%2").arg(object.className, object.displayName());
    showMessage(tr("Evicting %1…").arg(label));
    whenReady(
        m_engine->evict(object.id), this,
        [this, label] { showMessage(tr("Evicted %1").arg(label)); },
        [this, label](const Durable::Error &error) {
            showMessage(tr("Could not evict %1: %2").arg(label, error.message()));
        });
}

void MainWindow::crashSelected()
{
    const ObjectSummary object = m_browser->currentObject();
    if (object.id.isNull() || !m_engine)
        return;
    const QString label = QStringLiteral("%1/%2").arg(object.className, object.displayName());
    whenReady(
        m_engine->crash(object.id), this,
        [this, label] {
            showMessage(tr("Crashed %1: its next turn rebuilds it from storage").arg(label));
        },
        [this, label](const Durable::Error &error) {
            showMessage(tr("Could not crash %1: %2").arg(label, error.message()));
        });
}

void MainWindow::resetSelected()
{
    const ObjectSummary object = m_browser->currentObject();
    if (object.id.isNull() || !m_inspector)
        return;
    const QString label = QStringLiteral("%1/%2").arg(object.className, object.displayName());
    const auto answer = QMessageBox::question(
        this, tr("Reset %1").arg(label),
        tr("Delete all storage of %1 — every key, every table and its alarm, and for an agent "
           "its state, step, schedules, human requests and model calls?\n\nThe reset is "
           "a turn of its own and stays in the object's history.")
            .arg(label),
        QMessageBox::Reset | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Reset)
        return;
    whenReady(
        m_inspector->reset(object.className, object.id), this,
        [this, label](qint64 seq) { showMessage(tr("Reset %1 (turn %2)").arg(label).arg(seq)); },
        [this, label](const Durable::Error &error) {
            showMessage(tr("Could not reset %1: %2").arg(label, error.message()));
        });
}

void MainWindow::showObject(const QString &className, const ObjectId &id)
{
    if (m_browser->selectObject(id))
        return;
    // Not loaded in the browser (filtered out, or not arrived yet): show it directly, and select
    // it in the browser once it shows up there.
    m_pendingSelection = id;
    if (!m_inspector)
        return;
    whenReady(
        m_inspector->object(className, id), this,
        [this](const ObjectSummary &summary) {
            if (m_browser->currentObject().id != summary.id)
                m_inspectorView->setObject(summary);
        },
        [this](const Durable::Error &error) { reportError(error); });
}

void MainWindow::refreshAll()
{
    m_browser->refresh();
    m_alarmBoard->refresh();
    m_inbox->refresh();
    m_workflowBoard->refresh();
    m_inspectorView->refresh();
}

void MainWindow::showInbox()
{
    m_inboxDock->show();
    m_inboxDock->raise();
    m_inbox->focusList();
}

void MainWindow::showMessage(const QString &text, int timeoutMs)
{
    statusBar()->showMessage(text, timeoutMs);
}

void MainWindow::objectSelected(const ObjectSummary &object)
{
    m_inspectorView->setObject(object);
    updateObjectActions();
}

void MainWindow::updateObjectActions()
{
    const bool hasObject = !m_browser->currentObject().id.isNull();
    m_evict->setEnabled(hasObject);
    m_crash->setEnabled(hasObject);
    m_reset->setEnabled(hasObject);
}

void MainWindow::updateStatus()
{
    const bool running = m_engine && m_engine->isRunning();
    m_engineState->setText(running
                               ? tr("<span style=\"color:#2e9d4f\">&#9679;</span> Engine running")
                               : tr("<span style=\"color:#d13b3b\">&#9679;</span> Engine stopped"));
    m_engineState->setToolTip(m_engine ? m_engine->dataDir() : QString());
    if (Clock *clock = m_engine ? m_engine->clock() : nullptr) {
        const QString mode = clock->isVirtual()
                                 ? (clock->isPaused() ? tr("virtual, paused") : tr("virtual"))
                                 : tr("live");
        m_clockLabel->setText(
            QStringLiteral("%1 UTC (%2)")
                .arg(clock->now().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), mode));
    }
}

void MainWindow::showMetrics(const Durable::Metrics &metrics)
{
    m_metrics->addSample(metrics);
    m_metricsLabel->setText(tr("%1 turns/s · %2 commits/s · %3 live · queue %4 · p99 %5 ms")
                                .arg(metrics.turnsPerSecond, 0, 'f', 1)
                                .arg(metrics.commitsPerSecond, 0, 'f', 1)
                                .arg(metrics.liveObjects)
                                .arg(metrics.queueDepth)
                                .arg(metrics.turnP99Ms, 0, 'f', 1));
}

void MainWindow::reportError(const Durable::Error &error)
{
    qCWarning(lcUi) << error.codeName() << error.message();
    showMessage(error.message(), 12000);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    const QByteArray geometry = settings.value(QStringLiteral("geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    restoreState(settings.value(QStringLiteral("state")).toByteArray(), LayoutVersion);
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState(LayoutVersion));
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultState, LayoutVersion);
    for (QDockWidget *dock :
         {m_inspectorDock, m_alarmDock, m_inboxDock, m_metricsDock, m_workflowDock})
        dock->show();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace Durable::Ui
