// SPDX-License-Identifier: MIT
#include <durable/core/scenario.h>

#include <durable/core/duration.h>
#include <durable/core/jsonmatch.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace Durable {

namespace {

struct KindSpec
{
    const char *kind;
    bool needsObject;
    QStringList required;  // every one of these
    QStringList oneOf;     // at least one of these (empty: no constraint)
    QStringList durations; // fields that hold durations
};

const QList<KindSpec> &kindSpecs()
{
    static const QList<KindSpec> specs {
        {"call", true, {QStringLiteral("method")}, {}, {}},
        {"advance", false, {QStringLiteral("by")}, {}, {QStringLiteral("by")}},
        {"runToNextAlarm", false, {}, {}, {}},
        {"runUntilIdle", false, {}, {}, {QStringLiteral("horizon")}},
        {"evict", true, {}, {}, {}},
        {"crash", true, {}, {}, {}},
        {"restart", false, {}, {}, {}},
        {"assertState",
         true,
         {},
         {QStringLiteral("kv"), QStringLiteral("paths"), QStringLiteral("absent"),
          QStringLiteral("state"), QStringLiteral("keys")},
         {}},
        {"assertAlarm",
         true,
         {},
         {QStringLiteral("none"), QStringLiteral("dueIn"), QStringLiteral("within"),
          QStringLiteral("at"), QStringLiteral("exists")},
         {QStringLiteral("dueIn"), QStringLiteral("within")}},
        {"assertJournal", true, {}, {QStringLiteral("last"), QStringLiteral("count")}, {}},
        {"assertSql",
         true,
         {QStringLiteral("query")},
         {QStringLiteral("rows"), QStringLiteral("rowCount")},
         {}},
        {"answer", true, {QStringLiteral("title")}, {}, {}},
        {"assertPending", false, {}, {QStringLiteral("count"), QStringLiteral("titles")}, {}},
        {"assertStep", true, {QStringLiteral("step")}, {}, {}},
        {"settle", false, {}, {}, {}},
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
            .arg(object, p.value(QStringLiteral("title")).toString());
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
    QStringList kinds;
    for (const KindSpec &spec : kindSpecs())
        kinds.append(QLatin1String(spec.kind));
    return kinds;
}

Result<Scenario> Scenario::load(const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not read scenario %1: %2").arg(file, in.errorString()));
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Scenario %1 is not valid JSON at offset %2: %3")
                         .arg(file)
                         .arg(parseError.offset)
                         .arg(parseError.errorString()));
    }
    if (!doc.isObject()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Scenario %1 must be a JSON object with \"steps\"").arg(file));
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
        for (const QString &field : spec->required) {
            if (!step.params.contains(field))
                return invalid(
                    QStringLiteral("step %1 (%2) needs \"%3\"").arg(index).arg(step.kind, field));
        }
        if (!spec->oneOf.isEmpty()) {
            bool any = false;
            for (const QString &field : spec->oneOf)
                any |= step.params.contains(field);
            if (!any) {
                return invalid(QStringLiteral("step %1 (%2) needs one of %3")
                                   .arg(index)
                                   .arg(step.kind, spec->oneOf.join(QStringLiteral(", "))));
            }
        }
        for (const QString &field : spec->durations) {
            if (!step.params.contains(field))
                continue;
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
    return scenario;
}

} // namespace Durable
