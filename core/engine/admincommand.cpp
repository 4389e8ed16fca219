// SPDX-License-Identifier: MIT
#include "admincommand.h"

#include "enginecore.h"

namespace Durable::AdminCommand {

void dispatch(const std::shared_ptr<EngineCore> &core, const QString &className, const ObjectId &id,
              Turn command)
{
    Q_ASSERT(command.kind == Turn::Kind::Task && !command.inspection);
    auto pending = std::make_shared<Turn>(std::move(command));
    Turn check;
    check.kind = Turn::Kind::Task;
    check.inspection = true;
    check.trigger = QStringLiteral("inspect");
    check.task = [](ObjectHost &) { return QJsonValue(); };
    // Runs after the check's (empty) transaction, outside any turn: the command is queued
    // directly, bypassing the output gate that only holds messages sent by a running turn.
    check.reply = [core, className, id, pending](const Result<QJsonValue> &result) {
        if (!result.ok()) {
            if (pending->reply)
                pending->reply(result.error());
            return;
        }
        core->dispatchNow(className, id, QString(), std::move(*pending));
    };
    core->dispatchNow(className, id, QString(), std::move(check));
}

} // namespace Durable::AdminCommand
