// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QList>
#include <QPromise>
#include <durable/core/humanrequest.h>
#include <memory>

namespace Durable {

class Engine;
class EngineCore;
class RecordingTap;
class OperationRecorder;

// The inbox of human requests across every agent of an engine: what the studio's inbox, the
// CLI and the gateway use to list pending requests and answer them.
//
// A plain handle, cheap to copy, usable from any thread; nothing blocks the caller: the
// catalog is read on a pool thread and each agent's own requests on its strand. Pending
// requests are indexed in the catalog (engine.sqlite); every listing re-checks them with their
// object, which is the truth, and drops stale index entries.
class HumanInbox
{
public:
    explicit HumanInbox(Engine *engine);

    // Pending requests, oldest first; className empty: every class.
    QFuture<QList<HumanRequestInfo>> pending(const QString &className = {}) const;
    // Delivers the answer to the request's object (as pending() listed it) as a "human-answer"
    // turn that runs the request's continuation, and yields what the continuation returned.
    // The object holds the request and checks it once, in that turn. Fails with a clear error
    // and changes nothing when the request is unknown (NotFound), already answered or expired
    // (Conflict), or the action is not allowed or the answer does not match the request's
    // schema (InvalidArgument), or the continuation throws.
    QFuture<QJsonValue> answer(const HumanRequestInfo &request,
                               const HumanResponse &response) const;
    // The same for a caller given nothing but the request's id (the gateway's and the CLI's
    // users name a request by id): finds its object in the catalog first, then answers as
    // above. An id no agent asked fails with NotFound.
    QFuture<QJsonValue> answer(const QString &requestId, const HumanResponse &response) const;

private:
    friend class Inspector;
    HumanInbox(std::shared_ptr<EngineCore> core, std::shared_ptr<RecordingTap> tap);

    // Queues the answer as a "human-answer" turn of the request's object and fills promise
    // with its outcome; token is recorder's for this answer (no recorder: not recording).
    void deliver(const HumanRequestInfo &request, const HumanResponse &response,
                 const std::shared_ptr<OperationRecorder> &recorder, int token,
                 const std::shared_ptr<QPromise<QJsonValue>> &promise) const;

    std::shared_ptr<EngineCore> m_core;
    std::shared_ptr<RecordingTap> m_tap; // answers are a user's to record
};

} // namespace Durable
