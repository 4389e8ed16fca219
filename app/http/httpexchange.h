// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>
#include <atomic>
#include <memory>

namespace Durable {

class HttpConnectionChannel;

// One request awaiting its answer: the state every copy of its HttpResponder shares. Claiming it
// is atomic so only the first answer counts, whatever thread it comes from. When the last
// responder goes away unanswered, the client gets a 500 instead of waiting forever.
class HttpExchange
{
public:
    HttpExchange(std::shared_ptr<HttpConnectionChannel> channel, quint64 sequence);
    ~HttpExchange();
    HttpExchange(const HttpExchange &) = delete;
    HttpExchange &operator=(const HttpExchange &) = delete;

    // Thread-safe. True for the first caller only.
    bool claim() { return !m_answered.exchange(true, std::memory_order_acq_rel); }
    bool isPending() const { return !m_answered.load(std::memory_order_acquire); }

    const std::shared_ptr<HttpConnectionChannel> &channel() const { return m_channel; }
    quint64 sequence() const { return m_sequence; }

private:
    std::shared_ptr<HttpConnectionChannel> m_channel;
    quint64 m_sequence;
    std::atomic<bool> m_answered {false};
};

} // namespace Durable
