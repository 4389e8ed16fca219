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
};

} // namespace Durable
