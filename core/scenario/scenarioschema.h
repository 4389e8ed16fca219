// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/jsonschema.h>

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace Durable {

// The scenario format as a JSON Schema (resources/schemas/scenario.schema.json): the file as a
// whole, and one schema per step kind under "$defs", applied by the step's "do" (the validator
// has no $ref or if/then, so the loader picks the definition itself). Compiled once.
class ScenarioSchema
{
public:
    static const ScenarioSchema &instance();

    // Every mistake in a scenario document, as "<where>: <problem>" with steps counted from 1,
    // e.g. "step 3 (assertSql) /rowCount: ...". Empty when the document is valid. A step whose
    // "do" is missing or unknown is left to the loader, which lists the kinds.
    QStringList mistakes(const QJsonObject &document) const;

    QStringList stepKinds() const { return m_kinds; }
    // The keys a step of kind must have, and the keys of which it needs at least one (its
    // "required" and "anyOf" of required keys), for the loader's plainer messages.
    QStringList requiredKeys(const QString &kind) const { return m_steps.value(kind).required; }
    QStringList oneOfKeys(const QString &kind) const { return m_steps.value(kind).oneOf; }
    QJsonObject json() const { return m_json; }

private:
    ScenarioSchema();

    QJsonObject m_json;
    JsonSchema m_document;
    struct Step
    {
        JsonSchema schema;
        QStringList required; // besides "do"
        QStringList oneOf;    // the keys of its anyOf of required keys
    };
    QHash<QString, Step> m_steps;
    QStringList m_kinds; // in the schema's order
};

} // namespace Durable
