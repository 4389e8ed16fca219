// SPDX-License-Identifier: MIT
#include "conversationview.h"

#include "format.h"
#include "modelcallmodel.h"
#include "modelsourcepicker.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <durable/core/chatreply.h>
#include <durable/core/modelsources.h>

namespace Durable::Ui {

namespace {

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// Text that keeps its line breaks and wraps in the pane.
QString block(const QString &text, bool monospace = false)
{
    const QString font = monospace ? QStringLiteral("font-family:monospace;") : QString();
    return QStringLiteral("<p style=\"white-space:pre-wrap; margin:2px 0 6px 12px; %1\">%2</p>")
        .arg(font, escaped(text));
}

QString roleColor(ChatRole role)
{
    switch (role) {
    case ChatRole::System:
        return QStringLiteral("#6b7280");
    case ChatRole::User:
        return QStringLiteral("#1d4ed8");
    case ChatRole::Assistant:
        return QStringLiteral("#047857");
    case ChatRole::Tool:
        return QStringLiteral("#9a6700");
    }
    return QStringLiteral("#000000");
}

QString toolCallLine(const ToolCall &call)
{
    return QStringLiteral("<p style=\"margin:2px 0 2px 12px;\">&#8594; calls tool <b>%1</b> "
                          "<span style=\"color:#6b7280;\">(%2)</span></p>%3")
        .arg(escaped(call.name), escaped(call.id), block(jsonPretty(call.arguments), true));
}

QString messageHtml(const ChatMessage &message)
{
    QString heading = QStringLiteral("<span style=\"color:%1; font-weight:bold;\">%2</span>")
                          .arg(roleColor(message.role), ChatMessage::roleName(message.role));
    if (message.role == ChatRole::Tool)
        heading += ConversationView::tr(" result of %1 <span style=\"color:#6b7280;\">(%2)</span>")
                       .arg(escaped(message.name.isEmpty() ? ConversationView::tr("a tool")
                                                           : message.name),
                            escaped(message.toolCallId));
    QString html = QStringLiteral("<p style=\"margin:6px 0 0 0;\">%1</p>").arg(heading);
    if (!message.content.isEmpty())
        html += block(message.content, message.role == ChatRole::Tool);
    for (const ToolCall &call : message.toolCalls)
        html += toolCallLine(call);
    return html;
}

QString banner(const QString &text, const QString &color, const QString &background)
{
    return QStringLiteral("<table width=\"100%\" cellpadding=\"6\" style=\"margin:4px 0;\"><tr>"
                          "<td style=\"background:%1; color:%2;\">%3</td></tr></table>")
        .arg(background, color, text);
}

QString statusBanner(const ModelCallInfo &call)
{
    const QString status = escaped(ModelCallModel::statusText(call));
    switch (call.status) {
    case ModelCallInfo::Status::Model:
        return banner(ConversationView::tr("<b>Pending</b> — in flight: %1. The continuation "
                                           "“%2” runs when the reply arrives.")
                          .arg(status, escaped(call.continuation)),
                      QStringLiteral("#7a4f00"), QStringLiteral("#fff4d6"));
    case ModelCallInfo::Status::Tools:
        return banner(ConversationView::tr("<b>Pending</b> — %1 (round %2); the model is asked "
                                           "again with their results.")
                          .arg(status)
                          .arg(call.round + 1),
                      QStringLiteral("#7a4f00"), QStringLiteral("#fff4d6"));
    case ModelCallInfo::Status::Failed:
        return banner(ConversationView::tr("<b>Failed</b>: %1").arg(escaped(call.error)),
                      QStringLiteral("#8b1414"), QStringLiteral("#fde2e2"));
    case ModelCallInfo::Status::Done:
        return banner(ConversationView::tr("<b>%1</b> — the continuation “%2” ran with the reply.")
                          .arg(status, escaped(call.continuation)),
                      QStringLiteral("#14532d"), QStringLiteral("#e3f6e8"));
    }
    return QString();
}

QString sourceBanner(const QJsonObject &reply)
{
    const QString cassette = reply.value(QStringLiteral("replayedFrom")).toString();
    const bool scripted = reply.value(QStringLiteral("scripted")).toBool();
    if (ModelCallModel::isRecordedReply(reply))
        return banner(ConversationView::tr("<b>Recorded</b> — this sandbox replayed the reply "
                                           "the original got (%1), not asked of a model now.")
                          .arg(escaped(cassette)),
                      QStringLiteral("#4c1d95"), QStringLiteral("#efe7fb"));
    if (reply.value(QStringLiteral("provider")).toString() == QLatin1String("edited"))
        return banner(ConversationView::tr("<b>Edited</b> — this reply was written in the "
                                           "studio for this sandbox, not given by a model."),
                      QStringLiteral("#7a4f00"), QStringLiteral("#fff4d6"));
    if (!cassette.isEmpty())
        return banner(ConversationView::tr("<b>Cassette replay</b> — this reply was replayed from "
                                           "%1, not asked of a model now%2.")
                          .arg(escaped(cassette),
                               scripted ? ConversationView::tr(" (it was recorded from the "
                                                               "scripted model)")
                                        : QString()),
                      QStringLiteral("#4c1d95"), QStringLiteral("#efe7fb"));
    if (scripted)
        return banner(ConversationView::tr("<b>Scripted model</b> — this reply comes from the "
                                           "scripted model's rules, not from a language model."),
                      QStringLiteral("#4c1d95"), QStringLiteral("#efe7fb"));
    return QString();
}

QString factRow(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td style=\"color:#6b7280; padding-right:12px;\">%1</td>"
                          "<td>%2</td></tr>")
        .arg(escaped(name), value);
}

QString replyHtml(const ModelCallInfo &call, const QString &streamed)
{
    if (call.status == ModelCallInfo::Status::Model && !streamed.isEmpty())
        return banner(ConversationView::tr("<b>Streaming</b> — the reply as it arrives (%n "
                                           "character(s) so far); the continuation gets it "
                                           "whole when the stream ends.",
                                           nullptr, int(streamed.size())),
                      QStringLiteral("#1e3a8a"), QStringLiteral("#e0ecff")) +
               block(streamed);
    if (call.lastReply.isEmpty())
        return block(ConversationView::tr("No reply yet: waiting on the model (attempt %1).")
                         .arg(call.attempt));
    const Result<ChatReply> parsed = ChatReply::fromJson(call.lastReply);
    if (!parsed)
        return block(ConversationView::tr("The stored reply could not be read: %1")
                         .arg(parsed.error().message()));
    const ChatReply &reply = parsed.value();
    QString html = sourceBanner(call.lastReply);
    if (!reply.content.isEmpty())
        html += block(reply.content);
    for (const ToolCall &toolCall : reply.toolCalls)
        html += toolCallLine(toolCall);
    if (reply.content.isEmpty() && reply.toolCalls.isEmpty())
        html += block(ConversationView::tr("(empty reply)"));
    QString facts;
    facts += factRow(
        ConversationView::tr("Model"),
        escaped(reply.model.isEmpty() ? ConversationView::tr("(not named)") : reply.model));
    facts += factRow(
        ConversationView::tr("Provider"),
        escaped(reply.provider.isEmpty() ? ConversationView::tr("(not named)") : reply.provider));
    facts += factRow(ConversationView::tr("Finish reason"), escaped(reply.finishReason));
    facts += factRow(ConversationView::tr("Tokens"),
                     ConversationView::tr("%1 (prompt %2, completion %3)%4")
                         .arg(reply.usage.totalTokens)
                         .arg(reply.usage.promptTokens)
                         .arg(reply.usage.completionTokens)
                         .arg(reply.scripted ? ConversationView::tr(", estimated") : QString()));
    facts += factRow(ConversationView::tr("Latency"),
                     ConversationView::tr("%1 ms").arg(reply.latencyMs));
    return html +
           QStringLiteral("<table cellspacing=\"2\" style=\"margin:4px 0 0 12px;\">%1</table>")
               .arg(facts);
}

} // namespace

ConversationView::ConversationView(Inspector *inspector, QWidget *parent)
    : QWidget(parent), m_model(new ModelCallModel(inspector, this)), m_summary(new QLabel),
      m_view(new QTableView), m_detail(new QTextBrowser), m_picker(new ModelSourcePicker(inspector))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(ModelCallModel::StatusColumn,
                                                     QHeaderView::Stretch);
    m_view->setColumnWidth(ModelCallModel::CallColumn, 60);
    m_view->setColumnWidth(ModelCallModel::ModelColumn, 90);
    m_view->setColumnWidth(ModelCallModel::SourceColumn, 120);
    m_view->setColumnWidth(ModelCallModel::TokensColumn, 60);
    m_view->setColumnWidth(ModelCallModel::LatencyColumn, 70);
    m_view->setColumnWidth(ModelCallModel::StartedColumn, 140);
    m_detail->setOpenLinks(false);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_view);
    auto *detail = new QWidget;
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detail, 1);
    detailLayout->addWidget(m_picker);
    split->addWidget(detail);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConversationView::showSelectedCall);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConversationView::showSelectedCall);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ConversationView::showSelectedCall);
    connect(m_model, &ModelCallModel::loaded, this, &ConversationView::callsLoaded);
    connect(m_model, &ModelCallModel::errorOccurred, this, &ConversationView::errorOccurred);
    connect(m_picker, &ModelSourcePicker::errorOccurred, this, &ConversationView::errorOccurred);
    updateSummary();
    showSelectedCall();
}

void ConversationView::setObject(const QString &className, const ObjectId &id)
{
    if (className == m_className && id == m_id)
        return;
    m_className = className;
    m_id = id;
    if (isVisible() || id.isNull()) {
        m_loadWhenShown = false;
        m_model->setObject(className, id);
    } else {
        m_loadWhenShown = true;
        m_model->setObject(QString(), ObjectId()); // nothing stale meanwhile
    }
    updateSummary();
}

void ConversationView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_loadWhenShown) {
        m_loadWhenShown = false;
        m_model->setObject(m_className, m_id);
        updateSummary();
    }
}

void ConversationView::selectCall(const QString &callId)
{
    const int row = m_model->rowOfCall(callId);
    if (row < 0)
        return;
    m_view->selectionModel()->select(m_model->index(row, 0), QItemSelectionModel::ClearAndSelect |
                                                                 QItemSelectionModel::Rows);
    m_view->scrollTo(m_model->index(row, 0));
}

void ConversationView::callsLoaded()
{
    updateSummary();
    // The newest call is what people come to see.
    if (!m_view->selectionModel()->hasSelection() && m_model->rowCount() > 0)
        selectCall(m_model->call(m_model->rowCount() - 1).id);
}

void ConversationView::updateSummary()
{
    if (m_id.isNull()) {
        m_summary->setText(tr("Select an agent to see its model calls."));
        return;
    }
    if (m_model->objectId().isNull() || (m_model->isLoading() && m_model->rowCount() == 0)) {
        m_summary->setText(tr("Reading model calls…"));
        return;
    }
    const int total = m_model->rowCount();
    if (total == 0) {
        m_summary->setText(tr("No model calls: this object has not called a model."));
        return;
    }
    int pending = 0;
    int scripted = 0;
    int replayed = 0;
    int recorded = 0;
    for (int row = 0; row < total; ++row) {
        const QModelIndex index = m_model->index(row, 0);
        pending += index.data(ModelCallModel::PendingRole).toBool() ? 1 : 0;
        scripted += index.data(ModelCallModel::ScriptedRole).toBool() ? 1 : 0;
        const QString from = index.data(ModelCallModel::ReplayedFromRole).toString();
        if (ModelSources::isRecordedFrom(from))
            ++recorded;
        else if (!from.isEmpty())
            ++replayed;
    }
    QStringList parts {tr("%n model call(s), oldest first", nullptr, total)};
    if (pending > 0)
        parts.append(tr("%n pending", nullptr, pending));
    if (recorded > 0)
        parts.append(tr("%n replayed from the original", nullptr, recorded));
    if (replayed > 0)
        parts.append(tr("%n replayed from a cassette", nullptr, replayed));
    else if (scripted > 0)
        parts.append(tr("%n answered by the scripted model", nullptr, scripted));
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void ConversationView::showSelectedCall()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        if (!m_shownCallId.isEmpty() || m_shownHtml.isEmpty()) {
            m_shownCallId.clear();
            m_shownHtml = QStringLiteral("-");
            m_detail->setHtml(QStringLiteral("<p style=\"color:#6b7280;\">%1</p>")
                                  .arg(tr("Select a model call to see its messages and reply.")));
            m_picker->setCall(m_className, m_id, {});
            emit detailShown(QString());
        }
        return;
    }
    const ModelCallInfo call = m_model->call(rows.first().row());
    m_picker->setCall(m_className, m_id, call);
    const QString html = callHtml(call, m_model->streamedText(call.id));
    // dataChanged arrives for any call: re-render only when what is shown changed, so the
    // reader's scroll position survives unrelated updates.
    if (call.id == m_shownCallId && html == m_shownHtml)
        return;
    m_shownCallId = call.id;
    m_shownHtml = html;
    m_detail->setHtml(html);
    emit detailShown(call.id);
}

QString ConversationView::callHtml(const ModelCallInfo &call, const QString &streamed)
{
    QString html = QStringLiteral("<h3 style=\"margin:0;\">%1 <span style=\"font-weight:normal; "
                                  "color:#6b7280;\">&#8594; %2 · started %3 UTC</span></h3>")
                       .arg(escaped(call.id), escaped(call.continuation), timeText(call.createdMs));
    html += statusBanner(call);
    html += QStringLiteral("<h4 style=\"margin:8px 0 2px 0;\">%1</h4>").arg(tr("Reply"));
    html += replyHtml(call, streamed);
    html += QStringLiteral("<h4 style=\"margin:10px 0 2px 0;\">%1</h4>")
                .arg(tr("Request: %n message(s)", nullptr, int(call.request.messages.size())));
    for (const ChatMessage &message : call.request.messages)
        html += messageHtml(message);
    if (!call.request.tools.isEmpty()) {
        QStringList tools;
        for (const ToolDefinition &tool : call.request.tools)
            tools.append(QStringLiteral("<b>%1</b> — %2")
                             .arg(escaped(tool.name), escaped(tool.description)));
        html += QStringLiteral("<h4 style=\"margin:10px 0 2px 0;\">%1</h4><p style=\"margin:2px 0 "
                               "0 12px;\">%2</p>")
                    .arg(tr("Tools offered"), tools.join(QStringLiteral("<br>")));
    }
    QStringList options;
    if (call.request.temperature)
        options.append(tr("temperature %1").arg(*call.request.temperature));
    if (call.request.maxTokens)
        options.append(tr("at most %1 tokens").arg(*call.request.maxTokens));
    options.append(tr("round %1, attempt %2").arg(call.round + 1).arg(call.attempt));
    options.append(tr("updated %1 UTC").arg(timeText(call.updatedMs)));
    html += QStringLiteral("<p style=\"color:#6b7280; margin-top:8px;\">%1</p>")
                .arg(escaped(options.join(QStringLiteral(" · "))));
    return html;
}

} // namespace Durable::Ui
