// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QList>
#include <durable/core/humanrequest.h>
#include <memory>

namespace Durable {

class Engine;
class EngineCore;
class RecordingTap;

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
    // Delivers the answer to the object as a "human-answer" turn that runs the request's
    // continuation, and yields what the continuation returned. Fails with a clear error and
    // changes nothing when the request is unknown (NotFound), already answered or expired
    // (Conflict), or the action is not allowed or the answer does not match the request's
    // schema (InvalidArgument), or the continuation throws.
    QFuture<QJsonValue> answer(const QString &requestId, const HumanResponse &response) const;

private:
    friend class Inspector;
    HumanInbox(std::shared_ptr<EngineCore> core, std::shared_ptr<RecordingTap> tap);

    std::shared_ptr<EngineCore> m_core;
    std::shared_ptr<RecordingTap> m_tap; // answers are a user's to record
};

} // namespace Durable
