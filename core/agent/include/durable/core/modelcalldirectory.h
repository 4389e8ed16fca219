// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/modelcallinfo.h>
#include <durable/core/objectid.h>

#include <QFuture>
#include <QList>

#include <memory>

namespace Durable {

class Engine;
class EngineCore;

// Lists an agent's model calls for the studio, the CLI and tests: read on the object's strand
// (consistent with its turns; reading never creates an object). A plain handle, any thread;
// UIs get theirs from Inspector::modelCalls().
class ModelCallDirectory
{
public:
    explicit ModelCallDirectory(Engine *engine);

    // Oldest first; pendingOnly: only calls still waiting on the model or on tools.
    QFuture<QList<ModelCallInfo>> modelCalls(const QString &className, const ObjectId &id,
                                             bool pendingOnly = false) const;
    // Sends the object's calls that wait on the model and are not in flight here, and says how
    // many: a copy's calls (a fork, a sandbox) otherwise wait for the object's next agent turn.
    // Records nothing (the reply's turn is the history); the send is not counted as an attempt.
    QFuture<int> sendWaiting(const QString &className, const ObjectId &id) const;

private:
    friend class Inspector;
    explicit ModelCallDirectory(std::shared_ptr<EngineCore> core);

    std::shared_ptr<EngineCore> m_core;
};

} // namespace Durable
