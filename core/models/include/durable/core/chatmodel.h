// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <durable/core/chatreply.h>
#include <durable/core/chatrequest.h>
#include <durable/core/objectid.h>
#include <durable/core/result.h>
#include <functional>

namespace Durable {

// Which durable model call a request belongs to: the engine passes it to completeCall(), so a
// model that answers per call (ModelSources in a sandbox) can tell the calls apart.
struct ModelCallContext
{
    QString className;
    ObjectId id;
    QString callId; // "mc-<n>"
    int round = 0;  // model replies with tool calls so far
    // Called with each piece of reply text as it arrives, on the model's thread, before done
    // runs; live only (the reply handed to done is the whole of it). Models that do not stream
    // never call it. May be empty.
    std::function<void(const QString &delta)> onDelta;

    // "<object id>/<call id>/<round>": one answer of one call.
    QString key() const;
};

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
    // The engine's entry point: the request of one durable model call. By default the same as
    // complete(); a model that cares which call it answers overrides it.
    virtual void completeCall(const ModelCallContext &context, const ChatRequest &request,
                              Done done);
    // One line for logs and the studio, e.g. "openai-compatible gpt-4o-mini at http://...".
    virtual QString describe() const = 0;

protected:
    // Runs done(result) from this object's event loop, never before the caller returns.
    void deliverLater(Done done, Result<ChatReply> result);
};

} // namespace Durable
