// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QString>

namespace Durable {

// A SQLite database on disk is the file and its -wal and -shm companions; damaged data is moved
// aside together, never deleted, so a person can still look at it or recover from it.
namespace DatabaseFiles {

// path + ".damaged-<UTC time>": where the damaged copy of path goes.
QString asidePath(const QString &path);
// Moves path and its companions that exist to aside (+ the same suffixes). Returns whether
// any existed; fails, naming the file, when one could not be moved.
Result<bool> moveAside(const QString &path, const QString &aside);
// Removes path and its companions: only for a file that never held a committed turn.
Result<void> remove(const QString &path);

} // namespace DatabaseFiles

} // namespace Durable
