// SPDX-License-Identifier: MIT
#include "modelcallmodel.h"

#include <algorithm>

#include <durable/core/modelsources.h>

#include "format.h"
#include "futures.h"
#include "guithread.h"

#include <QColor>
#include <QJsonArray>
#include <QTimer>
#include <durable/core/inspector.h>

namespace Durable::Ui {

namespace {

QStringList pendingToolNames(const ModelCallInfo &call)
{
    QStringList names;
    for (const QJsonValue &tool : call.pendingTools)
        names.append(tool.toObject().value(QStringLiteral("name")).toString());
    return names;
}

QString modelName(const ModelCallInfo &call)
{
    const QString answered = call.lastReply.value(QStringLiteral("model")).toString();
    if (!answered.isEmpty())
        return answered;
    return call.request.model.isEmpty() ? ModelCallModel::tr("(default model)")
                                        : call.request.model;
}

} // namespace

ModelCallModel::ModelCallModel(Inspector *inspector, QObject *parent)
    : QAbstractTableModel(parent), m_directory(inspector->modelCalls()),
      m_refreshLater(new QTimer(this))
{
    // A tool loop completes several turns in a row: re-read at most every 200 ms.
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(200);
    connect(m_refreshLater, &QTimer::timeout, this, &ModelCallModel::refresh);
    if (inspector)
        connect(inspector, &Inspector::changesAvailable, this, &ModelCallModel::applyChanges);
}

int ModelCallModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int ModelCallModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ModelCallModel::statusText(const ModelCallInfo &call)
{
    switch (call.status) {
    case ModelCallInfo::Status::Model:
        return call.attempt > 1 ? tr("Waiting on the model (attempt %1)").arg(call.attempt)
                                : tr("Waiting on the model");
    case ModelCallInfo::Status::Tools: {
        const QStringList tools = pendingToolNames(call);
        return tools.isEmpty() ? tr("Waiting on tools")
                               : tr("Waiting on tools: %1").arg(tools.join(QStringLiteral(", ")));
    }
    case ModelCallInfo::Status::Done:
        return call.round > 0 ? tr("Done after %n tool round(s)", nullptr, call.round) : tr("Done");
    case ModelCallInfo::Status::Failed:
        return tr("Failed");
    }
    return QString();
}

bool ModelCallModel::isRecordedReply(const QJsonObject &reply)
{
    return ModelSources::isRecordedFrom(reply.value(QStringLiteral("replayedFrom")).toString());
}

QString ModelCallModel::sourceText(const QJsonObject &reply)
{
    if (reply.isEmpty())
        return QString();
    const QString cassette = reply.value(QStringLiteral("replayedFrom")).toString();
    if (isRecordedReply(reply))
        return tr("Recorded (%1)").arg(cassette);
    if (reply.value(QStringLiteral("provider")).toString() == QLatin1String("edited"))
        return tr("Edited reply");
    if (!cassette.isEmpty())
        return tr("Cassette replay (%1)").arg(cassette);
    if (reply.value(QStringLiteral("scripted")).toBool())
        return tr("Scripted model");
    const QString provider = reply.value(QStringLiteral("provider")).toString();
    return provider.isEmpty() ? tr("Live model") : tr("Live model (%1)").arg(provider);
}

QVariant ModelCallModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ModelCallInfo &call = m_calls.at(index.row());
    const bool replied = !call.lastReply.isEmpty();
    const QJsonObject usage = call.lastReply.value(QStringLiteral("usage")).toObject();
    const int totalTokens = usage.value(QStringLiteral("totalTokens")).toInt();
    const qint64 latencyMs = call.lastReply.value(QStringLiteral("latencyMs")).toInteger();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CallColumn:
            return call.id;
        case StatusColumn:
            if (const QString streamed = streamedText(call.id); !streamed.isEmpty())
                return tr("Streaming the reply: %n character(s)", nullptr, int(streamed.size()));
            return statusText(call);
        case ModelColumn:
            return modelName(call);
        case SourceColumn:
            return replied ? sourceText(call.lastReply) : tr("—");
        case TokensColumn:
            return replied ? QString::number(totalTokens) : tr("—");
        case LatencyColumn:
            return replied ? tr("%1 ms").arg(latencyMs) : tr("—");
        case StartedColumn:
            return timeText(call.createdMs);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && call.status == ModelCallInfo::Status::Failed)
            return call.error;
        if (index.column() == TokensColumn && replied)
            return tr("Latest reply: %1 prompt + %2 completion tokens")
                .arg(usage.value(QStringLiteral("promptTokens")).toInt())
                .arg(usage.value(QStringLiteral("completionTokens")).toInt());
        if (index.column() == StatusColumn && call.isPending())
            return tr("In flight: the continuation “%1” runs once the model answers")
                .arg(call.continuation);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn) {
            if (call.isPending())
                return QColor(0x9a, 0x67, 0x00);
            if (call.status == ModelCallInfo::Status::Failed)
                return QColor(0xb0, 0x1e, 0x1e);
        }
        if (index.column() == SourceColumn && replied)
            return QColor(0x6a, 0x3d, 0x9a);
        return {};
    case Qt::FontRole:
        if (index.column() == CallColumn)
            return monospaceFont();
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == TokensColumn || index.column() == LatencyColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case CallIdRole:
        return call.id;
    case StatusRole:
        return int(call.status);
    case PendingRole:
        return call.isPending();
    case ScriptedRole:
        return call.lastReply.value(QStringLiteral("scripted")).toBool();
    case ReplayedFromRole:
        return call.lastReply.value(QStringLiteral("replayedFrom")).toString();
    case TotalTokensRole:
        return replied ? totalTokens : -1;
    case LatencyRole:
        return replied ? latencyMs : qint64(-1);
    case StreamedTextRole:
        return streamedText(call.id);
    }
    return {};
}

QVariant ModelCallModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole && (section == TokensColumn || section == LatencyColumn))
        return tr("Of the latest reply (a call with tool rounds asks the model once per round)");
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CallColumn:
        return tr("Call");
    case StatusColumn:
        return tr("Status");
    case ModelColumn:
        return tr("Model");
    case SourceColumn:
        return tr("Reply from");
    case TokensColumn:
        return tr("Tokens");
    case LatencyColumn:
        return tr("Latency");
    case StartedColumn:
        return tr("Started (UTC)");
    }
    return {};
}

void ModelCallModel::setObject(const QString &className, const ObjectId &id)
{
    assertGuiThread(this);
    if (className == m_className && id == m_id)
        return;
    m_reads.invalidate();
    m_refreshLater->stop();
    beginResetModel();
    m_className = className;
    m_id = id;
    m_calls.clear();
    m_streamed.clear();
    endResetModel();
    refresh();
}

ModelCallInfo ModelCallModel::call(int row) const
{
    return row >= 0 && row < int(m_calls.size()) ? m_calls.at(row) : ModelCallInfo();
}

int ModelCallModel::rowOfCall(const QString &callId) const
{
    for (int row = 0; row < int(m_calls.size()); ++row)
        if (m_calls.at(row).id == callId)
            return row;
    return -1;
}

QString ModelCallModel::streamedText(const QString &callId) const
{
    const auto found = m_streamed.constFind(callId);
    if (found == m_streamed.constEnd())
        return QString();
    const int row = rowOfCall(callId);
    // Only while the call waits on the model: once its reply is stored, that is shown instead.
    if (row >= 0 && m_calls.at(row).status != ModelCallInfo::Status::Model)
        return QString();
    return found->text;
}

void ModelCallModel::setRefreshDelay(int ms)
{
    m_refreshLater->setInterval(std::max(0, ms));
}

void ModelCallModel::refresh()
{
    assertGuiThread(this);
    if (m_id.isNull()) {
        emit loaded();
        return;
    }
    const std::optional<RefreshTracker::Ticket> started = m_reads.start();
    if (!started)
        return; // once more when the read in flight is in
    whenReady(
        m_directory.modelCalls(m_className, m_id), this,
        [this, ticket = *started](const QList<ModelCallInfo> &calls) {
            if (!m_reads.isCurrent(ticket))
                return;
            const bool again = m_reads.finish();
            apply(calls);
            emit loaded();
            if (again)
                refresh();
        },
        [this, ticket = *started](const Durable::Error &error) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_reads.finish(); // a refresh asked for meanwhile is dropped with the error
            emit errorOccurred(error);
            emit loaded();
        });
}

void ModelCallModel::apply(const QList<ModelCallInfo> &calls)
{
    // Calls are only ever appended and updated in place; fewer (or other) calls mean the
    // storage was reset.
    bool samePrefix = calls.size() >= m_calls.size();
    for (qsizetype i = 0; samePrefix && i < m_calls.size(); ++i)
        samePrefix = calls.at(i).id == m_calls.at(i).id;
    // Streamed text is kept only for calls still waiting on the model (or not read yet).
    for (auto it = m_streamed.begin(); it != m_streamed.end();) {
        const auto stored = std::find_if(
            calls.cbegin(), calls.cend(),
            [&it](const ModelCallInfo &c) { return c.id == it.key(); });
        const bool waiting = stored == calls.cend()
                                 ? samePrefix
                                 : stored->status == ModelCallInfo::Status::Model;
        it = waiting ? std::next(it) : m_streamed.erase(it);
    }
    if (!samePrefix) {
        beginResetModel();
        m_calls = calls;
        endResetModel();
        return;
    }
    for (qsizetype i = 0; i < m_calls.size(); ++i) {
        if (calls.at(i).toJson() == m_calls.at(i).toJson())
            continue;
        m_calls[i] = calls.at(i);
        emit dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
    }
    if (calls.size() > m_calls.size()) {
        beginInsertRows({}, int(m_calls.size()), int(calls.size()) - 1);
        m_calls.append(calls.mid(m_calls.size()));
        endInsertRows();
    }
}

void ModelCallModel::applyChanges(const QList<ChangeEvent> &batch)
{
    assertGuiThread(this);
    if (m_id.isNull())
        return;
    bool refresh = false;
    QList<QString> streamed;
    for (const ChangeEvent &event : batch) {
        if (event.kind == ChangeEvent::Kind::Overflow ||
            (event.id == m_id && event.kind == ChangeEvent::Kind::TurnCompleted)) {
            refresh = true;
        } else if (event.id == m_id && event.kind == ChangeEvent::Kind::ModelDelta) {
            const QString callId = event.detail.value(QStringLiteral("callId")).toString();
            const int round = event.detail.value(QStringLiteral("round")).toInt();
            const int attempt = event.detail.value(QStringLiteral("attempt")).toInt();
            const QString delta = event.detail.value(QStringLiteral("delta")).toString();
            const auto length = qsizetype(event.detail.value(QStringLiteral("length")).toDouble());
            Streamed &text = m_streamed[callId];
            // A new round or attempt streams its reply from the start.
            if (text.round != round || text.attempt != attempt || length == delta.size())
                text = Streamed {round, attempt, QString()};
            text.text += delta;
            if (!streamed.contains(callId))
                streamed.append(callId);
        }
    }
    for (const QString &callId : std::as_const(streamed)) {
        const int row = rowOfCall(callId);
        if (row >= 0)
            emit dataChanged(index(row, StatusColumn), index(row, StatusColumn),
                             {Qt::DisplayRole, StreamedTextRole});
    }
    if (refresh && !m_refreshLater->isActive())
        m_refreshLater->start();
}

} // namespace Durable::Ui
