// SPDX-License-Identifier: MIT
#include "httpeventstreamstate.h"

#include "httpconnection.h"
#include "httpconnectionchannel.h"

#include <QMetaObject>

namespace Durable {

HttpEventStreamState::HttpEventStreamState(std::shared_ptr<HttpConnectionChannel> channel,
                                           quint64 sequence)
    : m_channel(std::move(channel)), m_sequence(sequence)
{ }

bool HttpEventStreamState::isOpen() const
{
    return m_open.load(std::memory_order_acquire) && m_channel->isOpen();
}

bool HttpEventStreamState::write(QByteArray bytes)
{
    if (!isOpen())
        return false;
    const quint64 sequence = m_sequence;
    m_channel->post([sequence, bytes = std::move(bytes)](HttpConnection *connection) {
        connection->writeStream(sequence, bytes);
    });
    return true;
}

void HttpEventStreamState::close()
{
    if (m_open.exchange(false, std::memory_order_acq_rel) == false)
        return;
    const quint64 sequence = m_sequence;
    m_channel->post([sequence](HttpConnection *connection) { connection->endStream(sequence); });
}

void HttpEventStreamState::addClosedCallback(QObject *context, std::function<void()> callback)
{
    QMutexLocker lock(&m_mutex);
    if (m_ended) {
        lock.unlock();
        QMetaObject::invokeMethod(context, std::move(callback), Qt::QueuedConnection);
        return;
    }
    // Queued even on the same thread, so a callback never runs inside markEnded()'s lock.
    connect(this, &HttpEventStreamState::ended, context, std::move(callback), Qt::QueuedConnection);
}

void HttpEventStreamState::markEnded()
{
    m_open.store(false, std::memory_order_release);
    QMutexLocker lock(&m_mutex);
    if (m_ended)
        return;
    m_ended = true;
    Q_EMIT ended();
}

} // namespace Durable
