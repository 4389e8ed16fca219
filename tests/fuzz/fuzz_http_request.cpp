// SPDX-License-Identifier: MIT
// libFuzzer target: the gateway's incremental HTTP/1.x request parser. The first byte chooses
// how the rest is cut into reads (the parser must give the same requests however bytes arrive);
// every request that comes out must be well-formed.
#include "httprequestparser.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

struct Outcome
{
    int requests = 0;
    Durable::HttpRequestParser::Status last = Durable::HttpRequestParser::Status::NeedMore;
    int failureStatus = 0;
};

Outcome parse(const uint8_t *data, size_t size, size_t chunk)
{
    static const Durable::HttpServerOptions options;
    Durable::HttpRequestParser parser(options);
    Outcome outcome;
    size_t at = 0;
    while (at < size) {
        const size_t n = std::min(chunk, size - at);
        std::memcpy(parser.prepareAppend(qint64(n)), data + at, n);
        parser.commitAppend(qint64(n));
        at += n;
        for (;;) {
            Durable::HttpRequest request;
            outcome.last = parser.next(request);
            if (outcome.last != Durable::HttpRequestParser::Status::Complete)
                break;
            ++outcome.requests;
            // A request that came out is complete and bounded by the options.
            if (request.method().isEmpty() || request.body().size() > options.maxBodyBytes)
                std::abort();
        }
        if (outcome.last == Durable::HttpRequestParser::Status::Failed) {
            outcome.failureStatus = parser.failure().status;
            if (outcome.failureStatus < 400 || outcome.failureStatus > 599 ||
                parser.failure().message.isEmpty())
                std::abort(); // a refusal is a 4xx/5xx with a message
            break;
        }
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const size_t chunk = 1 + data[0] % 64;
    const Outcome whole = parse(data + 1, size - 1, size);
    const Outcome pieces = parse(data + 1, size - 1, chunk);
    // Framing does not depend on how the bytes were split.
    if (whole.requests != pieces.requests || whole.last != pieces.last ||
        whole.failureStatus != pieces.failureStatus)
        std::abort();
    return 0;
}
