// SPDX-License-Identifier: MIT
#include <durable/core/sourcedchatmodel.h>

namespace Durable {

SourcedChatModel::SourcedChatModel(std::shared_ptr<ModelSources> sources,
                                   std::unique_ptr<ChatModel> live, Error liveError)
    : m_sources(std::move(sources)), m_live(std::move(live)), m_liveError(std::move(liveError))
{
    // Queued: chosen() comes from whichever thread chose; answers go out on this one.
    connect(m_sources.get(), &ModelSources::chosen, this, &SourcedChatModel::released,
            Qt::QueuedConnection);
}

SourcedChatModel::~SourcedChatModel()
{
    // Dropped with the engine: no longer waiting here (the call is re-issued next time).
    for (auto it = m_waiting.cbegin(); it != m_waiting.cend(); ++it)
        m_sources->setWaiting(it.key(), false);
}

void SourcedChatModel::complete(const ChatRequest &request, Done done)
{
    // Not one of the engine's durable calls: nothing to choose between.
    if (!m_live) {
        deliverLater(std::move(done), m_liveError);
        return;
    }
    m_live->complete(request, std::move(done));
}

void SourcedChatModel::completeCall(const ModelCallContext &context, const ChatRequest &request,
                                    Done done)
{
    const QString key = context.key();
    const std::optional<ModelSourceChoice> choice = m_sources->resolved(key);
    if (!choice) {
        m_waiting.insert(key, {context, request, std::move(done)});
        m_sources->setWaiting(key, true);
        return;
    }
    answer(context, request, *choice, std::move(done));
}

void SourcedChatModel::released(const QString &key)
{
    const auto it = m_waiting.find(key);
    if (it == m_waiting.end())
        return;
    Waiting waiting = std::move(*it);
    m_waiting.erase(it);
    m_sources->setWaiting(key, false);
    const std::optional<ModelSourceChoice> choice = m_sources->choice(key);
    answer(waiting.context, waiting.request, choice.value_or(ModelSourceChoice {}),
           std::move(waiting.done));
}

void SourcedChatModel::answer(const ModelCallContext &context, const ChatRequest &request,
                              const ModelSourceChoice &choice, Done done)
{
    switch (choice.source) {
    case ModelSource::Live:
        if (!m_live) {
            deliverLater(std::move(done), m_liveError);
            return;
        }
        m_live->completeCall(context, request, std::move(done));
        return;
    case ModelSource::Recorded: {
        const std::optional<RecordedReply> recorded = m_sources->recordedFor(context.key());
        if (!recorded) {
            deliverLater(std::move(done),
                         Error(ErrorCode::NotFound,
                               QStringLiteral("No recorded reply for model call %1 (round %2): "
                                              "the original got none")
                                   .arg(context.callId)
                                   .arg(context.round)));
            return;
        }
        ChatReply reply = recorded->reply;
        reply.replayedFrom = ModelSources::recordedFrom(recorded->seq);
        deliverLater(std::move(done), reply);
        return;
    }
    case ModelSource::Edited: {
        Result<ChatReply> parsed = ChatReply::fromJson(choice.reply);
        if (parsed) {
            parsed->provider = QStringLiteral("edited");
            parsed->scripted = false;
            parsed->replayedFrom.clear();
            if (parsed->finishReason.isEmpty())
                parsed->finishReason = parsed->toolCalls.isEmpty() ? QStringLiteral("stop")
                                                                   : QStringLiteral("tool_calls");
        }
        deliverLater(std::move(done), parsed);
        return;
    }
    }
}

QString SourcedChatModel::describe() const
{
    return QStringLiteral("recorded, live or edited per call (live: %1)")
        .arg(m_live ? m_live->describe() : m_liveError.message());
}

} // namespace Durable
