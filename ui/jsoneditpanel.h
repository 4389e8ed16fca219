// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Durable::Ui {

// An inline JSON editor: what is edited, the value as indented JSON text validated as you type
// (Apply is enabled only for one valid JSON value, an object where one is required), and a line
// for the outcome, where the caller also shows the engine's refusal. GUI thread only.
class JsonEditPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JsonEditPanel(QWidget *parent = nullptr);

    // Opens the editor on value; requireObject refuses anything but a JSON object.
    void edit(const QString &title, const QJsonValue &value, bool requireObject);
    bool isValid() const { return m_valid; }
    QJsonValue value() const { return m_value; }
    // The applied value was refused: say why and keep the text for another try.
    void showError(const QString &message);
    void setBusy(bool busy);

    QPlainTextEdit *textEdit() const { return m_text; }
    QLabel *titleLabel() const { return m_title; }
    QLabel *validationLabel() const { return m_validation; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *cancelButton() const { return m_cancel; }

    // One JSON value (scalars too); error says where the text is not JSON.
    static bool parse(const QString &text, QJsonValue *value, QString *error);

signals:
    void applyRequested(const QJsonValue &value);
    void cancelled();

private:
    void validate();

    QLabel *m_title;
    QPlainTextEdit *m_text;
    QLabel *m_validation;
    QPushButton *m_apply;
    QPushButton *m_cancel;
    QJsonValue m_value;
    bool m_valid = false;
    bool m_requireObject = false;
    bool m_busy = false;
};

} // namespace Durable::Ui
