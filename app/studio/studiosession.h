// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/modelchoice.h>
#include <durable/core/result.h>

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

class QThreadPool;

#include <functional>
#include <memory>

namespace Durable {
class Engine;
class Inspector;
class VirtualClock;
} // namespace Durable

namespace Durable::Ui {
class MainWindow;
}

namespace Durable::Studio {

// The data directory the studio has open: its engine (classes registered by the registrar,
// started), its Inspector and its main window; and the switch to another directory from File >
// Open Data Directory or Open Recent, which starts the new engine first (so a directory that
// cannot be opened leaves the current one as it was) and then shuts the old engine down on a
// thread of its own. Keeps the recent list (the setting "recentDataDirectories", newest first,
// at most 8) and, with a virtual clock, each directory's virtual time across runs.
//
// GUI thread only.
class StudioSession : public QObject
{
    Q_OBJECT
public:
    using ClassRegistrar = std::function<void(Engine &engine)>;
    static constexpr int MaxRecent = 8;

    // What `durable repair` needs besides --data to open a directory with the classes the
    // registrar gives its engine (EngineOptions::repairArguments).
    using RepairArguments = std::function<QStringList(const QString &dataDir)>;

    StudioSession(bool virtualClock, ClassRegistrar registrar, QObject *parent = nullptr);
    void setRepairArguments(RepairArguments arguments) { m_repairArguments = std::move(arguments); }
    // Where agents' model calls go in every engine the session opens (`--model`, File > Model
    // for Agents).
    void setModel(const ModelChoice &model) { m_model = model; }
    ModelChoice model() const { return m_model; }
    // The setting File > Model for Agents keeps ("modelChoice"), for the next start; an
    // environment choice when unset or no longer valid (a cassette moved: said in error).
    static ModelChoice savedModel(QString *error = nullptr);
    ~StudioSession() override;

    // Opens dataDir (created if missing) and shows its window. Fails with a clear message, and
    // changes nothing, when the directory is not writable, is held by another process, or the
    // engine does not start there.
    Result<void> open(const QString &dataDir);

    Engine *engine() const { return m_engine.get(); }
    Inspector *inspector() const { return m_inspector.get(); }
    Ui::MainWindow *window() const;
    QString dataDir() const { return m_dataDir; }
    // Engines still shutting down after a switch.
    int closingCount() const { return m_closing; }

    static QStringList recentDirectories();

public slots:
    // What the window's File menu asks for: opens dataDir, or reports why it could not.
    void openDataDirectory(const QString &dataDir);
    // File > Model for Agents: remembers the choice and opens the directory again with it (its
    // engine closes first: a model is chosen when an engine starts). A refused choice changes
    // nothing and says why.
    void switchModel(const QString &spec);

signals:
    void opened(const QString &dataDir);
    void openFailed(const QString &dataDir, const QString &message);
    void previousClosed(const QString &dataDir);

private:
    Result<void> checkDirectory(const QString &dataDir) const;
    std::shared_ptr<VirtualClock> makeClock(const QString &dataDir) const;
    void retire(std::unique_ptr<Engine> engine, std::unique_ptr<Inspector> inspector,
                Ui::MainWindow *window, const QString &dataDir);
    void saveClock() const;
    void remember(const QString &dataDir);
    void showRecent();
    void reopenAfterClose(const QString &dataDir, const ModelChoice &fallback);

    bool m_virtualClock;
    ClassRegistrar m_registrar;
    RepairArguments m_repairArguments;
    ModelChoice m_model;
    QString m_dataDir;
    std::shared_ptr<VirtualClock> m_clock;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Inspector> m_inspector;
    QPointer<Ui::MainWindow> m_window;
    int m_closing = 0;
    QSet<QString> m_closingDirs; // absolute paths of the directories still closing
    QThreadPool *m_closer;       // shuts replaced engines down off the GUI thread
};

} // namespace Durable::Studio
