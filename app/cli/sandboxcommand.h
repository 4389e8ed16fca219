// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Durable::Cli {

// `durable sandbox create|list|delete --data DIR ...`: copies of one object at one of its turns,
// each in a data directory of its own under DIR/sandboxes, to run forward in isolation (see
// Sandboxes). Run one like any data directory: `durable run --data DIR/sandboxes/NAME`; it keeps
// its own virtual clock and holds its agents' calls to other objects.
//
// create reads the object in one inspection turn on a frozen engine (as inspect does): nothing
// in DIR but the new sandbox is written.
class SandboxCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace Durable::Cli
