// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/chatmodel.h>
#include <durable/core/modelsources.h>

#include <QHash>
#include <memory>

namespace Durable {

// Answers each model call from the source ModelSources gives it: the original's recorded reply,
// the live model, or the user's edited reply. An answer without a source (the studio asks first)
// waits here, listed as waiting in ModelSources, until the user chooses.
//
// Replies say where they came from: a recorded one keeps the original's reply with
// replayedFrom "original turn N"; an edited one has provider "edited"; a live one is the live
// model's, untouched. Lives on one worker thread, like the live model it owns.
class SourcedChatModel : public ChatModel
{
    Q_OBJECT
public:
    // live may be null (no model for this class); a call that needs it then fails with liveError.
    SourcedChatModel(std::shared_ptr<ModelSources> sources, std::unique_ptr<ChatModel> live,
                     Error liveError = {});
    ~SourcedChatModel() override;

    void complete(const ChatRequest &request, Done done) override;
    void completeCall(const ModelCallContext &context, const ChatRequest &request,
                      Done done) override;
    QString describe() const override;

private:
    struct Waiting
    {
        ModelCallContext context;
        ChatRequest request;
        Done done;
    };

    void answer(const ModelCallContext &context, const ChatRequest &request,
                const ModelSourceChoice &choice, Done done);
    void released(const QString &key);

    std::shared_ptr<ModelSources> m_sources;
    std::unique_ptr<ChatModel> m_live;
    Error m_liveError;
    QHash<QString, Waiting> m_waiting;
};

} // namespace Durable
