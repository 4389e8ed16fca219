// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/error.h>
#include <durable/core/objectid.h>

#include <QDialog>
#include <QJsonValue>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace Durable {
class Engine;
}

namespace Durable::Ui {

// Sends one request to an object: class, name or 64-hex id, method and JSON arguments (checked
// as you type). The reply or the error appears inline; sending never blocks, and the dialog
// stays open for the next request. GUI thread only.
class SendRequestDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SendRequestDialog(Engine *engine, QWidget *parent = nullptr);

    void setTarget(const QString &className, const QString &nameOrId);

    QComboBox *classCombo() const { return m_class; }
    QLineEdit *targetEdit() const { return m_target; }
    QLineEdit *methodEdit() const { return m_method; }
    QPlainTextEdit *argsEdit() const { return m_args; }
    QPushButton *sendButton() const { return m_send; }
    QPlainTextEdit *replyView() const { return m_reply; }
    QLabel *statusLabel() const { return m_status; }

    // Parses the argument text: empty means no arguments (undefined). Bare scalars are allowed.
    static bool parseArguments(const QString &text, QJsonValue *value, QString *error);

public slots:
    void send();
    void reloadClasses();

signals:
    void replied(const QString &className, const Durable::ObjectId &id, const QJsonValue &reply);
    void failed(const QString &className, const Durable::ObjectId &id, const Durable::Error &error);

private:
    void validate();

    QPointer<Engine> m_engine;
    QComboBox *m_class;
    QLineEdit *m_target;
    QLabel *m_targetKind;
    QLineEdit *m_method;
    QPlainTextEdit *m_args;
    QLabel *m_argsState;
    QPushButton *m_send;
    QPlainTextEdit *m_reply;
    QLabel *m_status;
    RefreshTracker m_sends;
};

} // namespace Durable::Ui
