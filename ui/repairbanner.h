// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/objectid.h>

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

// The studio's way back for a quarantined (damaged) object: a banner above the object's tabs that
// says what is wrong and offers the two repairs of Inspector::repair: Reset (move the damaged
// files aside, start empty) and Accept (take the file as found). Each asks before it acts. The
// CLI equivalent is `durable repair`. GUI thread only.
class RepairBanner : public QFrame
{
    Q_OBJECT
public:
    explicit RepairBanner(Inspector *inspector, QWidget *parent = nullptr);

    // Shown while status is Quarantined; why is the quarantine error when known.
    void setObject(const QString &className, const ObjectId &id, ObjectStatus status);
    void setReason(const Error &why);

    QLabel *messageLabel() const { return m_message; }
    QPushButton *resetButton() const { return m_reset; }
    QPushButton *acceptButton() const { return m_accept; }

public slots:
    // Without asking: what the buttons do after the person confirmed.
    void repair(Durable::RepairAction action);

signals:
    void repaired(Durable::RepairAction action, const QString &note);
    void errorOccurred(const Durable::Error &error);

private:
    void confirmAndRepair(RepairAction action);

    QPointer<Inspector> m_inspector;
    QString m_className;
    ObjectId m_id;
    QLabel *m_message;
    QPushButton *m_reset;
    QPushButton *m_accept;
};

} // namespace Durable::Ui
