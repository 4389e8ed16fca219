// SPDX-License-Identifier: MIT
#include "httpconnection.h"
#include "httpconnectionchannel.h"
#include "httpeventstreamstate.h"
#include "httpexchange.h"

#include "httpresponder.h"

namespace Durable {

HttpResponder::HttpResponder(std::shared_ptr<HttpExchange> exchange)
    : m_exchange(std::move(exchange))
{ }

bool HttpResponder::isPending() const
{
    return m_exchange && m_exchange->isPending();
}

bool HttpResponder::isConnected() const
{
    return m_exchange && m_exchange->channel()->isOpen();
}

bool HttpResponder::respond(HttpResponse response) const
{
    if (!m_exchange || !m_exchange->claim())
        return false;
    const quint64 sequence = m_exchange->sequence();
    m_exchange->channel()->post(
        [sequence, response = std::move(response)](HttpConnection *connection) {
            connection->deliver(sequence, response);
        });
    return true;
}

HttpEventStream HttpResponder::respondEventStream(const HttpResponse &extra) const
{
    if (!m_exchange || !m_exchange->claim())
        return HttpEventStream();
    const quint64 sequence = m_exchange->sequence();
    auto state = std::make_shared<HttpEventStreamState>(m_exchange->channel(), sequence);
    // Posted before the handle is returned, so every event sent through it comes after.
    m_exchange->channel()->post([sequence, state, extra](HttpConnection *connection) {
        connection->beginStream(sequence, state, extra);
    });
    if (!m_exchange->channel()->isOpen())
        state->markEnded();
    return HttpEventStream(state);
}

} // namespace Durable
