// SPDX-License-Identifier: MIT
#pragma once

#include "httpeventstream.h"
#include "httpresponse.h"
#include <memory>

namespace Durable {

class HttpExchange;

// The way to answer one request. A small copyable handle: keep it, pass it to another thread,
// and call respond() later from ANY thread; the response is posted to the connection's thread
// and written in request order (pipelined requests answered out of order still go out in order).
//
// Only the first respond()/respondEventStream() counts; later calls, and calls after the client
// disconnected, are harmless no-ops. If every copy is destroyed without an answer, the client
// gets a 500 "handler-dropped" error rather than hanging.
class HttpResponder
{
public:
    HttpResponder() = default;
    explicit HttpResponder(std::shared_ptr<HttpExchange> exchange);

    // False for a default-constructed handle.
    bool isValid() const { return bool(m_exchange); }
    // True until respond() or respondEventStream() was called on any copy. Thread-safe.
    bool isPending() const;
    // False once the client has gone (a response would be dropped). Thread-safe.
    bool isConnected() const;

    // Thread-safe. Returns false if this request was already answered.
    bool respond(HttpResponse response) const;
    // Answers with a text/event-stream response that stays open; send events through the
    // returned handle from any thread. "extra" may carry more headers (its status and body are
    // ignored). Returns an invalid handle if the request was already answered.
    HttpEventStream respondEventStream(const HttpResponse &extra = HttpResponse()) const;

private:
    std::shared_ptr<HttpExchange> m_exchange;
};

} // namespace Durable
