// SPDX-License-Identifier: MIT
// libFuzzer target: compiling a JSON Schema (tool arguments, human-in-the-loop forms) and
// validating an instance with it. Input: schema JSON, a NUL byte, instance JSON.
#include <durable/core/jsonschema.h>
#include <durable/core/jsontext.h>

#include <QJsonObject>

#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = reinterpret_cast<const char *>(data);
    const void *split = std::memchr(text, 0, size);
    const size_t schemaSize = split ? size_t(static_cast<const char *>(split) - text) : size;
    const QJsonValue schemaJson = Durable::JsonText::parse(text, qsizetype(schemaSize));
    if (!schemaJson.isObject())
        return 0;
    const auto schema = Durable::JsonSchema::fromJson(schemaJson.toObject());
    if (!schema)
        return 0;
    const QJsonValue instance = split ? Durable::JsonText::parse(text + schemaSize + 1,
                                                                 qsizetype(size - schemaSize - 1))
                                      : QJsonValue();
    const QStringList violations = schema->violations(instance);
    // validate() and violations() agree, and every violation says where.
    if (schema->validate(instance).ok() != violations.isEmpty())
        std::abort();
    for (const QString &violation : violations) {
        if (!violation.startsWith(QLatin1Char('/')) &&
            !violation.startsWith(QLatin1String("(root)")))
            std::abort();
    }
    return 0;
}
