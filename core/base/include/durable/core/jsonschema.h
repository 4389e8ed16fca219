// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <durable/core/result.h>
#include <memory>

namespace Durable {

// A compiled JSON Schema (the subset used for tool arguments and human-in-the-loop forms) that
// validates QJsonValues.
//
// Supported keywords: type (a name or an array of names), properties, required,
// additionalProperties (bool or schema), items (a schema), enum, const, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum (number, or the draft-04 boolean form), minLength, maxLength
// (in Unicode code points), pattern (unanchored search, as in JSON Schema), minItems, maxItems,
// anyOf, oneOf, allOf. Sub-schemas may be `true` or `false`. default, title, description, format,
// examples and $-keywords are annotations and ignored. Known validation keywords outside the
// subset ($ref, not, patternProperties, ...) are refused by fromJson() rather than silently
// skipped, so a schema never validates less than its author expects.
//
// A value type, cheap to copy (the compiled tree is shared and immutable), usable from any thread.
class JsonSchema
{
public:
    // The empty schema {}: accepts every value.
    JsonSchema();

    // Refuses malformed schemas with an InvalidArgument error naming the place, e.g.
    // Invalid JSON schema at /properties/age/type: unknown type "int" (...)
    static Result<JsonSchema> fromJson(const QJsonObject &schema);

    // An InvalidArgument error whose message lists every violation (see violations()); the
    // list itself is in the error context under "violations".
    Result<void> validate(const QJsonValue &value) const;

    // Every violation as "<JSON Pointer>: <problem>", e.g. "/candidate/age: 17 is less than the
    // minimum 18"; the document root is written "(root)". Empty when the value is valid.
    QStringList violations(const QJsonValue &value) const;

    bool accepts(const QJsonValue &value) const { return violations(value).isEmpty(); }

    // The schema given to fromJson(), unchanged.
    QJsonObject toJson() const;

private:
    struct Node;
    explicit JsonSchema(std::shared_ptr<const Node> root);

    std::shared_ptr<const Node> m_root;
};

} // namespace Durable
