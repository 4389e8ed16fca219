// SPDX-License-Identifier: MIT
#pragma once

#include "turn.h"

#include <durable/core/objectid.h>

#include <QString>

#include <memory>

namespace Durable {

class EngineCore;

// Commands of the inspection API (admin edits, fire now, reschedule, cancel) are real turns,
// journaled with a trigger that names the user's action. Unlike a request, a command never
// creates an object: an inspection turn first checks that the object exists (it fails with
// NotFound otherwise, and reading never creates anything), then the command turn is queued on
// the object's strand behind whatever it is doing.
//
// Any thread. The command's reply handler gets the outcome, on the object's worker thread.
namespace AdminCommand {

void dispatch(const std::shared_ptr<EngineCore> &core, const QString &className, const ObjectId &id,
              Turn command);

} // namespace AdminCommand

} // namespace Durable
