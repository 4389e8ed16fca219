// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Durable::Cli {

// `durable run --data DIR` and `durable serve --data DIR [--listen HOST:PORT] [--token T]`:
// a headless engine on a data directory that logs its change feed to stderr, optionally with
// the HTTP gateway, until SIGINT or SIGTERM; then it stops listening and shuts the engine down,
// which lets queued turns finish and commit. With --record FILE, what clients did is written to
// FILE as a scenario before the engine stops.
class RunCommand
{
public:
    static int run(const QStringList &arguments, bool serve);
};

} // namespace Durable::Cli
