// SPDX-License-Identifier: MIT
#include "scenarioschema.h"

#include <durable/scenarioschematext.h>

#include <QJsonArray>
#include <QJsonDocument>

namespace Durable {

namespace {

// The schema ships with the library: a broken one is a build defect, not a user error.
JsonSchema compile(const QJsonObject &json, const QString &what)
{
    auto compiled = JsonSchema::fromJson(json);
    if (!compiled)
        qFatal("The built-in scenario schema (%s) is invalid: %s", qPrintable(what),
               qPrintable(compiled.error().message()));
    return compiled.value();
}

} // namespace

const ScenarioSchema &ScenarioSchema::instance()
{
    static const ScenarioSchema schema;
    return schema;
}

ScenarioSchema::ScenarioSchema()
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(ScenarioSchemaText::json), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("The built-in scenario schema is not a JSON object: %s",
               qPrintable(error.errorString()));
    m_json = doc.object();
    m_document = compile(m_json, QStringLiteral("document")); // $defs is an annotation here
    const QJsonObject defs = m_json.value(QStringLiteral("$defs")).toObject();
    const QJsonArray order = m_json.value(QStringLiteral("properties"))
                                 .toObject()
                                 .value(QStringLiteral("steps"))
                                 .toObject()
                                 .value(QStringLiteral("items"))
                                 .toObject()
                                 .value(QStringLiteral("properties"))
                                 .toObject()
                                 .value(QStringLiteral("do"))
                                 .toObject()
                                 .value(QStringLiteral("enum"))
                                 .toArray();
    for (const QJsonValue &kind : order) {
        const QString name = kind.toString();
        m_kinds.append(name);
        const QJsonObject def = defs.value(name).toObject();
        Step step {compile(def, name), {}, {}};
        for (const QJsonValue &key : def.value(QStringLiteral("required")).toArray()) {
            if (key.toString() != QLatin1String("do"))
                step.required.append(key.toString());
        }
        for (const QJsonValue &alternative : def.value(QStringLiteral("anyOf")).toArray()) {
            step.oneOf.append(alternative.toObject()
                                  .value(QStringLiteral("required"))
                                  .toArray()
                                  .at(0)
                                  .toString());
        }
        m_steps.insert(name, step);
    }
}

QStringList ScenarioSchema::mistakes(const QJsonObject &document) const
{
    QStringList found;
    for (const QString &violation : m_document.violations(document)) {
        // The per-step definitions say more about a step than "not in the enum".
        if (!violation.startsWith(QLatin1String("/steps/")))
            found.append(violation);
    }
    const QJsonArray steps = document.value(QStringLiteral("steps")).toArray();
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QString kind = steps.at(i).toObject().value(QStringLiteral("do")).toString();
        const auto step = m_steps.constFind(kind);
        if (!steps.at(i).isObject() || step == m_steps.constEnd())
            continue;
        for (QString violation : step->schema.violations(steps.at(i))) {
            if (violation.startsWith(QLatin1String("(root)")))
                violation.remove(0, 6); // the step itself: "step 3 (call): property ..."
            else
                violation.prepend(QLatin1Char(' '));
            found.append(QStringLiteral("step %1 (%2)%3").arg(i + 1).arg(kind, violation));
        }
    }
    return found;
}

} // namespace Durable
