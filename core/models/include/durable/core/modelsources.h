// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/chatmodel.h>
#include <durable/core/chatreply.h>
#include <durable/core/chatrequest.h>
#include <durable/core/result.h>

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QSet>

#include <memory>
#include <optional>

namespace Durable {

// Where one answer of one model call comes from, in a what-if run:
//   Recorded  the reply the original got for the same call (same object, call id and round)
//   Live      the engine's model (--model, scripted rules by default)
//   Edited    a reply the user wrote (starting, in the studio, from the recorded one)
enum class ModelSource { Recorded, Live, Edited };

struct ModelSourceChoice
{
    ModelSource source = ModelSource::Recorded;
    QJsonObject reply; // Edited: ChatReply JSON ({"content": "..."} is enough)

    static QString name(ModelSource source); // "recorded", "live", "edited"
    static std::optional<ModelSource> fromName(const QString &name);
    QJsonObject toJson() const;
    // Refuses an unknown source, and an edited choice without a valid reply.
    static Result<ModelSourceChoice> fromJson(const QJsonObject &json);
};

// One answer the original got: the "model-reply" turn seq of its journal.
struct RecordedReply
{
    ModelCallContext call;
    qint64 seq = 0;
    ChatRequest request;
    ChatReply reply;

    QJsonObject toJson() const;
    static Result<RecordedReply> fromJson(const QJsonObject &json);
};

// The per-call model sources of one data directory, kept in its model-sources.json: the replies
// the original got (written when a sandbox is made), and the user's choice per answer. An answer
// without a choice is Recorded when there is a recording of it, otherwise Live; with askFirst()
// (the studio, in a sandbox) it waits for the user's choice instead, and is listed as waiting.
//
// Thread-safe: the engine's models read it on worker threads, the studio writes it from the GUI
// thread (choose() writes a small file: call it off the GUI thread). chosen() is emitted on the
// thread that chose.
class ModelSources : public QObject
{
    Q_OBJECT
public:
    static QString fileName() { return QStringLiteral("model-sources.json"); }
    // ChatReply::replayedFrom of a recorded reply, "original turn N", and the test for it.
    static QString recordedFrom(qint64 seq);
    static bool isRecordedFrom(const QString &replayedFrom);
    // What dataDir's file holds; empty sources (nothing recorded, no choice) when there is none.
    static Result<std::shared_ptr<ModelSources>> open(const QString &dataDir);

    QString dataDir() const { return m_dataDir; }
    QList<RecordedReply> recorded() const;
    std::optional<RecordedReply> recordedFor(const QString &key) const;
    std::optional<ModelSourceChoice> choice(const QString &key) const;
    // What an answer will come from: its choice, or the default (above). nullopt: it waits
    // (askFirst and no choice).
    std::optional<ModelSourceChoice> resolved(const QString &key) const;

    // Records the recordings (a new sandbox's) and saves the file.
    Result<void> setRecorded(const QList<RecordedReply> &recorded);
    // Saves the choice for one answer and releases it if it waits. Refuses Recorded when the
    // original has no such answer.
    Result<void> choose(const ModelCallContext &call, const ModelSourceChoice &choice);

    void setAskFirst(bool ask);
    bool askFirst() const;
    bool isWaiting(const QString &key) const;
    // Kept by the models that answer: an answer waiting for a choice, or no longer.
    void setWaiting(const QString &key, bool waiting);

signals:
    void chosen(const QString &key);
    void waitingChanged(const QString &key, bool waiting);

private:
    explicit ModelSources(QString dataDir);
    Result<void> saveLocked() const;

    const QString m_dataDir;
    mutable QMutex m_mutex;
    QList<RecordedReply> m_recorded;
    QHash<QString, int> m_recordedByKey;
    QHash<QString, ModelSourceChoice> m_choices;
    QSet<QString> m_waiting;
    bool m_askFirst = false;
};

} // namespace Durable
