// SPDX-License-Identifier: MIT
#include "jsoneditpanel.h"

#include "format.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace Durable::Ui {

namespace {

void setTone(QLabel *label, bool error)
{
    label->setStyleSheet(error ? QStringLiteral("color: #b01e1e;")
                               : QStringLiteral("color: #2e7d32;"));
}

} // namespace

JsonEditPanel::JsonEditPanel(QWidget *parent)
    : QWidget(parent), m_title(new QLabel), m_text(new QPlainTextEdit), m_validation(new QLabel),
      m_apply(new QPushButton(tr("Apply"))), m_cancel(new QPushButton(tr("Cancel")))
{
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_text->setFont(monospaceFont());
    m_text->setTabChangesFocus(true);
    const int line = m_text->fontMetrics().lineSpacing();
    m_text->setMinimumHeight(line * 4 + 12);
    m_text->setMaximumHeight(line * 12 + 12);
    m_validation->setWordWrap(true);
    m_validation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_apply->setToolTip(tr("Apply as an admin-edit turn of the object (Ctrl+Return)"));
    m_apply->setDefault(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_validation, 1);
    buttons->addWidget(m_apply);
    buttons->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);

    connect(m_text, &QPlainTextEdit::textChanged, this, &JsonEditPanel::validate);
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (m_valid && !m_busy)
            emit applyRequested(m_value);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        hide();
        emit cancelled();
    });
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_text);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, m_apply, &QPushButton::click);
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, m_cancel, &QPushButton::click);
}

bool JsonEditPanel::parse(const QString &text, QJsonValue *value, QString *error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = tr("Give a JSON value (for no value, write null)");
        return false;
    }
    // Wrapping in an array lets bare scalars ("42", "\"hi\"", "true") through the parser.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson("[" + trimmed.toUtf8() + "]",
                                                           &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray() ||
        document.array().size() != 1) {
        *error = parseError.error != QJsonParseError::NoError
                     ? tr("Invalid JSON at character %1: %2")
                           .arg(std::max(1, parseError.offset))
                           .arg(parseError.errorString())
                     : tr("Give one JSON value");
        return false;
    }
    *value = document.array().at(0);
    return true;
}

void JsonEditPanel::edit(const QString &title, const QJsonValue &value, bool requireObject)
{
    m_requireObject = requireObject;
    m_busy = false;
    m_title->setText(title);
    m_text->setPlainText(jsonPretty(value));
    validate();
    show();
    m_text->setFocus();
}

void JsonEditPanel::validate()
{
    QString error;
    QJsonValue value;
    m_valid = parse(m_text->toPlainText(), &value, &error);
    if (m_valid && m_requireObject && !value.isObject()) {
        m_valid = false;
        error = tr("The agent state must be a JSON object");
    }
    m_value = m_valid ? value : QJsonValue();
    setTone(m_validation, !m_valid);
    m_validation->setText(m_valid ? tr("Valid JSON") : error);
    m_apply->setEnabled(m_valid && !m_busy);
}

void JsonEditPanel::showError(const QString &message)
{
    setBusy(false);
    setTone(m_validation, true);
    m_validation->setText(message);
}

void JsonEditPanel::setBusy(bool busy)
{
    m_busy = busy;
    m_apply->setEnabled(m_valid && !m_busy);
    m_text->setReadOnly(busy);
}

} // namespace Durable::Ui
