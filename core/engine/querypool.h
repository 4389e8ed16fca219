// SPDX-License-Identifier: MIT
#pragma once

class QThreadPool;

namespace Durable {

// The threads inspection and inbox queries run on. Not QThreadPool::globalInstance(): Qt's
// raster paint engine splits large fills across the global pool and waits for them, so a few
// slow catalog reads there would freeze the studio's painting. Process-wide (never owned by an
// engine, so a query holding the last reference to an engine can end it without joining its
// own pool).
QThreadPool *queryPool();

} // namespace Durable
