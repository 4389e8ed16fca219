// SPDX-License-Identifier: MIT
#include "turnextension.h"

#include <atomic>

namespace Durable {

namespace {
// Constant-initialised, so it is null before any static initialiser runs.
std::atomic<TurnExtension *> s_installed {nullptr};
} // namespace

TurnExtension *TurnExtension::installed()
{
    return s_installed.load(std::memory_order_acquire);
}

void TurnExtension::install(TurnExtension *extension)
{
    s_installed.store(extension, std::memory_order_release);
}

} // namespace Durable
