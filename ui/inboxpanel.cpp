// SPDX-License-Identifier: MIT
#include "inboxpanel.h"

#include "format.h"
#include "inboxmodel.h"
#include "statusdelegate.h"

#include <QAction>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace Durable::Ui {

namespace {

const QString s_red = QStringLiteral("color: #b01e1e;");
const QString s_green = QStringLiteral("color: #2e9d4f;");

QLabel *sectionLabel(const QString &text)
{
    auto *label = new QLabel(text);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

InboxPanel::InboxPanel(Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent), m_model(new InboxModel(inspector, clock, this)), m_view(new QTableView),
      m_summary(new QLabel), m_stack(new QStackedWidget), m_placeholder(new QLabel),
      m_title(new QLabel), m_meta(new QLabel), m_prompt(new QTextBrowser),
      m_context(new QPlainTextEdit), m_notes(new QPlainTextEdit), m_valueBox(new QWidget),
      m_value(new QPlainTextEdit), m_valueState(new QLabel),
      m_approve(new QPushButton(tr("&Approve"))), m_reject(new QPushButton(tr("Re&ject"))),
      m_respond(new QPushButton(tr("Re&spond"))), m_edit(new QPushButton(tr("Send &Edit"))),
      m_error(new QLabel), m_previousAction(new QAction(tr("Previous Request"), this)),
      m_nextAction(new QAction(tr("Next Request"), this)),
      m_approveAction(new QAction(tr("Approve"), this)),
      m_rejectAction(new QAction(tr("Reject"), this))
{
    setUpList();
    setUpDetails();
    layOut();
    setUpActions();
    connectViewAndModel();
    showRequest(-1);
    updateSummary();
}

void InboxPanel::setUpList()
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setItemDelegateForColumn(InboxModel::DeadlineColumn,
                                     new StatusDelegate(0, InboxModel::OverdueRole, m_view));
    const QFontMetrics metrics = m_view->fontMetrics();
    auto widthOf = [&metrics](const QString &sample) {
        return metrics.horizontalAdvance(sample) + 24;
    };
    m_view->setColumnWidth(InboxModel::ObjectColumn, widthOf(QStringLiteral("candidate-name-x")));
    m_view->setColumnWidth(InboxModel::ClassColumn, widthOf(QStringLiteral("Recruitment")));
    m_view->setColumnWidth(InboxModel::TitleColumn,
                           widthOf(QStringLiteral("Review Candidate Name xx")));
    m_view->setColumnWidth(InboxModel::AgeColumn, widthOf(QStringLiteral("23 h 59 min ago")));
}

void InboxPanel::setUpDetails()
{
    const QFontMetrics metrics = m_view->fontMetrics();
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setStyleSheet(QStringLiteral("color: palette(mid);"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_meta->setWordWrap(true);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_prompt->setOpenExternalLinks(true);
    m_prompt->setMinimumHeight(metrics.height() * 4);
    m_context->setReadOnly(true);
    m_context->setFont(monospaceFont());
    m_context->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_context->setMinimumHeight(metrics.height() * 5);
    m_notes->setPlaceholderText(
        tr("Comment, reason or response (optional for approve and reject)"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(metrics.height() * 3);
    m_value->setFont(monospaceFont());
    m_value->setTabChangesFocus(true);
    m_value->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_value->setMinimumHeight(metrics.height() * 5);
    m_valueState->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(s_red);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_approve->setToolTip(
        tr("Accept as proposed, with the text as an optional comment (Ctrl+Return)"));
    m_reject->setToolTip(tr("Refuse, with the text as an optional reason (Ctrl+Backspace)"));
    m_respond->setToolTip(tr("Answer with the text (and the JSON value, if any)"));
    m_edit->setToolTip(tr("Send back the edited JSON"));
}

void InboxPanel::layOut()
{
    auto *valueLayout = new QVBoxLayout(m_valueBox);
    valueLayout->setContentsMargins(0, 0, 0, 0);
    valueLayout->addWidget(sectionLabel(tr("Value (JSON)")));
    valueLayout->addWidget(m_value, 1);
    valueLayout->addWidget(m_valueState);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_approve);
    buttons->addWidget(m_reject);
    buttons->addWidget(m_respond);
    buttons->addWidget(m_edit);
    buttons->addStretch(1);

    auto *details = new QWidget;
    auto *detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(4, 0, 4, 4);
    detailLayout->addWidget(m_title);
    detailLayout->addWidget(m_meta);
    detailLayout->addWidget(m_prompt, 2);
    detailLayout->addWidget(sectionLabel(tr("Context")));
    detailLayout->addWidget(m_context, 2);
    detailLayout->addWidget(m_valueBox, 2);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(details);
    // What the person reads scrolls; what they do stays in sight: the answer box and the
    // approve / reject / respond row are pinned below it, never below the fold of a short dock.
    auto *pane = new QWidget;
    auto *paneLayout = new QVBoxLayout(pane);
    paneLayout->setContentsMargins(0, 0, 0, 0);
    paneLayout->setSpacing(2);
    paneLayout->addWidget(scroll, 1);
    auto *answer = new QVBoxLayout;
    answer->setContentsMargins(4, 0, 4, 4);
    answer->addWidget(sectionLabel(tr("Comment / response")));
    answer->addWidget(m_notes);
    answer->addLayout(buttons);
    answer->addWidget(m_error);
    paneLayout->addLayout(answer);
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(pane);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_summary);
    leftLayout->addWidget(m_view, 1);
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(left);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
}

void InboxPanel::setUpActions()
{
    // Triage keys work anywhere in the panel (text boxes keep Ctrl+Backspace for deleting words).
    m_previousAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    m_nextAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    m_approveAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_rejectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Backspace));
    for (QAction *action : {m_previousAction, m_nextAction, m_approveAction, m_rejectAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_previousAction, &QAction::triggered, this, &InboxPanel::selectPrevious);
    connect(m_nextAction, &QAction::triggered, this, &InboxPanel::selectNext);
    connect(m_approveAction, &QAction::triggered, this, &InboxPanel::approve);
    connect(m_rejectAction, &QAction::triggered, this, &InboxPanel::reject);
    connect(m_approve, &QPushButton::clicked, this, &InboxPanel::approve);
    connect(m_reject, &QPushButton::clicked, this, &InboxPanel::reject);
    connect(m_respond, &QPushButton::clicked, this, &InboxPanel::respond);
    connect(m_edit, &QPushButton::clicked, this, &InboxPanel::submitEdit);
    connect(m_value, &QPlainTextEdit::textChanged, this, &InboxPanel::validateValue);
}

void InboxPanel::connectViewAndModel()
{
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const HumanRequestInfo request = m_model->request(index.row());
        emit objectActivated(request.className, request.objectId);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                showRequest(current.isValid() ? current.row() : -1);
            });
    connect(m_model, &InboxModel::refreshed, this, [this] {
        // Something to triage and nothing chosen: start with the oldest.
        if (!m_view->selectionModel()->currentIndex().isValid() && m_model->rowCount() > 0)
            selectRow(0);
        updateSummary();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &InboxPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &InboxPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateSummary();
        showRequest(m_view->selectionModel()->currentIndex().row());
    });
    connect(m_model, &InboxModel::answerFailed, this,
            [this](const QString &, const QString &title, const Durable::Error &error) {
                showError(tr("Could not answer “%1”: %2").arg(title, error.message()));
            });
    connect(m_model, &InboxModel::errorOccurred, this, [this](const Durable::Error &error) {
        m_summary->setText(
            tr("<span style=\"color:#b01e1e\">Could not list the requests: %1</span>")
                .arg(error.message().toHtmlEscaped()));
    });
}

QString InboxPanel::localUserName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user;
}

bool InboxPanel::parseJson(const QString &text, QJsonValue *value, QString *error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        if (error)
            *error = tr("Give a JSON value");
        return false;
    }
    // Wrapping in an array lets bare scalars ("42", "\"hi\"", "true") through the parser.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson("[" + trimmed.toUtf8() + "]",
                                                           &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray() ||
        document.array().size() != 1) {
        if (error) {
            *error = parseError.error != QJsonParseError::NoError
                         ? tr("Invalid JSON at character %1: %2")
                               .arg(std::max(1, parseError.offset))
                               .arg(parseError.errorString())
                         : tr("Give one JSON value");
        }
        return false;
    }
    if (value)
        *value = document.array().at(0);
    return true;
}

void InboxPanel::refresh()
{
    m_model->refresh();
}

bool InboxPanel::selectRequest(const QString &requestId)
{
    const int row = m_model->rowOf(requestId);
    if (row < 0)
        return false;
    selectRow(row);
    return true;
}

void InboxPanel::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void InboxPanel::selectPrevious()
{
    const int row = m_view->selectionModel()->currentIndex().row();
    selectRow(row < 0 ? 0 : std::max(0, row - 1));
}

void InboxPanel::selectNext()
{
    const int row = m_view->selectionModel()->currentIndex().row();
    selectRow(row < 0 ? 0 : std::min(m_model->rowCount() - 1, row + 1));
}

void InboxPanel::focusList()
{
    m_view->setFocus(Qt::ShortcutFocusReason);
    if (!m_view->selectionModel()->currentIndex().isValid())
        selectRow(0);
}

void InboxPanel::showRequest(int row)
{
    const HumanRequestInfo request = m_model->request(row);
    if (!request.requestId.isEmpty() && request.requestId == m_current.requestId)
        return; // same request: keep what the user typed
    m_current = request;
    m_error->clear();
    m_error->hide();
    m_notes->clear();
    m_value->blockSignals(true);
    m_value->clear();
    m_value->blockSignals(false);
    m_wantsValue = false;
    if (m_current.requestId.isEmpty()) {
        m_placeholder->setText(m_model->rowCount() > 0 ? tr("Select a request")
                                                       : tr("No pending requests"));
        m_stack->setCurrentIndex(0);
        for (QAction *action : {m_approveAction, m_rejectAction})
            action->setEnabled(false);
        return;
    }

    const QList<HumanAction> &actions = m_current.actions;
    const bool canApprove = actions.contains(HumanAction::Approve);
    const bool canReject = actions.contains(HumanAction::Reject);
    const bool canRespond = actions.contains(HumanAction::Respond);
    const bool canEdit = actions.contains(HumanAction::Edit);
    m_title->setText(m_current.title.isEmpty() ? tr("(untitled request)") : m_current.title);
    const QString object = m_current.objectName.isEmpty() ? m_current.objectId.toString()
                                                          : m_current.objectName;
    QString meta =
        tr("%1/%2 · opened %3 UTC").arg(m_current.className, object, timeText(m_current.createdMs));
    if (m_current.deadlineMs >= 0)
        meta += tr(" · deadline %1 UTC").arg(timeText(m_current.deadlineMs));
    meta += tr(" · %1").arg(m_current.requestId);
    m_meta->setText(meta);
    m_prompt->setMarkdown(m_current.prompt);
    m_context->setPlainText(m_current.context.isUndefined() || m_current.context.isNull()
                                ? QString()
                                : jsonPretty(m_current.context));

    m_schemaError.clear();
    m_schema = JsonSchema();
    if (!m_current.schema.isEmpty()) {
        Result<JsonSchema> compiled = JsonSchema::fromJson(m_current.schema);
        if (compiled)
            m_schema = compiled.value();
        else
            m_schemaError = compiled.error().message();
    }
    // Edit sends back the context, changed; Respond may carry a value when a schema asks for one.
    m_wantsValue = canEdit || (canRespond && !m_current.schema.isEmpty());
    m_valueBox->setVisible(m_wantsValue);
    if (canEdit && !m_current.context.isUndefined())
        m_value->setPlainText(jsonPretty(m_current.context));
    m_approve->setVisible(canApprove);
    m_reject->setVisible(canReject);
    m_respond->setVisible(canRespond);
    m_edit->setVisible(canEdit);
    m_approveAction->setEnabled(canApprove);
    m_rejectAction->setEnabled(canReject);
    validateValue();
    m_stack->setCurrentIndex(1);
}

void InboxPanel::validateValue()
{
    m_valueValid = false;
    if (!m_wantsValue || m_current.requestId.isEmpty()) {
        m_valueState->clear();
        m_edit->setEnabled(false);
        return;
    }
    const bool editable = m_current.actions.contains(HumanAction::Edit);
    QJsonValue value;
    QString error;
    if (!m_schemaError.isEmpty()) {
        m_valueState->setStyleSheet(s_red);
        m_valueState->setText(tr("The request's schema is unusable: %1").arg(m_schemaError));
    } else if (!editable && m_value->toPlainText().trimmed().isEmpty()) {
        m_valueState->setStyleSheet(QString());
        m_valueState->setText(tr("Optional: a JSON value for the response"));
    } else if (!parseJson(m_value->toPlainText(), &value, &error)) {
        m_valueState->setStyleSheet(s_red);
        m_valueState->setText(error);
    } else if (const QStringList violations = m_schema.violations(value); !violations.isEmpty()) {
        m_valueState->setStyleSheet(s_red);
        m_valueState->setText(
            tr("Does not match the schema: %1").arg(violations.join(QStringLiteral("; "))));
    } else {
        m_valueValid = true;
        m_valueState->setStyleSheet(s_green);
        m_valueState->setText(m_current.schema.isEmpty() ? tr("Valid JSON")
                                                         : tr("Valid JSON, matches the schema"));
    }
    m_edit->setEnabled(m_valueValid);
}

void InboxPanel::approve()
{
    if (m_current.actions.contains(HumanAction::Approve))
        send(HumanAction::Approve, m_notes->toPlainText().trimmed());
}

void InboxPanel::reject()
{
    if (m_current.actions.contains(HumanAction::Reject))
        send(HumanAction::Reject, m_notes->toPlainText().trimmed());
}

void InboxPanel::respond()
{
    if (!m_current.actions.contains(HumanAction::Respond))
        return;
    const QString text = m_notes->toPlainText().trimmed();
    QJsonValue value;
    if (m_wantsValue && !m_value->toPlainText().trimmed().isEmpty()) {
        if (!m_valueValid) {
            showError(tr("Fix the JSON value first: %1").arg(m_valueState->text()));
            return;
        }
        parseJson(m_value->toPlainText(), &value, nullptr);
    }
    if (text.isEmpty() && value.isUndefined()) {
        showError(tr("Write a response in the text box first"));
        m_notes->setFocus();
        return;
    }
    send(HumanAction::Respond, text, value);
}

void InboxPanel::submitEdit()
{
    if (!m_current.actions.contains(HumanAction::Edit))
        return;
    QJsonValue value;
    if (!m_valueValid || !parseJson(m_value->toPlainText(), &value, nullptr)) {
        showError(tr("Fix the JSON value first: %1").arg(m_valueState->text()));
        return;
    }
    send(HumanAction::Edit, m_notes->toPlainText().trimmed(), value);
}

void InboxPanel::send(HumanAction action, const QString &text, const QJsonValue &value)
{
    if (m_current.requestId.isEmpty())
        return;
    HumanResponse response;
    response.action = action;
    response.text = text;
    response.value = value;
    response.answeredBy = localUserName();
    const int row = m_model->rowOf(m_current.requestId);
    // The model drops the row at once (the view then moves on, changing m_current); carry on
    // with the request that took its place.
    m_model->answer(m_current, response);
    if (m_model->rowCount() > 0)
        selectRow(std::clamp(row, 0, m_model->rowCount() - 1));
    else
        showRequest(-1);
}

void InboxPanel::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
    if (m_stack->currentIndex() == 0) {
        // Nothing selected any more (the list emptied): the placeholder carries the error.
        m_placeholder->setText(
            QStringLiteral("<span style=\"%1\">%2</span>").arg(s_red, text.toHtmlEscaped()));
    }
}

void InboxPanel::updateSummary()
{
    const int count = m_model->rowCount();
    int overdue = 0;
    for (int row = 0; row < count; ++row) {
        if (m_model->index(row, 0).data(InboxModel::OverdueRole).toBool())
            ++overdue;
    }
    QString text = tr("%n pending request(s)", nullptr, count);
    if (overdue > 0)
        text += tr(", <b style=\"color:#b01e1e\">%1 past the deadline</b>").arg(overdue);
    m_summary->setText(text);
    if (count == 0 && m_current.requestId.isEmpty() && m_error->isHidden())
        m_placeholder->setText(tr("No pending requests"));
    emit countChanged(count);
}

} // namespace Durable::Ui
