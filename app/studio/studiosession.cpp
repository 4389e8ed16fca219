// SPDX-License-Identifier: MIT
#include "studiosession.h"

#include <mainwindow.h>
#include <modelmenu.h>

#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/modelsources.h>
#include <durable/core/sandboxes.h>
#include <durable/core/virtualclock.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryFile>
#include <QThreadPool>
#include <QtConcurrentRun>

namespace Durable::Studio {

namespace {

const QString s_recentKey = QStringLiteral("recentDataDirectories");
const QString s_modelKey = QStringLiteral("modelChoice");

QString clockKey(const QString &dataDir)
{
    const QByteArray hash = QCryptographicHash::hash(QDir(dataDir).absolutePath().toUtf8(),
                                                     QCryptographicHash::Sha1)
                                .toHex()
                                .left(16);
    return QStringLiteral("virtualClock/") + QString::fromLatin1(hash);
}

} // namespace

StudioSession::StudioSession(bool virtualClock, ClassRegistrar registrar, QObject *parent)
    : QObject(parent), m_virtualClock(virtualClock), m_registrar(std::move(registrar)),
      m_closer(new QThreadPool(this))
{ }

StudioSession::~StudioSession()
{
    saveClock();
    delete m_window;
    m_inspector.reset();
    if (m_engine)
        m_engine->shutdown();
}

Ui::MainWindow *StudioSession::window() const
{
    return m_window;
}

QStringList StudioSession::recentDirectories()
{
    return QSettings().value(s_recentKey).toStringList();
}

Result<void> StudioSession::checkDirectory(const QString &dataDir) const
{
    if (!QDir().mkpath(dataDir))
        return Error(ErrorCode::Io,
                     tr("%1 cannot be created here").arg(QDir::toNativeSeparators(dataDir)));
    // The engine would fail later and less clearly: find out with a file of our own.
    QTemporaryFile probe(QDir(dataDir).filePath(QStringLiteral(".durable-write-check-XXXXXX")));
    if (!probe.open())
        return Error(ErrorCode::Io,
                     tr("%1 is not writable").arg(QDir::toNativeSeparators(dataDir)));
    return {};
}

std::shared_ptr<VirtualClock> StudioSession::makeClock(const QString &dataDir) const
{
    if (!m_virtualClock)
        return nullptr;
    // Resume from where this directory's virtual time stood, never behind the real time.
    const qint64 saved = QSettings().value(clockKey(dataDir), qint64(0)).toLongLong();
    const qint64 start = std::max(saved, QDateTime::currentMSecsSinceEpoch());
    auto clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(start, Qt::UTC));
    clock->resume();
    return clock;
}

Result<void> StudioSession::open(const QString &requested)
{
    const QString dataDir = QDir(requested).absolutePath();
    if (m_engine && dataDir == m_dataDir)
        return Error(ErrorCode::Conflict,
                     tr("%1 is already open").arg(QDir::toNativeSeparators(dataDir)));
    if (Result<void> usable = checkDirectory(dataDir); !usable)
        return usable.error().prefixed(
            tr("Could not open %1").arg(QDir::toNativeSeparators(dataDir)));

    // The new engine starts before the current one stops: if it cannot, nothing changed.
    EngineOptions options;
    options.dataDir = dataDir;
    if (m_repairArguments)
        options.repairArguments = m_repairArguments(dataDir);
    options.setModel(m_model);
    // A sandbox brings its own paused virtual clock and holds its calls (Sandboxes::prepare).
    const bool sandbox = Sandboxes::isSandbox(dataDir);
    options.clock = sandbox ? nullptr : makeClock(dataDir);
    const Result<std::optional<SandboxInfo>> prepared = Sandboxes::prepare(options);
    if (!prepared)
        return prepared.error().prefixed(
            tr("Could not open %1").arg(QDir::toNativeSeparators(dataDir)));
    // A person is here to choose: each model call of a sandbox waits for its reply source.
    if (options.modelSources)
        options.modelSources->setAskFirst(true);
    std::shared_ptr<VirtualClock> clock = std::dynamic_pointer_cast<VirtualClock>(options.clock);
    auto engine = std::make_unique<Engine>(options);
    if (m_registrar)
        m_registrar(*engine);
    if (Result<void> started = engine->start(); !started)
        return started.error().prefixed(
            tr("Could not open %1").arg(QDir::toNativeSeparators(dataDir)));

    std::unique_ptr<Engine> previousEngine = std::move(m_engine);
    std::unique_ptr<Inspector> previousInspector = std::move(m_inspector);
    Ui::MainWindow *previousWindow = m_window;
    const QString previousDir = m_dataDir;
    saveClock();

    m_engine = std::move(engine);
    m_clock = clock;
    m_dataDir = dataDir;
    m_inspector = std::make_unique<Inspector>(m_engine.get());
    m_window = new Ui::MainWindow(m_engine.get(), m_inspector.get());
    connect(m_window, &Ui::MainWindow::openDataDirectoryRequested, this,
            &StudioSession::openDataDirectory);
    m_window->modelMenu()->setCurrent(m_model.spec());
    connect(m_window->modelMenu(), &Ui::ModelMenu::chosen, this, &StudioSession::switchModel);
    if (previousWindow)
        m_window->setGeometry(previousWindow->geometry());
    m_window->show();
    remember(dataDir);
    // The copy's calls that were out when it was made go now, to wait for a choice in its
    // Conversation tab (otherwise they would wait for its next agent turn).
    if (prepared.value()) {
        (void)m_inspector->modelCalls().sendWaiting(prepared.value()->className,
                                                    prepared.value()->objectId);
    }
    if (previousEngine)
        retire(std::move(previousEngine), std::move(previousInspector), previousWindow,
               previousDir);
    emit opened(dataDir);
    return {};
}

void StudioSession::openDataDirectory(const QString &dataDir)
{
    // Going back to a directory that is still closing (a sandbox's original, a moment after it
    // was left): open it once its engine has let go of it.
    const QString absolute = QDir(dataDir).absolutePath();
    if (m_closingDirs.contains(absolute)) {
        if (m_window)
            m_window->showMessage(
                tr("Waiting for %1 to close…").arg(QDir::toNativeSeparators(absolute)), 0);
        auto *once = new QObject(this);
        connect(this, &StudioSession::previousClosed, once,
                [this, once, absolute](const QString &closed) {
                    if (QDir(closed).absolutePath() != absolute)
                        return;
                    once->deleteLater();
                    openDataDirectory(absolute);
                });
        return;
    }
    const Result<void> opened = open(dataDir);
    if (opened)
        return;
    emit openFailed(dataDir, opened.error().message());
    if (!m_window)
        return;
    m_window->showMessage(opened.error().message(), 15000);
    // Not modal: the current directory stays open and usable behind it.
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Open Data Directory"),
                                opened.error().message(), QMessageBox::Ok, m_window);
    box->setInformativeText(tr("%1 is still open.").arg(QDir::toNativeSeparators(m_dataDir)));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

ModelChoice StudioSession::savedModel(QString *error)
{
    const QString spec = QSettings().value(s_modelKey).toString();
    if (spec.isEmpty())
        return {};
    Result<ModelChoice> choice = ModelChoice::parse(spec);
    if (!choice && error)
        *error = choice.error().message();
    return choice.valueOr({});
}

void StudioSession::switchModel(const QString &spec)
{
    Result<ModelChoice> choice = spec.isEmpty() ? Result<ModelChoice>(ModelChoice())
                                                : ModelChoice::parse(spec);
    if (!choice) {
        if (m_window) {
            m_window->modelMenu()->setCurrent(m_model.spec());
            m_window->showMessage(choice.error().message(), 0);
        }
        return;
    }
    QSettings().setValue(s_modelKey, spec);
    const ModelChoice previous = m_model;
    m_model = choice.value();
    if (!m_engine)
        return;
    // A model is chosen when an engine starts: this directory's closes, then opens again.
    const QString dir = m_dataDir;
    saveClock();
    retire(std::move(m_engine), std::move(m_inspector), m_window, dir);
    reopenAfterClose(dir, previous);
}

void StudioSession::reopenAfterClose(const QString &dataDir, const ModelChoice &fallback)
{
    auto *once = new QObject(this);
    connect(this, &StudioSession::previousClosed, once,
            [this, once, dataDir, fallback](const QString &closed) {
                if (closed != dataDir)
                    return;
                once->deleteLater();
                Result<void> opened = open(dataDir);
                if (!opened) {
                    // Never leave the studio without a window: the model it had still works.
                    const QString why = opened.error().message();
                    m_model = fallback;
                    opened = open(dataDir);
                    if (m_window)
                        m_window->showMessage(tr("Could not switch the model: %1").arg(why), 0);
                }
                if (!opened) {
                    QMessageBox::critical(nullptr, tr("Durable Studio"), opened.error().message());
                    QCoreApplication::exit(1);
                }
            });
}

void StudioSession::retire(std::unique_ptr<Engine> engine, std::unique_ptr<Inspector> inspector,
                           Ui::MainWindow *window, const QString &dataDir)
{
    // The window goes first (it may be the sender of this switch: later, from the event loop),
    // then the inspector; the engine commits and stops on a thread of its own, since that waits
    // for its queued turns, and is deleted back here.
    if (window) {
        window->saveLayout();
        window->hide();
        window->deleteLater();
    }
    inspector.release()->deleteLater();
    ++m_closing;
    m_closingDirs.insert(QDir(dataDir).absolutePath());
    m_window->showMessage(tr("Closing %1…").arg(QDir::toNativeSeparators(dataDir)), 0);
    Engine *closing = engine.release();
    auto *watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcher<void>::finished, this, [this, watcher, closing, dataDir] {
        watcher->deleteLater();
        delete closing;
        --m_closing;
        m_closingDirs.remove(QDir(dataDir).absolutePath());
        if (m_window)
            m_window->showMessage(
                tr("Closed %1; %2 is open")
                    .arg(QDir::toNativeSeparators(dataDir), QDir::toNativeSeparators(m_dataDir)));
        emit previousClosed(dataDir);
    });
    // Its own thread, not Qt's global pool: the raster painter waits on that one.
    watcher->setFuture(QtConcurrent::run(m_closer, [closing] { closing->shutdown(); }));
}

void StudioSession::saveClock() const
{
    if (!m_clock || m_dataDir.isEmpty())
        return;
    if (!Sandboxes::isSandbox(m_dataDir)) {
        QSettings().setValue(clockKey(m_dataDir), m_clock->nowMs());
        return;
    }
    // A sandbox keeps its own time, in its manifest; looking at one without moving its clock
    // writes nothing.
    const Result<SandboxInfo> sandbox = Sandboxes::read(m_dataDir);
    if (sandbox && m_clock->nowMs() > sandbox->clockMs)
        (void)Sandboxes::saveClock(m_dataDir, m_clock->nowMs());
}

void StudioSession::remember(const QString &dataDir)
{
    QStringList recent = recentDirectories();
    recent.removeAll(dataDir);
    recent.prepend(dataDir);
    while (recent.size() > MaxRecent)
        recent.removeLast();
    QSettings().setValue(s_recentKey, recent);
    showRecent();
}

void StudioSession::showRecent()
{
    QStringList recent = recentDirectories();
    QStringList missing;
    for (const QString &dir : std::as_const(recent)) {
        if (!QFileInfo(dir).isDir())
            missing.append(dir);
    }
    if (!missing.isEmpty()) {
        for (const QString &dir : std::as_const(missing))
            recent.removeAll(dir);
        QSettings().setValue(s_recentKey, recent);
        m_window->showMessage(
            tr("Removed from the recent list, no longer there: %1")
                .arg(QDir::toNativeSeparators(missing.join(QStringLiteral(", ")))),
            15000);
    }
    recent.removeAll(m_dataDir); // the open one is not a choice
    m_window->setRecentDataDirectories(recent);
}

} // namespace Durable::Studio
