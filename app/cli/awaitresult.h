// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QFuture>

#include <exception>

namespace Durable::Cli {

// Blocks until future finished and folds a stored Durable::Error (Qt 6 rethrows it from
// waitForFinished()) into a Result. For the CLI's straight-line commands only: never on a
// thread whose event loop the future needs.
template<typename T>
Result<T> awaitResult(QFuture<T> future)
{
    try {
        future.waitForFinished();
        if (future.resultCount() == 0)
            return Error(ErrorCode::Internal, QStringLiteral("The operation was cancelled"));
        return future.result();
    } catch (const Error &error) {
        return error;
    } catch (const std::exception &error) {
        return Error(ErrorCode::Internal, QString::fromLocal8Bit(error.what()));
    }
}

inline Result<void> awaitResult(QFuture<void> future)
{
    try {
        future.waitForFinished();
    } catch (const Error &error) {
        return error;
    } catch (const std::exception &error) {
        return Error(ErrorCode::Internal, QString::fromLocal8Bit(error.what()));
    }
    return {};
}

} // namespace Durable::Cli
