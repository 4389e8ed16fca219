// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <durable/core/error.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/modelcalldirectory.h>

class QTimer;

namespace Durable {
class Inspector;
} // namespace Durable

namespace Durable::Ui {

// One agent's model calls (ModelCallDirectory::modelCalls), oldest first: status (pending ones
// say whether they wait on the model or on tools, with the attempt), model and where the reply
// came from (scripted, cassette replay, live), tokens and latency. Keeps itself current from the
// change feed: the object's TurnCompleted events are coalesced into one re-read, whose result is
// applied as narrow dataChanged for calls that moved and one insert for new calls (a reset only
// when calls went away, i.e. the storage was reset). A pending call's reply text grows as its
// ModelDelta events arrive (StreamedTextRole, and the status says so); it is live only and
// dropped once the call's stored reply is read. GUI thread only.
class ModelCallModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        CallColumn,
        StatusColumn,
        ModelColumn,
        SourceColumn,
        TokensColumn,
        LatencyColumn,
        StartedColumn,
        ColumnCount
    };
    enum Role {
        CallIdRole = Qt::UserRole + 1, // QString "mc-<n>"
        StatusRole,                    // int ModelCallInfo::Status
        PendingRole,                   // bool
        ScriptedRole,                  // bool: the latest reply came from the scripted model
        ReplayedFromRole,              // QString: the cassette the latest reply was replayed from
        TotalTokensRole,               // int, -1 while no reply
        LatencyRole,                   // qint64 ms, -1 while no reply
        StreamedTextRole, // QString: reply text streamed so far while the model is asked
    };

    explicit ModelCallModel(Inspector *inspector, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setObject(const QString &className, const ObjectId &id);
    QString className() const { return m_className; }
    ObjectId objectId() const { return m_id; }
    ModelCallInfo call(int row) const;
    int rowOfCall(const QString &callId) const;
    // The reply text streamed so far for a call waiting on the model ("" when none).
    QString streamedText(const QString &callId) const;
    bool isLoading() const { return m_reads.isBusy(); }
    // How long the object's TurnCompleted events are collected before the calls are re-read.
    void setRefreshDelay(int ms);

    // "Waiting on the model (attempt 2)", "Waiting on tools: book", "Done", "Failed".
    static QString statusText(const ModelCallInfo &call);
    // "Scripted model", "Cassette replay (file.json)", "Live model (openai-compatible)", "".
    static QString sourceText(const QJsonObject &reply);
    // Whether a reply is a sandbox's replay of the original's (ModelSources::recordedFrom).
    static bool isRecordedReply(const QJsonObject &reply);

public slots:
    // Re-reads the calls of the object shown.
    void refresh();

signals:
    // After each read was applied (also when nothing changed).
    void loaded();
    void errorOccurred(const Durable::Error &error);

private:
    void apply(const QList<ModelCallInfo> &calls);
    void applyChanges(const QList<ChangeEvent> &batch);

    ModelCallDirectory m_directory;
    QString m_className;
    ObjectId m_id;
    QList<ModelCallInfo> m_calls; // oldest first
    struct Streamed
    {
        int round = 0;
        int attempt = 0;
        QString text;
    };
    QHash<QString, Streamed> m_streamed; // by call id, from ModelDelta events
    RefreshTracker m_reads;
    QTimer *m_refreshLater;
};

} // namespace Durable::Ui
