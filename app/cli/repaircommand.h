// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Durable::Cli {

// `durable repair --data DIR CLASS NAME reset|accept` (or `--id ID` for NAME): brings a
// quarantined object back. reset moves its damaged files aside and lets it start empty; accept
// takes its file as found (e.g. one put back from a backup). A healthy object is refused, so a
// typo cannot reset one.
//
// As in `inspect`, the engine runs on a virtual clock frozen at the Unix epoch: no alarm fires
// and no turn of any object runs while repairing.
class RepairCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace Durable::Cli
