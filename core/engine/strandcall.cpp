// SPDX-License-Identifier: MIT
#include "strandcall.h"

#include "admincommand.h"
#include "enginecore.h"

namespace Durable::StrandCalls {

std::optional<Error> refusal(const EngineCore *core, const StrandCall &call)
{
    if (!core) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1 without an engine").arg(call.owner));
    }
    if (!core->isRunning()) {
        return Error(ErrorCode::ShuttingDown,
                     QStringLiteral("The engine is not running; %1 was not reached")
                         .arg(call.className))
            .withContext(QStringLiteral("objectId"), call.id.toString());
    }
    if (!core->classInfo(call.className)) {
        const QStringList known = core->classNames();
        return Error(
            ErrorCode::UnknownClass,
            QStringLiteral("Unknown class \"%1\"; registered classes: %2")
                .arg(call.className, known.isEmpty() ? QStringLiteral("none") : known.join(u", ")));
    }
    return std::nullopt;
}

Turn prepare(const StrandCall &call)
{
    Turn turn;
    turn.kind = Turn::Kind::Task;
    if (call.kind == StrandCall::Kind::Read) {
        turn.inspection = true;
        turn.trigger = QStringLiteral("inspect");
        return turn;
    }
    turn.trigger = call.trigger;
    turn.method = call.method.isEmpty() ? call.trigger : call.method;
    turn.args = call.args;
    return turn;
}

void send(const std::shared_ptr<EngineCore> &core, const StrandCall &call, Turn turn)
{
    if (call.kind == StrandCall::Kind::Command)
        AdminCommand::dispatch(core, call.className, call.id, std::move(turn));
    else
        core->dispatch(call.className, call.id, call.name, std::move(turn));
}

} // namespace Durable::StrandCalls
