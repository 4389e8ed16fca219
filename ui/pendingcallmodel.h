// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/outgoingcallinfo.h>

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>

class QTimer;

namespace Durable {
class Clock;
} // namespace Durable

namespace Durable::Ui {

// One agent's durable calls to other objects that have not been answered yet (callee, method,
// the continuation that gets the reply, age with a live tick, arguments), in the order they were
// made, as AgentDirectory::pendingCalls() lists them. The owner sets each snapshot with
// setCalls(); the same calls in the same order are updated in place so a selection survives a
// refresh. GUI thread only.
class PendingCallModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        CalleeColumn,
        MethodColumn,
        ContinuationColumn,
        AgeColumn,
        ArgsColumn,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1, TargetIdRole, CreatedRole, ArgsRole, PayloadRole };

    explicit PendingCallModel(Clock *clock, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setCalls(QList<OutgoingCallInfo> calls);
    void clear();
    OutgoingCallInfo call(int row) const;

    // "Researcher/ai-history": what the Callee column shows.
    static QString calleeText(const OutgoingCallInfo &call);

private:
    QVariant display(const OutgoingCallInfo &call, int column) const;
    QVariant toolTip(const OutgoingCallInfo &call, int column) const;
    void tick();

    QPointer<Clock> m_clock;
    QList<OutgoingCallInfo> m_calls;
    QTimer *m_tick;
};

} // namespace Durable::Ui
