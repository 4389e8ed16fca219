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

private:
    friend class Inspector;
    explicit ModelCallDirectory(std::shared_ptr<EngineCore> core);

    std::shared_ptr<EngineCore> m_core;
};

} // namespace Durable
