// SPDX-License-Identifier: MIT
// libFuzzer target: V8 ValueSerializer bytes (the values in a wrangler state folder's _cf_KV).
// Any input decodes to some JSON without crashing; a value that decodes with no error has no
// "$undecoded" marker in it, and one with an error always says why.
#include <durable/core/v8valuedecoder.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Durable::V8ValueDecoder::Decoded decoded = Durable::V8ValueDecoder::decode(bytes);
    const QString text = Durable::V8ValueDecoder::toText(decoded.value);
    if (text.isEmpty())
        std::abort();
    if (decoded.ok() && text.contains(QLatin1String("\"$undecoded\"")))
        std::abort();
    return 0;
}
