// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <chrono>

namespace Durable {

// How much one JavaScript call into an agent (a handler, a continuation, a tool, with whatever it
// calls back into JavaScript) may take before it is interrupted and its turn fails with
// LimitExceeded: CPU time of its thread, and growth of the process's resident memory while it
// runs. The defaults come from DURABLE_JS_CPU_LIMIT_MS (5000) and DURABLE_JS_MEMORY_LIMIT_MB
// (512); set() changes them for the whole process (tests, an embedding program).
struct JsLimits
{
    std::chrono::milliseconds cpu {5000};
    qint64 memoryBytes = qint64(512) * 1024 * 1024;

    static JsLimits current();
    static void set(const JsLimits &limits);
};

} // namespace Durable
