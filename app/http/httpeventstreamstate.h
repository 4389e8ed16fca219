// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QMutex>
#include <QObject>
#include <atomic>
#include <functional>
#include <memory>

namespace Durable {

class HttpConnectionChannel;

// The state every copy of one HttpEventStream shares. A QObject only so that onClosed()
// callbacks can be queued connections to their context objects (which Qt disconnects safely
// when a context dies on another thread); it never receives events itself.
class HttpEventStreamState : public QObject
{
    Q_OBJECT
public:
    HttpEventStreamState(std::shared_ptr<HttpConnectionChannel> channel, quint64 sequence);

    bool isOpen() const;
    // Any thread: queue bytes for the connection. False if the stream is closed.
    bool write(QByteArray bytes);
    // Any thread: ask the connection to end the stream once queued bytes went out.
    void close();
    // Any thread.
    void addClosedCallback(QObject *context, std::function<void()> callback);
    // Connection thread: the stream has ended (connection gone); run the callbacks.
    void markEnded();

    quint64 sequence() const { return m_sequence; }

Q_SIGNALS:
    void ended();

private:
    std::shared_ptr<HttpConnectionChannel> m_channel;
    const quint64 m_sequence;
    std::atomic<bool> m_open {true};
    QMutex m_mutex;
    bool m_ended = false; // guarded by m_mutex
};

} // namespace Durable
