// SPDX-License-Identifier: MIT
#include "sandboxbar.h"

#include "comparedialog.h"
#include "futures.h"

#include <durable/core/engine.h>
#include <durable/core/inspector.h>

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QtConcurrent>

namespace Durable::Ui {

SandboxBar::SandboxBar(Engine *engine, Inspector *inspector, QWidget *parent)
    : QFrame(parent), m_engine(engine), m_inspector(inspector), m_menu(new QMenu(tr("Sand&boxes")))
{
    // The manifest is a few hundred bytes: read where the window is made, so its title can say.
    if (const Result<SandboxInfo> sandbox = Sandboxes::read(engine->dataDir()); sandbox)
        m_sandbox = sandbox.value();
    setObjectName(QStringLiteral("sandboxBanner"));
    setStyleSheet(QStringLiteral(
        "#sandboxBanner { background: #fff4ce; border-bottom: 1px solid #e0c060; }"));
    buildBanner();
    setVisible(m_sandbox.has_value());
    connect(m_menu, &QMenu::aboutToShow, this, [this] {
        fillMenu();
        refresh();
    });
    refresh();
}

SandboxBar::~SandboxBar()
{
    delete m_menu;
    delete m_compare; // before the original's engine it reads
}

void SandboxBar::buildBanner()
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(10, 6, 10, 6);
    auto *text = new QLabel;
    text->setObjectName(QStringLiteral("sandboxText"));
    text->setWordWrap(true);
    row->addWidget(text, 1);
    if (!m_sandbox)
        return;
    text->setText(tr("<b>Sandbox “%1”</b> — %2/%3 as of turn %4 of %5, on its own virtual "
                     "clock. Calls to other objects are held (see Pending calls); each model call "
                     "waits for its reply source (Conversation tab); nothing here touches the "
                     "original.")
                      .arg(m_sandbox->name.toHtmlEscaped(), m_sandbox->className.toHtmlEscaped(),
                           m_sandbox->objectName.toHtmlEscaped())
                      .arg(m_sandbox->forkSeq)
                      .arg(QDir::toNativeSeparators(m_sandbox->originDataDir).toHtmlEscaped()));
    auto *compare = new QPushButton(tr("Compare with the Original…"));
    compare->setObjectName(QStringLiteral("sandboxCompare"));
    connect(compare, &QPushButton::clicked, this, [this] {
        ObjectSummary copy;
        copy.className = m_sandbox->className;
        copy.id = m_sandbox->objectId;
        copy.name = m_sandbox->objectName;
        compareWithOriginal(copy);
    });
    row->addWidget(compare);
    auto *back = new QPushButton(tr("Back to the Original"));
    back->setObjectName(QStringLiteral("sandboxBack"));
    connect(back, &QPushButton::clicked, this,
            [this] { emit openDataDirectoryRequested(m_sandbox->originDataDir); });
    row->addWidget(back);
}

QString SandboxBar::originDataDir() const
{
    return m_sandbox ? m_sandbox->originDataDir : m_engine->dataDir();
}

void SandboxBar::refresh()
{
    const QString origin = originDataDir();
    whenReady(
        QtConcurrent::run([origin] { return Sandboxes::list(origin); }), this,
        [this](const Result<QList<SandboxInfo>> &list) {
            m_list = list;
            m_listed = true;
            fillMenu();
        },
        [this](const Error &error) {
            m_list = error;
            m_listed = true;
            fillMenu();
        });
}

void SandboxBar::fillMenu()
{
    m_menu->clear();
    if (m_sandbox) {
        m_menu->addAction(
            tr("Back to the Original (%1)").arg(QDir::toNativeSeparators(m_sandbox->originDataDir)),
            this, [this] { emit openDataDirectoryRequested(m_sandbox->originDataDir); });
        m_menu->addSeparator();
    }
    if (!m_listed || !m_list || m_list->isEmpty()) {
        QAction *none = m_menu->addAction(
            !m_listed ? tr("Reading the sandboxes…")
            : m_list  ? tr("No sandboxes yet: select a turn in an object's Timeline tab and "
                            "choose “Sandbox from here…”")
                      : m_list.error().message());
        none->setEnabled(false);
        return;
    }
    for (const SandboxInfo &sandbox : m_list.value()) {
        QAction *open = m_menu->addAction(
            tr("Open %1").arg(sandbox.label()), this,
            [this, dir = sandbox.dataDir] { emit openDataDirectoryRequested(dir); });
        open->setCheckable(true);
        open->setChecked(m_sandbox && m_sandbox->name == sandbox.name);
        open->setEnabled(!open->isChecked());
    }
    m_menu->addSeparator();
    QMenu *remove = m_menu->addMenu(tr("Delete"));
    for (const SandboxInfo &sandbox : m_list.value()) {
        QAction *action = remove->addAction(sandbox.name, this,
                                            [this, name = sandbox.name] { deleteSandbox(name); });
        action->setEnabled(!(m_sandbox && m_sandbox->name == sandbox.name));
    }
}

void SandboxBar::deleteSandbox(const QString &name)
{
    if (m_sandbox && m_sandbox->name == name) {
        emit message(
            tr("Sandbox “%1” is open here: go back to the original to delete it").arg(name), 8000);
        return;
    }
    const QString origin = originDataDir();
    // A data directory can be large: removed off the GUI thread.
    whenReady(
        QtConcurrent::run([origin, name] { Sandboxes::remove(origin, name).orThrow(); }), this,
        [this, name] {
            emit message(tr("Deleted sandbox “%1”").arg(name), 8000);
            refresh();
        },
        [this, name](const Error &error) {
            emit message(tr("Could not delete sandbox “%1”: %2").arg(name, error.message()), 0);
        });
}

void SandboxBar::offerToOpen(const SandboxInfo &sandbox)
{
    refresh();
    emit message(tr("Sandbox %1 is ready (File > Sandboxes)").arg(sandbox.label()), 8000);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Sandbox ready"),
                                tr("Sandbox “%1” holds %2/%3 as of turn %4. Open it now?")
                                    .arg(sandbox.name, sandbox.className, sandbox.objectName)
                                    .arg(sandbox.forkSeq),
                                QMessageBox::Open | QMessageBox::Cancel, window());
    box->setInformativeText(tr("It runs on its own virtual clock from that turn's time, its "
                               "calls to other objects are held, and each model call waits for "
                               "you to choose its reply. File > Sandboxes brings you back."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, dir = sandbox.dataDir] {
        if (box->clickedButton() == box->button(QMessageBox::Open))
            emit openDataDirectoryRequested(dir);
    });
    box->open();
}

CompareDialog *SandboxBar::compareDialog() const
{
    return m_compare;
}

void SandboxBar::compareWithOriginal(const ObjectSummary &copy)
{
    if (m_compare) {
        m_compare->raise();
        m_compare->activateWindow();
        return;
    }
    Result<std::unique_ptr<Engine>> origin = Sandboxes::openOrigin(m_engine);
    if (!origin) {
        emit message(tr("Could not open the original to compare: %1").arg(origin.error().message()),
                     0);
        return;
    }
    m_origin = std::move(origin).value();
    m_originInspector = std::make_unique<Inspector>(m_origin.get());
    m_compare = new CompareDialog(m_originInspector.get(), m_inspector, window());
    m_compare->setSideNames(tr("the original"), tr("this sandbox"));
    connect(m_compare, &QDialog::finished, this, [this] {
        m_compare->deleteLater();
        m_compare = nullptr;
        m_originInspector.reset();
        m_origin.reset(); // shuts it down: the original is free for other programs again
    });
    m_compare->show();
    // Both sides as their engines describe them (the copy says it is a fork of the original).
    const auto failed = [this](const Error &error) {
        emit message(tr("Could not compare with the original: %1").arg(error.message()), 0);
    };
    whenReady(
        m_originInspector->object(copy.className, copy.id), m_compare.data(),
        [this, copy, failed](const ObjectSummary &original) {
            whenReady(
                m_inspector->object(copy.className, copy.id), m_compare.data(),
                [this, original](const ObjectSummary &copied) {
                    m_compare->compare(original, copied);
                },
                failed);
        },
        failed);
}

} // namespace Durable::Ui
