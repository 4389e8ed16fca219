// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <durable/core/chatreply.h>
#include <durable/core/chatrequest.h>
#include <durable/core/result.h>
#include <functional>

namespace Durable {

// How agents talk to a language model: one asynchronous call per ChatRequest.
//
// Lives on one thread; complete() is called on that thread and `done` runs later on that same
// thread, exactly once, always from the event loop (never inside complete()), so callers can
// record the call before any reply can arrive. A failure is an Error whose message a user can
// act on; it never contains credentials. If the model object is destroyed first, pending
// callbacks are dropped, not invoked.
class ChatModel : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<ChatReply>)>;

    explicit ChatModel(QObject *parent = nullptr);
    ~ChatModel() override;

    virtual void complete(const ChatRequest &request, Done done) = 0;
    // One line for logs and the studio, e.g. "openai-compatible gpt-4o-mini at http://...".
    virtual QString describe() const = 0;

protected:
    // Runs done(result) from this object's event loop, never before the caller returns.
    void deliverLater(Done done, Result<ChatReply> result);
};

} // namespace Durable
