// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>
#include <durable/core/sandboxes.h>

#include <QFrame>
#include <QList>
#include <QPointer>

#include <memory>
#include <optional>

class QMenu;

namespace Durable {
class Engine;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class CompareDialog;

// Everything the main window knows about sandboxes: the yellow bar over the objects that says
// this directory is one (hidden otherwise) with Back to the Original and Compare with the
// Original; the File > Sandboxes menu that lists, opens and deletes the sandboxes of this
// directory (or of the one this sandbox came from); and the offer to open a sandbox just made.
//
// The list is read and sandboxes are deleted on a pool thread; the menu shows the list read
// last and reads it again each time it opens. GUI thread only.
class SandboxBar : public QFrame
{
    Q_OBJECT
public:
    SandboxBar(Engine *engine, Inspector *inspector, QWidget *parent = nullptr);
    ~SandboxBar() override;

    // The sandbox this window shows, if it shows one.
    const std::optional<SandboxInfo> &sandbox() const { return m_sandbox; }
    QMenu *menu() const { return m_menu; }
    // The directory whose sandboxes the menu lists.
    QString originDataDir() const;
    // Whether the menu shows the list as read last (not "Reading…").
    bool isListed() const { return m_listed; }

    // Deletes the sandbox name of originDataDir() (refused for the one open here).
    void deleteSandbox(const QString &name);
    // Asks whether to open a sandbox just made.
    void offerToOpen(const SandboxInfo &sandbox);
    // Opens the original beside this sandbox, to be read, and compares copy with the original
    // in a CompareDialog (the original is closed with the dialog).
    void compareWithOriginal(const ObjectSummary &copy);
    CompareDialog *compareDialog() const;

signals:
    void openDataDirectoryRequested(const QString &dataDir);
    void message(const QString &text, int timeoutMs);

private:
    void buildBanner();
    void refresh();
    void fillMenu();

    Engine *m_engine;
    Inspector *m_inspector;
    std::optional<SandboxInfo> m_sandbox;
    QMenu *m_menu;
    Result<QList<SandboxInfo>> m_list {QList<SandboxInfo>()};
    bool m_listed = false;
    // The original, open to be read while a comparison shows it.
    std::unique_ptr<Engine> m_origin;
    std::unique_ptr<Inspector> m_originInspector;
    QPointer<CompareDialog> m_compare;
};

} // namespace Durable::Ui
