// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QJsonValue>
#include <QString>

namespace Durable {

// Reads the bytes of V8's ValueSerializer (what workerd stores in a Durable Object's `_cf_KV`
// table, and what Node's v8.serialize() writes) into JSON, for display.
//
// The common subset decodes to plain JSON: strings (one-byte, two-byte, UTF-8), int32, uint32,
// doubles, true/false/null, objects, dense and sparse arrays. Values JSON has no word for keep
// their kind in a one-key object: {"$undefined": true}, {"$date": "2023-11-14T22:13:20.000Z"},
// {"$map": [[k, v], ...]}, {"$set": [...]}, {"$bigint": "12"}, {"$regexp": "/ab/g"},
// {"$arrayBuffer": "hex"}, {"$Uint8Array": "hex"} (and the other views), {"$ref": n} for a
// second reference to an object already shown, {"$hole": true} in arrays.
//
// Object keys come out in JSON's order (sorted), not in the order JavaScript inserted them.
//
// Bytes it does not understand never fail the whole value: decoding stops there and the value
// reads {"$undecoded": "<hex of the rest>", "$error": "..."} in place of the part it could not
// read. Safe on any input (bounded recursion, no allocation from lengths in the data). Pure
// functions: any thread.
class V8ValueDecoder
{
public:
    struct Decoded
    {
        QJsonValue value;
        QString error; // empty when every byte was understood
        bool ok() const { return error.isEmpty(); }
    };

    static Decoded decode(QByteArrayView bytes);
    // The decoded value as one line of JSON (a string shows quoted, as JSON writes it).
    static QString toText(const QJsonValue &value);
};

} // namespace Durable
