// SPDX-License-Identifier: MIT
#include "repairbanner.h"

#include "futures.h"

#include <durable/core/inspector.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace Durable::Ui {

RepairBanner::RepairBanner(Inspector *inspector, QWidget *parent)
    : QFrame(parent), m_inspector(inspector), m_message(new QLabel),
      m_reset(new QPushButton(tr("Reset…"))), m_accept(new QPushButton(tr("Accept as found…")))
{
    setObjectName(QStringLiteral("repairBanner"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#repairBanner { background: #fdecea; border: 1px solid #e0a09a; "
                                 "border-radius: 4px; } QLabel { color: #611a15; }"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reset->setToolTip(tr("Move the damaged files aside (kept, never deleted) and let the object "
                           "start empty on its next call"));
    m_accept->setToolTip(tr("Take the data file as it is now, e.g. one you put back from a "
                            "backup; turns it lacks are lost"));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_accept);
    buttons->addWidget(m_reset);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    connect(m_reset, &QPushButton::clicked, this,
            [this] { confirmAndRepair(RepairAction::Reset); });
    connect(m_accept, &QPushButton::clicked, this,
            [this] { confirmAndRepair(RepairAction::Accept); });
    hide();
}

void RepairBanner::setObject(const QString &className, const ObjectId &id, ObjectStatus status)
{
    if (id != m_id || className != m_className)
        m_message->setText(tr("This object is quarantined: its data is damaged or missing, so it "
                              "was not started. Nothing was changed on disk."));
    m_className = className;
    m_id = id;
    setVisible(status == ObjectStatus::Quarantined && !id.isNull());
    m_reset->setEnabled(true);
    m_accept->setEnabled(true);
}

void RepairBanner::setReason(const Error &why)
{
    m_message->setText(why.message());
}

void RepairBanner::confirmAndRepair(RepairAction action)
{
    const bool reset = action == RepairAction::Reset;
    const QString question =
        reset ? tr("Reset this object? Its damaged files are moved aside (not deleted) and it "
                   "starts empty on its next call.")
              : tr("Accept its data file as found? Turns the file lacks are lost; use this after "
                   "putting back a backup.");
    if (QMessageBox::question(this, reset ? tr("Reset object") : tr("Accept data file"),
                              question) != QMessageBox::Yes)
        return;
    repair(action);
}

void RepairBanner::repair(RepairAction action)
{
    if (!m_inspector || m_id.isNull())
        return;
    m_reset->setEnabled(false);
    m_accept->setEnabled(false);
    const ObjectId id = m_id;
    whenReady(
        m_inspector->repair(m_className, id, action), this,
        [this, id, action](const QString &note) {
            if (id != m_id)
                return;
            hide();
            emit repaired(action, note);
        },
        [this, id](const Error &error) {
            if (id != m_id)
                return;
            m_reset->setEnabled(true);
            m_accept->setEnabled(true);
            emit errorOccurred(error);
        });
}

} // namespace Durable::Ui
