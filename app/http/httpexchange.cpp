// SPDX-License-Identifier: MIT
#include "httpexchange.h"

#include "httpconnection.h"
#include "httpconnectionchannel.h"

#include "httpresponse.h"

namespace Durable {

HttpExchange::HttpExchange(std::shared_ptr<HttpConnectionChannel> channel, quint64 sequence)
    : m_channel(std::move(channel)), m_sequence(sequence)
{ }

HttpExchange::~HttpExchange()
{
    // A handler that dropped its responder must not leave the client (and every request
    // pipelined behind this one) waiting forever.
    if (!claim() || !m_channel->isOpen())
        return;
    const quint64 sequence = m_sequence;
    m_channel->post([sequence](HttpConnection *connection) {
        connection->deliver(sequence,
                            HttpResponse::error(500, QStringLiteral("handler-dropped"),
                                                QStringLiteral("The request handler finished "
                                                               "without sending a response")));
    });
}

} // namespace Durable
