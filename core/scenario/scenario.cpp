// SPDX-License-Identifier: MIT
#include <durable/core/scenario.h>

#include <durable/core/duration.h>
#include <durable/core/jsonmatch.h>
#include <durable/core/jsontext.h>

#include "jsonschemavalues.h"
#include "scenarioschema.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace Durable {

namespace {

// What the schema cannot say: which kinds address one object, and which keys hold durations
// (checked by parsing them). Keys, types and required fields are in the schema.
struct KindSpec
{
    const char *kind;
    bool needsObject;
    QStringList durations;
};

const QList<KindSpec> &kindSpecs()
{
    static const QList<KindSpec> specs {
        {"call", true, {}},
        {"advance", false, {QStringLiteral("by")}},
        {"runToNextAlarm", false, {}},
        {"runUntilIdle", false, {QStringLiteral("horizon")}},
        {"evict", true, {}},
        {"crash", true, {}},
        {"restart", false, {}},
        {"assertState", true, {}},
        {"assertStorage", true, {}},
        {"assertAlarm", true, {QStringLiteral("dueIn"), QStringLiteral("within")}},
        {"assertJournal", true, {}},
        {"assertSql", true, {}},
        {"answer", true, {}},
        {"assertPending", false, {}},
        {"assertStep", true, {}},
        {"settle", false, {}},
        {"sandbox", true, {}},
        {"modelSource", true, {}},
        {"assertCompare", true, {}},
    };
    return specs;
}

const KindSpec *specFor(const QString &kind)
{
    for (const KindSpec &spec : kindSpecs()) {
        if (kind == QLatin1String(spec.kind))
            return &spec;
    }
    return nullptr;
}

QString defaultTitle(const ScenarioStep &step, bool needsObject)
{
    if (step.kind == QLatin1String("settle"))
        return QStringLiteral("settle: the agents finish their model calls");
    if (!needsObject && step.kind != QLatin1String("assertPending"))
        return step.kind == QLatin1String("advance")
                   ? QStringLiteral("advance %1")
                         .arg(step.params.value(QStringLiteral("by")).toString())
                   : step.kind;
    const QString object = step.hasObject() ? step.objectLabel() : step.className();
    const QJsonObject &p = step.params;
    if (step.kind == QLatin1String("call")) {
        QString title =
            QStringLiteral("call %1.%2").arg(object, p.value(QStringLiteral("method")).toString());
        if (p.contains(QStringLiteral("args")))
            title += QLatin1Char(' ') + JsonMatch::text(p.value(QStringLiteral("args")), 60);
        return title;
    }
    if (step.kind == QLatin1String("advance"))
        return QStringLiteral("advance %1").arg(p.value(QStringLiteral("by")).toString());
    if (step.kind == QLatin1String("answer"))
        return QStringLiteral("answer %1 \"%2\"")
            .arg(object, p.value(QStringLiteral("request")).toString());
    if (object.isEmpty())
        return step.kind;
    return step.kind + QLatin1Char(' ') + object;
}

} // namespace

ObjectId ScenarioStep::objectId() const
{
    if (!objectIdText().isEmpty())
        return ObjectId::fromString(objectIdText()).valueOr(ObjectId()); // checked by load()
    return ObjectId::fromName(className(), objectName());
}

QString ScenarioStep::objectLabel() const
{
    return className() + QLatin1Char('/') +
           (objectName().isEmpty() ? objectIdText().left(16) : objectName());
}

QStringList Scenario::stepKinds()
{
    return ScenarioSchema::instance().stepKinds();
}

Result<Scenario> Scenario::load(const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not read scenario %1: %2").arg(file, in.errorString()));
    }
    const QByteArray text = in.readAll();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (const QJsonValue scalar = doc.isNull() ? JsonText::parse(text)
                                               : QJsonValue(QJsonValue::Undefined);
        !scalar.isUndefined()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Scenario %1 must be a JSON object with \"steps\", not %2")
                         .arg(file, JsonSchemaValues::jsonTypeName(scalar)));
    }
    if (parseError.error != QJsonParseError::NoError) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Scenario %1 is not valid JSON at offset %2: %3")
                         .arg(file)
                         .arg(parseError.offset)
                         .arg(parseError.errorString()));
    }
    if (!doc.isObject()) {
        return Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Scenario %1 must be a JSON object with \"steps\", not an array")
                .arg(file));
    }
    return fromJson(doc.object(), file);
}

Result<Scenario> Scenario::fromJson(const QJsonObject &json, const QString &file)
{
    Scenario scenario;
    scenario.file = file;
    scenario.name = json.value(QStringLiteral("name")).toString(QFileInfo(file).completeBaseName());
    scenario.description = json.value(QStringLiteral("description")).toString();
    auto invalid = [&file](const QString &why) {
        return Error(ErrorCode::InvalidArgument, QStringLiteral("Scenario %1: %2").arg(file, why));
    };
    if (json.contains(QStringLiteral("start"))) {
        scenario.start = QDateTime::fromString(json.value(QStringLiteral("start")).toString(),
                                               Qt::ISODateWithMs);
        if (!scenario.start.isValid())
            return invalid(QStringLiteral(
                "\"start\" must be an ISO 8601 time such as \"2030-01-01T09:00:00Z\""));
    }
    const QJsonObject defaults = json.value(QStringLiteral("defaults")).toObject();
    const QJsonValue steps = json.value(QStringLiteral("steps"));
    if (!steps.isArray() || steps.toArray().isEmpty())
        return invalid(QStringLiteral("\"steps\" must be a non-empty array"));
    int index = 0;
    for (const QJsonValue &value : steps.toArray()) {
        ++index;
        if (!value.isObject())
            return invalid(QStringLiteral("step %1 is not an object").arg(index));
        ScenarioStep step;
        step.index = index;
        step.params = value.toObject();
        step.kind = step.params.value(QStringLiteral("do")).toString();
        const KindSpec *spec = specFor(step.kind);
        if (!spec) {
            return invalid(QStringLiteral("step %1 has unknown \"do\": \"%2\" (known: %3)")
                               .arg(index)
                               .arg(step.kind, stepKinds().join(QStringLiteral(", "))));
        }
        for (const QString &key : {QStringLiteral("class"), QStringLiteral("name")}) {
            if (!step.params.contains(key) && defaults.contains(key))
                step.params.insert(key, defaults.value(key));
        }
        if (spec->needsObject && !step.hasObject())
            return invalid(QStringLiteral("step %1 (%2) needs \"class\" and \"name\" (or \"id\")")
                               .arg(index)
                               .arg(step.kind));
        if (!step.objectIdText().isEmpty()) {
            if (const auto id = ObjectId::fromString(step.objectIdText()); !id)
                return invalid(QStringLiteral("step %1 (%2) \"id\": %3")
                                   .arg(index)
                                   .arg(step.kind, id.error().message()));
        }
        // The one mistake the split of assertState makes likely: say what to write instead.
        if (step.kind == QLatin1String("assertState") &&
            (step.params.contains(QStringLiteral("kv")) ||
             step.params.contains(QStringLiteral("paths")))) {
            return invalid(QStringLiteral("step %1 (assertState): assertState checks the agent's "
                                          "state (\"state\", \"keys\", \"absent\"); key/value "
                                          "storage is checked by {\"do\": \"assertStorage\", "
                                          "\"kv\": {...}}")
                               .arg(index));
        }
        const ScenarioSchema &schema = ScenarioSchema::instance();
        for (const QString &field : schema.requiredKeys(step.kind)) {
            if (!step.params.contains(field))
                return invalid(
                    QStringLiteral("step %1 (%2) needs \"%3\"").arg(index).arg(step.kind, field));
        }
        if (const QStringList oneOf = schema.oneOfKeys(step.kind); !oneOf.isEmpty()) {
            if (std::none_of(oneOf.begin(), oneOf.end(), [&step](const QString &field) {
                    return step.params.contains(field);
                })) {
                return invalid(QStringLiteral("step %1 (%2) needs one of %3")
                                   .arg(index)
                                   .arg(step.kind, oneOf.join(QStringLiteral(", "))));
            }
        }
        for (const QString &field : spec->durations) {
            if (!step.params.value(field).isString())
                continue; // the schema says what it should be
            const auto parsed = Duration::parse(step.params.value(field).toString());
            if (!parsed)
                return invalid(QStringLiteral("step %1 (%2) \"%3\": %4")
                                   .arg(index)
                                   .arg(step.kind, field, parsed.error().message()));
        }
        step.title = step.params.value(QStringLiteral("title")).toString();
        if (step.title.isEmpty())
            step.title = defaultTitle(step, spec->needsObject);
        scenario.steps.append(step);
    }
    // Types and unknown keys, once the plainer checks above have passed: a misspelt key or a
    // value of the wrong type would otherwise be ignored, and the step pass unchecked.
    if (const QStringList mistakes = ScenarioSchema::instance().mistakes(json);
        !mistakes.isEmpty()) {
        const qsizetype shown = std::min<qsizetype>(mistakes.size(), 10);
        QString text = mistakes.mid(0, shown).join(QStringLiteral("\n  "));
        if (mistakes.size() > shown)
            text += QStringLiteral("\n  ... and %1 more").arg(mistakes.size() - shown);
        return invalid(QStringLiteral("does not follow the scenario format (%1):\n  %2")
                           .arg(QStringLiteral("resources/schemas/scenario.schema.json"), text));
    }
    return scenario;
}

} // namespace Durable
