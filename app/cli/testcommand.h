// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Durable::Cli {

// `durable test SCENARIO... [--junit FILE] [--agents DIR]...`: runs scenario files, each against a
// fresh engine on a virtual clock (with the classes of the agent packages in DIR), prints
// pass/fail per scenario and step, and exits 0 only if all passed.
class TestCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace Durable::Cli
