// SPDX-License-Identifier: MIT
#include "sendrequestdialog.h"

#include "format.h"
#include "futures.h"

#include <durable/core/engine.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QVBoxLayout>

namespace Durable::Ui {

namespace {

bool looksLikeId(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    return hex.match(text).hasMatch();
}

} // namespace

SendRequestDialog::SendRequestDialog(Engine *engine, QWidget *parent)
    : QDialog(parent), m_engine(engine), m_class(new QComboBox), m_target(new QLineEdit),
      m_targetKind(new QLabel), m_method(new QLineEdit), m_args(new QPlainTextEdit),
      m_argsState(new QLabel), m_send(new QPushButton(tr("&Send"))), m_reply(new QPlainTextEdit),
      m_status(new QLabel)
{
    setWindowTitle(tr("Send Request"));
    m_target->setPlaceholderText(tr("object name, or a 64-hex id"));
    m_target->setFont(monospaceFont());
    m_targetKind->setMinimumWidth(60);
    m_method->setPlaceholderText(tr("method, e.g. increment"));
    m_args->setFont(monospaceFont());
    m_args->setPlaceholderText(tr("JSON arguments, e.g. {\"by\": 2} (empty: none)"));
    m_args->setTabChangesFocus(true);
    m_args->setMinimumHeight(m_args->fontMetrics().lineSpacing() * 4);
    m_args->setMaximumHeight(m_args->fontMetrics().lineSpacing() * 8);
    m_reply->setReadOnly(true);
    m_reply->setFont(monospaceFont());
    m_reply->setPlaceholderText(tr("The reply appears here."));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_send->setDefault(true);
    m_send->setToolTip(tr("Send (Ctrl+Return)"));

    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_target, 1);
    targetRow->addWidget(m_targetKind);
    auto *form = new QFormLayout;
    form->addRow(tr("&Class:"), m_class);
    auto *targetLabel = new QLabel(tr("&Object:"));
    targetLabel->setBuddy(m_target);
    form->addRow(targetLabel, targetRow);
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&Arguments:"), m_args);
    form->addRow(QString(), m_argsState);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_send, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Reply:")));
    layout->addWidget(m_reply, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(560, 480);

    connect(m_send, &QPushButton::clicked, this, &SendRequestDialog::send);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(shortcut, &QShortcut::activated, this, &SendRequestDialog::send);
    connect(m_target, &QLineEdit::textChanged, this, &SendRequestDialog::validate);
    connect(m_method, &QLineEdit::textChanged, this, &SendRequestDialog::validate);
    connect(m_args, &QPlainTextEdit::textChanged, this, &SendRequestDialog::validate);
    connect(m_class, &QComboBox::currentIndexChanged, this, &SendRequestDialog::validate);
    reloadClasses();
    validate();
}

void SendRequestDialog::reloadClasses()
{
    const QString current = m_class->currentText();
    m_class->clear();
    if (m_engine)
        m_class->addItems(m_engine->classNames());
    const int index = m_class->findText(current);
    if (index >= 0)
        m_class->setCurrentIndex(index);
}

void SendRequestDialog::setTarget(const QString &className, const QString &nameOrId)
{
    const int index = m_class->findText(className);
    if (index >= 0)
        m_class->setCurrentIndex(index);
    m_target->setText(nameOrId);
}

bool SendRequestDialog::parseArguments(const QString &text, QJsonValue *value, QString *error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *value = QJsonValue(QJsonValue::Undefined);
        return true;
    }
    // Wrapping in an array lets bare scalars ("42", "\"hi\"", "true") through the parser.
    QJsonParseError parseError;
    const QByteArray wrapped = "[" + trimmed.toUtf8() + "]";
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray() ||
        document.array().size() != 1) {
        if (error) {
            const int at = std::max(0, parseError.offset - 1);
            *error = parseError.error != QJsonParseError::NoError
                         ? tr("Invalid JSON at character %1: %2")
                               .arg(at + 1)
                               .arg(parseError.errorString())
                         : tr("Give one JSON value");
        }
        return false;
    }
    *value = document.array().at(0);
    return true;
}

void SendRequestDialog::validate()
{
    QJsonValue args;
    QString error;
    const bool argsOk = parseArguments(m_args->toPlainText(), &args, &error);
    if (argsOk) {
        m_argsState->setStyleSheet(QStringLiteral("color: #2e9d4f;"));
        m_argsState->setText(m_args->toPlainText().trimmed().isEmpty() ? tr("No arguments")
                                                                       : tr("Valid JSON"));
    } else {
        m_argsState->setStyleSheet(QStringLiteral("color: #b01e1e;"));
        m_argsState->setText(error);
    }
    const QString target = m_target->text().trimmed();
    m_targetKind->setText(target.isEmpty()      ? QString()
                          : looksLikeId(target) ? tr("(id)")
                                                : tr("(name)"));
    m_send->setEnabled(argsOk && !target.isEmpty() && !m_method->text().trimmed().isEmpty() &&
                       m_class->currentIndex() >= 0);
}

void SendRequestDialog::send()
{
    if (!m_send->isEnabled() || !m_engine)
        return;
    QJsonValue args;
    if (!parseArguments(m_args->toPlainText(), &args, nullptr))
        return;
    const QString className = m_class->currentText();
    const QString target = m_target->text().trimmed();
    const QString method = m_method->text().trimmed();
    Result<Stub> stub = looksLikeId(target) ? [&]() -> Result<Stub> {
        auto id = ObjectId::fromString(target);
        if (!id)
            return id.error();
        return m_engine->stub(className, id.value());
    }()
        : m_engine->stub(className, target);
    if (!stub) {
        m_status->setStyleSheet(QStringLiteral("color: #b01e1e;"));
        m_status->setText(stub.error().message());
        return;
    }
    const RefreshTracker::Ticket ticket = m_sends.next();
    const ObjectId id = stub->id();
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Sending %1 to %2/%3…").arg(method, className, target));
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    whenReady(
        stub->call(method, args), this,
        [this, ticket, className, id, timer](const QJsonValue &reply) {
            if (!m_sends.isCurrent(ticket))
                return;
            m_reply->setPlainText(reply.isUndefined() ? QStringLiteral("(no value)")
                                                      : jsonPretty(reply));
            m_status->setStyleSheet(QStringLiteral("color: #2e9d4f;"));
            m_status->setText(tr("Replied in %1 ms · %2").arg(timer->elapsed()).arg(id.toString()));
            emit replied(className, id, reply);
        },
        [this, ticket, className, id](const Durable::Error &error) {
            if (!m_sends.isCurrent(ticket))
                return;
            m_reply->clear();
            m_status->setStyleSheet(QStringLiteral("color: #b01e1e;"));
            m_status->setText(QStringLiteral("%1: %2").arg(error.codeName(), error.message()));
            emit failed(className, id, error);
        });
}

} // namespace Durable::Ui
