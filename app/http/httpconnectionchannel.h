// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>
#include <QThread>
#include <atomic>
#include <utility>

namespace Durable {

class HttpConnection;

// The thread-safe way back to one connection, shared by the responders and event streams of its
// requests. Until the connection detaches (client gone, server closed), post() runs a function
// on the connection's thread; afterwards it is a no-op. The mutex makes "is the connection still
// there" and "queue the call" one step, so a call can never reach a deleted connection: a
// connection removes its pending posted calls when it is destroyed, after detaching.
class HttpConnectionChannel
{
public:
    HttpConnectionChannel(HttpConnection *connection, QObject *context)
        : m_connection(connection), m_context(context), m_thread(context->thread())
    { }

    // Thread-safe. False once the connection is gone.
    bool isOpen() const { return m_open.load(std::memory_order_acquire); }

    // Thread-safe. Runs function(connection) on the connection's thread: right away when called
    // there (handlers answering synchronously skip the event queue), queued otherwise.
    template<typename Function>
    void post(Function function)
    {
        QMutexLocker lock(&m_mutex);
        HttpConnection *connection = m_connection;
        if (!connection)
            return;
        if (QThread::currentThread() == m_thread) {
            lock.unlock();
            function(connection);
            return;
        }
        QMetaObject::invokeMethod(
            m_context,
            [connection, function = std::move(function)]() mutable { function(connection); },
            Qt::QueuedConnection);
    }

    // Connection thread only: the connection is going away; later posts are dropped.
    void detach()
    {
        Q_ASSERT(QThread::currentThread() == m_thread);
        QMutexLocker lock(&m_mutex);
        m_connection = nullptr;
        m_open.store(false, std::memory_order_release);
    }

private:
    QMutex m_mutex;
    HttpConnection *m_connection; // guarded by m_mutex
    QObject *const m_context;
    QThread *const m_thread;
    std::atomic<bool> m_open {true};
};

} // namespace Durable
