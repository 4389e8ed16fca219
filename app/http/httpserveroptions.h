// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QtGlobal>

namespace Durable {

// Limits and access control of an HttpServer. Copied into the server at construction.
struct HttpServerOptions
{
    // Larger Content-Length bodies are refused with 413 before any byte of them is read.
    qint64 maxBodyBytes = 1024 * 1024;
    // Request line plus headers; larger heads are refused with 431.
    int maxHeaderBytes = 16 * 1024;
    // A connection with no request in flight and nothing received for this long is closed.
    // 0 disables the timeout.
    int idleTimeoutMs = 60 * 1000;
    // When set, every request must carry "Authorization: Bearer <token>" (401 otherwise).
    // Listening on a non-loopback address requires a token.
    QString token;
    // Parsed requests waiting for their response on one connection; beyond this the server
    // stops reading from that connection until responses have gone out (back-pressure).
    int maxPipelinedRequests = 32;
    // Response bytes handed to a connection's socket but not yet taken by the client; beyond
    // this the server stops reading that connection's requests until the client reads
    // (back-pressure against a client that pipelines and never reads).
    qint64 maxQueuedOutputBytes = 1024 * 1024;
    // Event-stream bytes a subscriber has not read yet; beyond this the subscriber is too slow
    // and is disconnected (logged), so one stalled reader cannot grow the server's memory.
    qint64 maxEventStreamQueueBytes = 1024 * 1024;
    // Open connections; one more is answered 503 with Retry-After and closed (logged).
    int maxConnections = 1024;
    // A request head must be complete this long after its first byte arrived, else 408 and
    // close (slowloris: one header line every few seconds never trips the idle timeout).
    // 0 disables the limit.
    int headTimeoutMs = 10 * 1000;
    // Connections the kernel queues before they are accepted (QTcpServer's default of 50
    // overflows in bursts, and an overflowing client waits a second to retry its SYN).
    int listenBacklog = 1024;
};

} // namespace Durable
