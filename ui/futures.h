// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

#include <QFuture>
#include <QMetaObject>
#include <QObject>

#include <exception>
#include <type_traits>
#include <utility>

namespace Durable::Ui {

// Runs onValue(result) or onError(error) on context's thread once future finishes; nothing if
// context is gone by then. Never waits: the GUI thread only ever continues a future.
//
// Always from the event loop, never from inside the call: a future that is already finished
// would otherwise run its continuation synchronously, e.g. inside a model's fetchMore() called
// from a view's modelReset handler, and nest a row insert inside the reset.
template<typename T, typename OnValue, typename OnError>
void whenReady(QFuture<T> future, QObject *context, OnValue onValue, OnError onError)
{
    future.then(context, [context, onValue = std::move(onValue),
                          onError = std::move(onError)](QFuture<T> done) {
        QMetaObject::invokeMethod(
            context,
            [onValue, onError, done]() mutable {
                try {
                    done.waitForFinished(); // finished already: only rethrows a stored failure
                    if (done.isCanceled())
                        throw Durable::Error(Durable::ErrorCode::Internal,
                                             QStringLiteral("the query was cancelled"));
                    if constexpr (std::is_void_v<T>)
                        onValue();
                    else
                        onValue(done.result());
                } catch (const Durable::Error &error) {
                    onError(error);
                } catch (const std::exception &error) {
                    onError(Durable::Error(Durable::ErrorCode::Internal,
                                           QString::fromUtf8(error.what())));
                } catch (...) {
                    onError(Durable::Error(Durable::ErrorCode::Internal,
                                           QStringLiteral("unknown failure")));
                }
            },
            Qt::QueuedConnection);
    });
}

} // namespace Durable::Ui
