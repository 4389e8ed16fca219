// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {

// How far a committed turn survives: chosen per engine (EngineOptions::durability).
enum class Durability {
    Normal, // committed data survives a crash of the process (WAL, synchronous=NORMAL)
    Full,   // ... and of the machine: every commit is fsynced before its reply is released
};

} // namespace Durable
