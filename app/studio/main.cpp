// SPDX-License-Identifier: MIT
// durable-studio: constructs the engine, the inspector and the main window, and wires them.
#include "agentpackages.h"
#include "demodata.h"
#include "packagereloader.h"
#include "studiosession.h"

#include <alarmboard.h>
#include <mainwindow.h>
#include <metricspanel.h>
#include <objectbrowser.h>
#include <objectinspector.h>
#include <objectlistmodel.h>
#include <sendrequestdialog.h>
#include <timelineview.h>
#include <workflowboard.h>
#include <wranglerstatewindow.h>

#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/modelchoice.h>
#include <durable/core/sandboxes.h>
#include <durable/core/virtualclock.h>

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>

#include <cstdio>
#include <functional>
#include <memory>

using namespace Durable;

namespace {

// --screenshot: walks through the main views once data is there, saves each as a PNG, quits.
class ScreenshotTour
{
public:
    ScreenshotTour(Ui::MainWindow *window, QString dir, QString boardClass)
        : m_window(window), m_dir(std::move(dir)), m_boardClass(std::move(boardClass))
    { }

    void start()
    {
        QDir().mkpath(m_dir);
        waitForData(0);
    }

private:
    void waitForData(int attempt)
    {
        auto *model = m_window->browser()->objectModel();
        if (model->rowCount() == 0 && attempt < 100) {
            QTimer::singleShot(100, m_window, [this, attempt] { waitForData(attempt + 1); });
            return;
        }
        // Prefer a Reminder: it has a SQL table and an alarm to show.
        int row = 0;
        for (int i = 0; i < model->rowCount(); ++i) {
            if (model->summary(i).className == QLatin1String("Reminder")) {
                row = i;
                break;
            }
        }
        m_window->browser()->tableView()->setCurrentIndex(model->index(row, 0));
        Ui::ObjectInspector *inspector = m_window->objectInspector();
        inspector->sqlEditor()->setPlainText(QStringLiteral("SELECT * FROM reminders"));
        m_window->showInbox(); // what a first start shows, whatever layout was saved before
        m_steps = {
            [this] { save(m_window, QStringLiteral("studio-main.png")); },
            [inspector] { inspector->tabs()->setCurrentIndex(Ui::ObjectInspector::StateTab); },
            [this, inspector] { save(inspector, QStringLiteral("inspector-state.png")); },
            [inspector] {
                inspector->tabs()->setCurrentIndex(Ui::ObjectInspector::StorageTab);
                inspector->runQuery();
            },
            [this, inspector] { save(inspector, QStringLiteral("inspector-storage.png")); },
            [inspector] { inspector->tabs()->setCurrentIndex(Ui::ObjectInspector::AlarmTab); },
            [this, inspector] { save(inspector, QStringLiteral("inspector-alarm.png")); },
            [inspector] { inspector->tabs()->setCurrentIndex(Ui::ObjectInspector::OverviewTab); },
            [this, inspector] { save(inspector, QStringLiteral("inspector-overview.png")); },
            // An agent that called the model: its conversation and its history.
            [this] { selectFirstOf(QStringLiteral("Recruitment")); },
            [inspector] {
                inspector->tabs()->setCurrentIndex(Ui::ObjectInspector::ConversationTab);
            },
            [this, inspector] { save(inspector, QStringLiteral("inspector-conversation.png")); },
            [inspector] { inspector->tabs()->setCurrentIndex(Ui::ObjectInspector::TimelineTab); },
            // Its newest turn: the agent's state as of that turn and what the turn changed.
            [this, inspector] {
                m_inspectorWidth = setInspectorWidth(inspector, 1080);
                showTimelineDetails(inspector->timeline());
                inspector->timeline()->journalView()->selectRow(0);
            },
            [this, inspector] { save(inspector, QStringLiteral("inspector-timeline.png")); },
            [this, inspector] { setInspectorWidth(inspector, m_inspectorWidth); },
            [this] {
                m_window->workflowAction()->setChecked(true);
                m_window->workflowBoard()->selectClass(m_boardClass);
                m_window->workflowBoard()->parentWidget()->raise();
            },
            [this] { save(m_window->workflowBoard(), QStringLiteral("workflow-board.png")); },
            [this] { save(m_window, QStringLiteral("studio-workflow.png")); },
            [this] { save(m_window->alarmBoard(), QStringLiteral("alarm-board.png")); },
            [this] { save(m_window->metricsPanel(), QStringLiteral("metrics.png")); },
            [this] {
                Ui::SendRequestDialog *dialog = m_window->sendRequestDialog();
                dialog->setTarget(QStringLiteral("Counter"), QStringLiteral("alice"));
                dialog->methodEdit()->setText(QStringLiteral("increment"));
                dialog->argsEdit()->setPlainText(QStringLiteral("{\"by\": 2}"));
                dialog->show(); // not sent: screenshots change nothing in the data directory
            },
            [this] { save(m_window->sendRequestDialog(), QStringLiteral("send-request.png")); },
        };
        QTimer::singleShot(2500, m_window, [this] { next(); });
    }

    // The inspector's dock is narrow by default; the timeline's state and diff panes need room.
    // Returns the width it had.
    int setInspectorWidth(QWidget *inspector, int width)
    {
        for (QWidget *w = inspector; w; w = w->parentWidget()) {
            if (auto *dock = qobject_cast<QDockWidget *>(w)) {
                const int before = dock->width();
                m_window->resizeDocks({dock}, {width}, Qt::Horizontal);
                return before;
            }
        }
        return width;
    }

    // Gives the state and diff panes most of the room, the few turns just what they need.
    static void showTimelineDetails(Ui::TimelineView *timeline)
    {
        const QList<QSplitter *> splitters = timeline->findChildren<QSplitter *>();
        for (QSplitter *splitter : splitters) {
            if (splitter->orientation() == Qt::Vertical)
                splitter->setSizes({120, 1000});
        }
        // Room for both values of a change: its kind ("changed") needs little.
        timeline->diffTree()->setColumnWidth(Ui::TimelineView::DiffKeyColumn, 160);
        timeline->diffTree()->setColumnWidth(Ui::TimelineView::DiffChangeColumn, 80);
    }

    // Selects the first object of className in the browser (if it lists one).
    void selectFirstOf(const QString &className)
    {
        auto *model = m_window->browser()->objectModel();
        for (int i = 0; i < model->rowCount(); ++i) {
            if (model->summary(i).className == className) {
                m_window->browser()->tableView()->setCurrentIndex(model->index(i, 0));
                return;
            }
        }
    }

    void next()
    {
        if (m_step >= m_steps.size()) {
            std::fprintf(stdout, "screenshots written to %s\n",
                         qPrintable(QDir(m_dir).absolutePath()));
            QTimer::singleShot(0, qApp, [] { QApplication::exit(m_failed ? 1 : 0); });
            return;
        }
        m_steps.at(m_step++)();
        QTimer::singleShot(700, m_window, [this] { next(); });
    }

    void save(QWidget *widget, const QString &file)
    {
        const QString path = QDir(m_dir).filePath(file);
        if (!widget->grab().save(path)) {
            std::fprintf(stderr, "could not write %s\n", qPrintable(path));
            m_failed = true;
        }
    }

    Ui::MainWindow *m_window;
    QString m_dir;
    QString m_boardClass;
    QList<std::function<void()>> m_steps;
    qsizetype m_step = 0;
    int m_inspectorWidth = 0;
    static inline bool m_failed = false;
};

struct Options
{
    QCommandLineOption data {QStringLiteral("data"),
                             QStringLiteral("Data directory (default: the demo directory)."),
                             QStringLiteral("DIR")};
    QCommandLineOption virtualClock {QStringLiteral("virtual-clock"),
                                     QStringLiteral("Use a virtual clock you can pause and jump "
                                                    "(default for the demo directory).")};
    QCommandLineOption liveClock {
        QStringLiteral("live-clock"),
        QStringLiteral("Use the system clock, also for the demo directory.")};
    QCommandLineOption screenshot {
        QStringLiteral("screenshot"),
        QStringLiteral("Save PNGs of the main views into DIR once data is "
                       "shown, then exit."),
        QStringLiteral("DIR")};
    QCommandLineOption model {QStringLiteral("model"), ModelChoice::optionHelp(),
                              QStringLiteral("SOURCE")};
    QCommandLineOption noReload {
        QStringLiteral("no-reload"),
        QStringLiteral("Do not reload an agent package when its library is rebuilt (File > "
                       "Reload Agent Packages still does).")};
    QCommandLineOption wranglerState {
        QStringLiteral("wrangler-state"),
        QStringLiteral("Open Cloudflare's local state instead of a data directory, read only: a "
                       ".wrangler/state folder (or its v3 or v3/do) or a Miniflare persist "
                       "folder. With --screenshot, saves wrangler-state.png."),
        QStringLiteral("DIR")};
    QCommandLineOption board {
        QStringLiteral("board"),
        QStringLiteral("Show CLASS on the workflow board at start (and in the --screenshot "
                       "pictures of the board)."),
        QStringLiteral("CLASS")};
};

QString absolutePath(const QString &path)
{
    return QDir::cleanPath(QDir().absoluteFilePath(path));
}

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Durable"));
    QCoreApplication::setApplicationName(QStringLiteral("durable-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DURABLE_VERSION));
}

void configure(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(QStringLiteral(
        "Durable Studio: inspect, test and steer stateful agents built as durable objects."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({options.data, options.virtualClock, options.liveClock, options.screenshot,
                       options.model, options.noReload, options.wranglerState, options.board});
    parser.addOption(Studio::AgentPackages::commandLineOption());
}

// --wrangler-state DIR: a window on Cloudflare's local state, no engine. With a screenshot
// folder, saves wrangler-state.png once the first object is shown, then quits.
int runWranglerState(QApplication &app, const QString &directory, const QString &screenshotDir)
{
    Ui::WranglerStateWindow window(absolutePath(directory));
    int status = 0;
    if (!screenshotDir.isEmpty()) {
        QObject::connect(
            &window, &Ui::WranglerStateWindow::objectShown, &window, [&window, screenshotDir] {
                QDir().mkpath(screenshotDir);
                const QString file =
                    QDir(screenshotDir).filePath(QStringLiteral("wrangler-state.png"));
                if (!window.grab().save(file))
                    std::fprintf(stderr, "durable-studio: could not save %s\n", qPrintable(file));
                QCoreApplication::quit();
            });
        QObject::connect(&window, &Ui::WranglerStateWindow::objectsListed, &window, [](int count) {
            if (count == 0)
                QCoreApplication::quit();
        });
    }
    QObject::connect(&window, &Ui::WranglerStateWindow::errorOccurred, &window,
                     [&status, screenshotDir](const Error &error) {
                         std::fprintf(stderr, "durable-studio: %s\n", qPrintable(error.message()));
                         status = 1;
                         if (!screenshotDir.isEmpty())
                             QCoreApplication::quit();
                     });
    window.show();
    const int code = app.exec();
    return code ? code : status;
}

} // namespace

int main(int argc, char *argv[])
{
    bool infoOnly = false;
    bool screenshot = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        infoOnly |= arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
                    arg == "--version";
        screenshot |= arg == "--screenshot";
    }
    const Options cli;
    if (infoOnly) {
        // --help and --version need no display.
        QCoreApplication core(argc, argv);
        describeApplication();
        QCommandLineParser parser;
        configure(parser, cli);
        parser.process(core); // prints and exits
        return 0;
    }
    // Screenshots work without a display: fall back to the offscreen platform.
    if (screenshot && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    describeApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("Durable Studio"));

    QCommandLineParser parser;
    configure(parser, cli);
    parser.process(app);
    const QCommandLineOption &dataOption = cli.data;
    const QCommandLineOption &virtualOption = cli.virtualClock;
    const QCommandLineOption &liveOption = cli.liveClock;
    const QCommandLineOption &screenshotOption = cli.screenshot;

    if (parser.isSet(cli.wranglerState))
        return runWranglerState(app, parser.value(cli.wranglerState),
                                parser.isSet(screenshotOption) ? parser.value(screenshotOption)
                                                               : QString());

    const bool demo = !parser.isSet(dataOption);
    const QString demoDir = absolutePath(
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
        QStringLiteral("/default"));
    const QString dataDir = demo ? demoDir : parser.value(dataOption);
    const bool useVirtual = parser.isSet(virtualOption) || (demo && !parser.isSet(liveOption));
    const bool fresh = !QDir(dataDir).exists() || QDir(dataDir).isEmpty();

    // --model wins over File > Model for Agents, which is kept for the next start.
    QString savedModelError;
    ModelChoice model = Studio::StudioSession::savedModel(&savedModelError);
    if (!savedModelError.isEmpty() && !parser.isSet(cli.model))
        std::fprintf(stderr,
                     "durable-studio: the saved model choice no longer works (%s); "
                     "using the environment's\n",
                     qPrintable(savedModelError));
    if (parser.isSet(cli.model)) {
        Result<ModelChoice> chosen = ModelChoice::parse(parser.value(cli.model));
        if (!chosen) {
            std::fprintf(stderr, "durable-studio: %s\n", qPrintable(chosen.error().message()));
            return 2;
        }
        model = chosen.value();
    }

    QSettings settings;
    Studio::AgentPackages agentPackages;
    const QStringList packageDirs = Studio::AgentPackages::directories(parser, settings);
    // Every engine the session opens (File > Open Data Directory too) gets the user's packages;
    // the demo agents only the demo directory's, so no class name of a user's is taken.
    // The demo directory and its sandboxes run the demo agents.
    auto runsDemo = [demoDir](const QString &dir) {
        const QString path = absolutePath(dir);
        return path == demoDir || path.startsWith(Sandboxes::directory(demoDir) + u'/');
    };
    Studio::StudioSession session(
        useVirtual, [&agentPackages, packageDirs, runsDemo](Engine &engine) {
            agentPackages.load(packageDirs, runsDemo(engine.dataDir()), engine);
        });
    // The repair command the studio suggests for a damaged object loads the same classes.
    session.setRepairArguments([packageDirs, runsDemo](const QString &dir) {
        QStringList arguments;
        if (runsDemo(dir))
            arguments << QStringLiteral("--demo");
        for (const QString &packageDir : packageDirs)
            arguments << QStringLiteral("--agents") << absolutePath(packageDir);
        return arguments;
    });
    session.setModel(model);
    const Result<void> started = session.open(dataDir);
    if (!started) {
        const QString message = started.error().message();
        std::fprintf(stderr, "%s\n", qPrintable(message));
        if (!parser.isSet(screenshotOption))
            QMessageBox::critical(nullptr, QStringLiteral("Durable Studio"), message);
        return 1;
    }
    Ui::MainWindow &window = *session.window();
    Engine &engine = *session.engine();
    agentPackages.report(&window, parser.isSet(screenshotOption));
    // A rebuilt package is loaded again between turns; File > Reload Agent Packages does it now.
    Studio::PackageReloader reloader(agentPackages.loader(), &session);
    reloader.setQuiet(parser.isSet(screenshotOption));
    if (!parser.isSet(cli.noReload))
        reloader.watch();
    // Only the demo directory is given demo objects: a directory the user named is theirs.
    if (demo && fresh)
        Studio::DemoData::seed(engine);

    const QString boardClass = parser.value(cli.board);
    if (!boardClass.isEmpty()) {
        if (!engine.classNames().contains(boardClass)) {
            const QString known =
                engine.classNames().isEmpty()
                    ? QStringLiteral("no agent packages are loaded; add yours with --agents DIR")
                    : QStringLiteral("known: ") + engine.classNames().join(QStringLiteral(", "));
            std::fprintf(stderr, "durable-studio: --board: no class \"%s\" (%s)\n",
                         qPrintable(boardClass), qPrintable(known));
            return 2;
        }
        window.workflowBoard()->selectClass(boardClass);
    }

    std::unique_ptr<ScreenshotTour> tour;
    if (parser.isSet(screenshotOption)) {
        tour = std::make_unique<ScreenshotTour>(&window, parser.value(screenshotOption),
                                                boardClass.isEmpty() ? QStringLiteral("Recruitment")
                                                                     : boardClass);
        tour->start();
    }

    // The session saves the virtual time and shuts the engine down when it goes.
    return app.exec();
}
