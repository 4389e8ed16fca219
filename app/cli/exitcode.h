// SPDX-License-Identifier: MIT
#pragma once

namespace Durable::Cli {

// Process exit codes of every `durable` command, so scripts can tell failures apart.
enum class ExitCode : int {
    Ok = 0,
    TestsFailed = 1, // a scenario failed (or could not be read as a scenario)
    Usage = 2,       // bad command line
    EngineError = 3, // the engine or its data directory failed
};

inline int exitStatus(ExitCode code)
{
    return static_cast<int>(code);
}

} // namespace Durable::Cli
