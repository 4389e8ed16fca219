// SPDX-License-Identifier: MIT
#include "pendingcallmodel.h"

#include "format.h"
#include "guithread.h"

#include <durable/core/clock.h>

#include <QTimer>

namespace Durable::Ui {

PendingCallModel::PendingCallModel(Clock *clock, QObject *parent)
    : QAbstractTableModel(parent), m_clock(clock), m_tick(new QTimer(this))
{
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &PendingCallModel::tick);
    m_tick->start();
}

int PendingCallModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int PendingCallModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PendingCallModel::calleeText(const OutgoingCallInfo &call)
{
    const QString name = call.name.isEmpty() ? call.targetId.toString().left(16) : call.name;
    return QStringLiteral("%1/%2").arg(call.className, name);
}

QVariant PendingCallModel::display(const OutgoingCallInfo &call, int column) const
{
    switch (column) {
    case CalleeColumn:
        return calleeText(call);
    case MethodColumn:
        return call.method;
    case ContinuationColumn:
        // sendTo stores no continuation: the call is delivered, its reply dropped.
        return call.continuation.isEmpty() ? tr("— (sendTo)") : call.continuation;
    case AgeColumn:
        return agoText(call.createdMs, m_clock ? m_clock->nowMs() : call.createdMs);
    case ArgsColumn:
        return jsonPreview(call.args);
    }
    return {};
}

QVariant PendingCallModel::toolTip(const OutgoingCallInfo &call, int column) const
{
    switch (column) {
    case CalleeColumn:
        return tr("%1 (id %2)").arg(calleeText(call), call.targetId.toString());
    case ContinuationColumn:
        return call.continuation.isEmpty()
                   ? tr("Sent with sendTo: nothing runs when the reply arrives")
                   : tr("Runs with the reply; payload: %1").arg(jsonPreview(call.payload, 2000));
    case AgeColumn:
        return tr("Made at %1 UTC (call %2)").arg(timeText(call.createdMs), call.id);
    case ArgsColumn:
        return jsonPretty(call.args);
    }
    return {};
}

QVariant PendingCallModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OutgoingCallInfo &call = m_calls.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(call, index.column());
    case Qt::ToolTipRole:
        return toolTip(call, index.column());
    case Qt::FontRole:
        if (index.column() == ArgsColumn)
            return monospaceFont();
        return {};
    case IdRole:
        return call.id;
    case TargetIdRole:
        return call.targetId.toString();
    case CreatedRole:
        return call.createdMs;
    case ArgsRole:
        return QVariant::fromValue(call.args);
    case PayloadRole:
        return QVariant::fromValue(call.payload);
    }
    return {};
}

QVariant PendingCallModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CalleeColumn:
        return tr("Callee");
    case MethodColumn:
        return tr("Method");
    case ContinuationColumn:
        return tr("Continuation");
    case AgeColumn:
        return tr("Age");
    case ArgsColumn:
        return tr("Arguments");
    }
    return {};
}

QHash<int, QByteArray> PendingCallModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "callId");
    names.insert(TargetIdRole, "targetId");
    names.insert(CreatedRole, "created");
    names.insert(ArgsRole, "args");
    names.insert(PayloadRole, "payload");
    return names;
}

void PendingCallModel::setCalls(QList<OutgoingCallInfo> calls)
{
    assertGuiThread(this);
    bool sameRows = calls.size() == m_calls.size();
    for (qsizetype i = 0; sameRows && i < calls.size(); ++i)
        sameRows = calls.at(i).id == m_calls.at(i).id;
    if (sameRows) {
        // The same calls in the same order (every refresh of a waiting agent): keep the selection.
        m_calls = std::move(calls);
        if (!m_calls.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_calls.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_calls = std::move(calls);
    endResetModel();
}

void PendingCallModel::clear()
{
    assertGuiThread(this);
    if (m_calls.isEmpty())
        return;
    beginResetModel();
    m_calls.clear();
    endResetModel();
}

OutgoingCallInfo PendingCallModel::call(int row) const
{
    return row >= 0 && row < m_calls.size() ? m_calls.at(row) : OutgoingCallInfo {};
}

void PendingCallModel::tick()
{
    if (!m_calls.isEmpty())
        emit dataChanged(index(0, AgeColumn), index(int(m_calls.size()) - 1, AgeColumn),
                         {Qt::DisplayRole});
}

} // namespace Durable::Ui
