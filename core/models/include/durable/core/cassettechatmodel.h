// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QPointer>
#include <durable/core/chatmodel.h>
#include <memory>

namespace Durable {

// Record/replay of model calls for tests and demos.
//
// Record: forwards each call to an inner model and appends {fingerprint, request, reply} to a
// JSON cassette file, rewritten atomically (QSaveFile) after every reply, so a crash never
// leaves half a file. An existing cassette is extended, not replaced. Failed calls are passed
// on but not recorded. A reply that cannot be saved fails the call: a recording that silently
// misses calls is worse than a loud error.
// Replay: serves recorded replies by ChatRequest::fingerprint() with no inner model and no
// network. Identical requests recorded several times are served in recorded order, the last one
// repeating. An unknown request fails with an error naming the closest recording (by last user
// message) and how it differs.
//
// Lives on one thread; the inner model must live on the same thread. The inner model is not
// owned.
class CassetteChatModel : public ChatModel
{
    Q_OBJECT
public:
    enum class Mode { Record, Replay };

    static Result<std::unique_ptr<CassetteChatModel>> record(const QString &path, ChatModel *inner);
    static Result<std::unique_ptr<CassetteChatModel>> replay(const QString &path);

    ~CassetteChatModel() override;

    Mode mode() const { return m_mode; }
    QString path() const { return m_path; }
    int entryCount() const { return int(m_entries.size()); }

    void complete(const ChatRequest &request, Done done) override;
    QString describe() const override;

private:
    struct Entry
    {
        QString fingerprint;
        ChatRequest request;
        ChatReply reply;
    };

    CassetteChatModel(Mode mode, QString path, ChatModel *inner);
    Result<void> load();
    Result<void> save() const;
    Error missingError(const ChatRequest &request, const QString &fingerprint) const;

    Mode m_mode;
    QString m_path;
    QPointer<ChatModel> m_inner;
    QList<Entry> m_entries;
    QHash<QString, int> m_servedCount; // replay: how often each fingerprint was served
};

} // namespace Durable
