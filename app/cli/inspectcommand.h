// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Durable::Cli {

// `durable inspect --data DIR classes|objects|object CLASS NAME|journal CLASS NAME|alarms|inbox
// [--json]`: opens the data directory with an engine and prints tables or JSON for scripts.
//
// The engine runs on a virtual clock frozen at the Unix epoch, so no alarm comes due and
// inspecting never runs a turn of an object.
class InspectCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace Durable::Cli
