// SPDX-License-Identifier: MIT
#include "jsonschemanode.h"

#include "jsonschemavalues.h"

namespace Durable {

namespace {

using JsonSchemaValues::codePointCount;
using JsonSchemaValues::describeValue;
using JsonSchemaValues::formatNumber;
using JsonSchemaValues::formatValue;
using JsonSchemaValues::isIntegral;
using JsonSchemaValues::jsonEqual;
using JsonSchemaValues::jsonTypeName;
using JsonSchemaValues::plural;

enum TypeBit : unsigned {
    StringType = 1u << 0,
    NumberType = 1u << 1,
    IntegerType = 1u << 2,
    BooleanType = 1u << 3,
    ObjectType = 1u << 4,
    ArrayType = 1u << 5,
    NullType = 1u << 6,
};

struct TypeName
{
    const char *name;
    unsigned bits;
};

const TypeName s_typeNames[] = {
    {"string", StringType},   {"number", NumberType}, {"integer", IntegerType},
    {"boolean", BooleanType}, {"object", ObjectType}, {"array", ArrayType},
    {"null", NullType},
};

// Validation keywords we know but do not implement; refusing them beats silently accepting
// values their author meant to reject.
const char *const s_unsupportedKeywords[] = {
    "$ref",
    "$dynamicRef",
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "propertyNames",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "minProperties",
    "maxProperties",
    "contains",
    "minContains",
    "maxContains",
    "uniqueItems",
    "multipleOf",
    "prefixItems",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
};

constexpr qsizetype s_maxShownEnumValues = 10;

// An integral number is both a number and an integer, so 30.0 passes "type": "integer".
unsigned typeBitsOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return StringType;
    case QJsonValue::Double:
        return isIntegral(value.toDouble()) ? (NumberType | IntegerType) : NumberType;
    case QJsonValue::Bool:
        return BooleanType;
    case QJsonValue::Object:
        return ObjectType;
    case QJsonValue::Array:
        return ArrayType;
    case QJsonValue::Null:
        return NullType;
    case QJsonValue::Undefined:
        break;
    }
    return 0;
}

// "a", "a or b", "a, b or c".
QString joinAlternatives(const QStringList &items)
{
    if (items.size() <= 1)
        return items.join(QString());
    return items.mid(0, items.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" or ") +
           items.last();
}

QString pointerToken(const QString &key)
{
    QString token = key;
    // RFC 6901: '~' first, so the '~' introduced for '/' is not escaped again.
    token.replace(u'~', QStringLiteral("~0"));
    token.replace(u'/', QStringLiteral("~1"));
    return token;
}

QString childPath(const QString &path, const QString &key)
{
    return path + u'/' + pointerToken(key);
}

QString displayPath(const QString &path)
{
    return path.isEmpty() ? QStringLiteral("(root)") : path;
}

Error malformedSchema(const QString &where, const QString &why)
{
    return Error(ErrorCode::InvalidArgument,
                 QStringLiteral("Invalid JSON schema at %1: %2").arg(displayPath(where), why));
}

Result<void> readNumber(const QString &key, const QJsonValue &value, const QString &where,
                        std::optional<double> &target)
{
    if (!value.isDouble())
        return malformedSchema(
            where, QStringLiteral("\"%1\" must be a number, not %2").arg(key, jsonTypeName(value)));
    target = value.toDouble();
    return {};
}

Result<void> readCount(const QString &key, const QJsonValue &value, const QString &where,
                       std::optional<qint64> &target)
{
    if (!value.isDouble() || !isIntegral(value.toDouble()) || value.toDouble() < 0)
        return malformedSchema(where,
                               QStringLiteral("\"%1\" must be a non-negative integer, not %2")
                                   .arg(key, formatValue(value)));
    target = value.toInteger();
    return {};
}

// Draft-04 spelled exclusive bounds as booleans, later drafts as numbers; the boolean is kept
// aside and applied once "minimum"/"maximum" are known.
Result<void> readExclusive(const QString &key, const QJsonValue &value, const QString &where,
                           std::optional<double> &target, std::optional<bool> &draft4)
{
    if (value.isBool()) {
        draft4 = value.toBool();
        return {};
    }
    return readNumber(key, value, where, target);
}

bool isUnsupportedKeyword(const QString &key)
{
    for (const char *unsupported : s_unsupportedKeywords) {
        if (key == QLatin1String(unsupported))
            return true;
    }
    return false;
}

// Contradictory bounds can never be satisfied: almost certainly a typo in the schema.
template<typename T>
Result<void> checkBoundsOrder(const QString &at, const char *low, const std::optional<T> &lowValue,
                              const char *high, const std::optional<T> &highValue)
{
    if (!lowValue || !highValue || *lowValue <= *highValue)
        return {};
    return malformedSchema(at, QStringLiteral("\"%1\" (%2) is greater than \"%3\" (%4)")
                                   .arg(QLatin1String(low), formatNumber(double(*lowValue)),
                                        QLatin1String(high), formatNumber(double(*highValue))));
}

void addViolation(QStringList &out, const QString &path, const QString &problem)
{
    out.append(displayPath(path) + QStringLiteral(": ") + problem);
}

// The first few allowed values, so a long enum can't flood the message.
QString shownEnumValues(const QJsonArray &values)
{
    QStringList shown;
    for (qsizetype i = 0; i < values.size() && i < s_maxShownEnumValues; ++i)
        shown.append(formatValue(values.at(i)));
    if (values.size() > s_maxShownEnumValues)
        shown.append(QStringLiteral("..."));
    return shown.join(QStringLiteral(", "));
}

} // namespace

Result<JsonSchema::Node::Ptr> JsonSchema::Node::build(const QJsonValue &schema, const QString &at)
{
    auto node = std::make_shared<Node>();
    node->json = schema;
    if (schema.isBool()) {
        node->rejectAll = !schema.toBool();
        return Ptr(std::move(node));
    }
    if (!schema.isObject())
        return malformedSchema(at, QStringLiteral("a schema must be an object or a boolean, not %1")
                                       .arg(jsonTypeName(schema)));

    // Keywords are read in key order and the first malformed one is reported.
    const QJsonObject object = schema.toObject();
    Draft4Exclusive draft4;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const Result<void> read = node->readKeyword(it.key(), it.value(), childPath(at, it.key()),
                                                    draft4);
        if (!read.ok())
            return read.error();
    }
    if (const Result<void> applied = node->applyDraft4Exclusive(draft4, at); !applied.ok())
        return applied.error();

    for (const Result<void> &order : {
             checkBoundsOrder(at, "minimum", node->minimum, "maximum", node->maximum),
             checkBoundsOrder(at, "minLength", node->minLength, "maxLength", node->maxLength),
             checkBoundsOrder(at, "minItems", node->minItems, "maxItems", node->maxItems),
         }) {
        if (!order.ok())
            return order.error();
    }
    return Ptr(std::move(node));
}

Result<void> JsonSchema::Node::readKeyword(const QString &key, const QJsonValue &value,
                                           const QString &where, Draft4Exclusive &draft4)
{
    const auto is = [&key](const char *name) { return key == QLatin1String(name); };
    if (is("type"))
        return readType(value, where);
    if (is("properties"))
        return readProperties(value, where);
    if (is("required"))
        return readRequired(value, where);
    if (is("additionalProperties"))
        return readAdditionalProperties(value, where);
    if (is("items"))
        return readItems(value, where);
    if (is("enum")) {
        if (!value.isArray() || value.toArray().isEmpty())
            return malformedSchema(where, QStringLiteral("\"enum\" must be a non-empty array"));
        enumValues = value.toArray();
        return {};
    }
    if (is("const")) {
        constValue = value;
        return {};
    }
    if (is("minimum"))
        return readNumber(key, value, where, minimum);
    if (is("maximum"))
        return readNumber(key, value, where, maximum);
    if (is("exclusiveMinimum"))
        return readExclusive(key, value, where, exclusiveMinimum, draft4.minimum);
    if (is("exclusiveMaximum"))
        return readExclusive(key, value, where, exclusiveMaximum, draft4.maximum);
    if (is("minLength"))
        return readCount(key, value, where, minLength);
    if (is("maxLength"))
        return readCount(key, value, where, maxLength);
    if (is("minItems"))
        return readCount(key, value, where, minItems);
    if (is("maxItems"))
        return readCount(key, value, where, maxItems);
    if (is("pattern"))
        return readPattern(value, where);
    if (is("anyOf"))
        return readSchemaList(key, value, where, anyOf);
    if (is("oneOf"))
        return readSchemaList(key, value, where, oneOf);
    if (is("allOf"))
        return readSchemaList(key, value, where, allOf);
    if (is("title") || is("description")) {
        // Forms show these to people, so a non-string is a mistake worth reporting.
        if (!value.isString())
            return malformedSchema(
                where,
                QStringLiteral("\"%1\" must be a string, not %2").arg(key, jsonTypeName(value)));
        return {};
    }
    if (isUnsupportedKeyword(key))
        return malformedSchema(where, QStringLiteral("keyword \"%1\" is not supported").arg(key));
    // Anything else (default, format, examples, $schema, ...) is an annotation.
    return {};
}

Result<void> JsonSchema::Node::readType(const QJsonValue &value, const QString &where)
{
    QJsonArray names;
    if (value.isString())
        names.append(value);
    else if (value.isArray() && !value.toArray().isEmpty())
        names = value.toArray();
    else
        return malformedSchema(
            where,
            QStringLiteral("\"type\" must be a type name or a non-empty array of type names"));
    for (const QJsonValue &name : std::as_const(names)) {
        bool known = false;
        for (const TypeName &type : s_typeNames) {
            if (name.isString() && name.toString() == QLatin1String(type.name)) {
                types |= type.bits;
                typeNames.append(name.toString());
                known = true;
            }
        }
        if (!known)
            return malformedSchema(
                where, QStringLiteral("unknown type %1 (expected string, number, integer, boolean, "
                                      "object, array or null)")
                           .arg(formatValue(name)));
    }
    return {};
}

Result<void> JsonSchema::Node::readProperties(const QJsonValue &value, const QString &where)
{
    if (!value.isObject())
        return malformedSchema(
            where, QStringLiteral("\"properties\" must be an object mapping names to schemas"));
    const QJsonObject object = value.toObject();
    for (auto property = object.begin(); property != object.end(); ++property) {
        auto sub = build(property.value(), childPath(where, property.key()));
        if (!sub.ok())
            return sub.error();
        properties.insert(property.key(), std::move(sub).value());
    }
    return {};
}

Result<void> JsonSchema::Node::readRequired(const QJsonValue &value, const QString &where)
{
    if (!value.isArray())
        return malformedSchema(where,
                               QStringLiteral("\"required\" must be an array of property names"));
    const QJsonArray names = value.toArray();
    for (const QJsonValue &name : names) {
        if (!name.isString())
            return malformedSchema(where,
                                   QStringLiteral("\"required\" must list property names, found %1")
                                       .arg(formatValue(name)));
        required.append(name.toString());
    }
    return {};
}

Result<void> JsonSchema::Node::readAdditionalProperties(const QJsonValue &value,
                                                        const QString &where)
{
    if (value.isBool()) {
        additionalForbidden = !value.toBool();
        return {};
    }
    auto sub = build(value, where);
    if (!sub.ok())
        return sub.error();
    additional = std::move(sub).value();
    return {};
}

Result<void> JsonSchema::Node::readItems(const QJsonValue &value, const QString &where)
{
    if (value.isArray())
        return malformedSchema(
            where,
            QStringLiteral("\"items\" as an array (tuple validation) is not supported; use a "
                           "single schema"));
    auto sub = build(value, where);
    if (!sub.ok())
        return sub.error();
    items = std::move(sub).value();
    return {};
}

Result<void> JsonSchema::Node::readPattern(const QJsonValue &value, const QString &where)
{
    if (!value.isString())
        return malformedSchema(
            where, QStringLiteral("\"pattern\" must be a string, not %1").arg(jsonTypeName(value)));
    QRegularExpression regex(value.toString());
    if (!regex.isValid())
        return malformedSchema(where,
                               QStringLiteral("invalid regular expression %1: %2 at offset %3")
                                   .arg(formatValue(value), regex.errorString())
                                   .arg(regex.patternErrorOffset()));
    regex.optimize();
    pattern = regex;
    return {};
}

Result<void> JsonSchema::Node::readSchemaList(const QString &key, const QJsonValue &value,
                                              const QString &where, std::vector<Ptr> &target)
{
    if (!value.isArray() || value.toArray().isEmpty())
        return malformedSchema(
            where, QStringLiteral("\"%1\" must be a non-empty array of schemas").arg(key));
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto sub = build(array.at(i), childPath(where, QString::number(i)));
        if (!sub.ok())
            return sub.error();
        target.push_back(std::move(sub).value());
    }
    return {};
}

// Draft-04 spelled exclusive bounds as booleans modifying minimum/maximum.
Result<void> JsonSchema::Node::applyDraft4Exclusive(const Draft4Exclusive &draft4,
                                                    const QString &at)
{
    if (draft4.minimum.value_or(false)) {
        if (!minimum)
            return malformedSchema(childPath(at, QStringLiteral("exclusiveMinimum")),
                                   QStringLiteral("\"exclusiveMinimum\": true needs \"minimum\""));
        exclusiveMinimum = minimum;
        minimum.reset();
    }
    if (draft4.maximum.value_or(false)) {
        if (!maximum)
            return malformedSchema(childPath(at, QStringLiteral("exclusiveMaximum")),
                                   QStringLiteral("\"exclusiveMaximum\": true needs \"maximum\""));
        exclusiveMaximum = maximum;
        maximum.reset();
    }
    return {};
}

void JsonSchema::Node::check(const QJsonValue &value, const QString &path, QStringList &out) const
{
    if (rejectAll) {
        addViolation(out, path, QStringLiteral("no value is allowed here"));
        return;
    }
    if (types && !(types & typeBitsOf(value))) {
        // Every other keyword assumes the right type; reporting them too would only be noise.
        addViolation(out, path,
                     QStringLiteral("expected %1, got %2")
                         .arg(joinAlternatives(typeNames), describeValue(value)));
        return;
    }

    checkEnumAndConst(value, path, out);
    if (value.isDouble())
        checkNumber(value.toDouble(), path, out);
    if (value.isString())
        checkString(value, path, out);
    if (value.isArray())
        checkArray(value.toArray(), path, out);
    if (value.isObject())
        checkObject(value.toObject(), path, out);
    for (const Ptr &sub : allOf)
        sub->check(value, path, out);
    checkAlternatives(value, path, out);
}

void JsonSchema::Node::checkEnumAndConst(const QJsonValue &value, const QString &path,
                                         QStringList &out) const
{
    if (enumValues) {
        bool found = false;
        for (const QJsonValue &allowed : *enumValues)
            found = found || jsonEqual(value, allowed);
        if (!found)
            addViolation(out, path,
                         QStringLiteral("%1 is not one of %2")
                             .arg(formatValue(value), shownEnumValues(*enumValues)));
    }
    if (constValue && !jsonEqual(value, *constValue))
        addViolation(out, path,
                     QStringLiteral("%1 is not the constant %2")
                         .arg(formatValue(value), formatValue(*constValue)));
}

void JsonSchema::Node::checkNumber(double number, const QString &path, QStringList &out) const
{
    const QString shown = formatNumber(number);
    if (minimum && number < *minimum)
        addViolation(
            out, path,
            QStringLiteral("%1 is less than the minimum %2").arg(shown, formatNumber(*minimum)));
    if (maximum && number > *maximum)
        addViolation(
            out, path,
            QStringLiteral("%1 is greater than the maximum %2").arg(shown, formatNumber(*maximum)));
    if (exclusiveMinimum && number <= *exclusiveMinimum)
        addViolation(out, path,
                     QStringLiteral("%1 is not greater than the exclusive minimum %2")
                         .arg(shown, formatNumber(*exclusiveMinimum)));
    if (exclusiveMaximum && number >= *exclusiveMaximum)
        addViolation(out, path,
                     QStringLiteral("%1 is not less than the exclusive maximum %2")
                         .arg(shown, formatNumber(*exclusiveMaximum)));
}

void JsonSchema::Node::checkString(const QJsonValue &value, const QString &path,
                                   QStringList &out) const
{
    const QString text = value.toString();
    const qsizetype length = codePointCount(text);
    if (minLength && length < *minLength)
        addViolation(out, path,
                     QStringLiteral("%1 is shorter than the minimum length %2 (it has %3)")
                         .arg(formatValue(value))
                         .arg(*minLength)
                         .arg(plural(length, "character", "characters")));
    if (maxLength && length > *maxLength)
        addViolation(out, path,
                     QStringLiteral("%1 is longer than the maximum length %2 (it has %3)")
                         .arg(formatValue(value))
                         .arg(*maxLength)
                         .arg(plural(length, "character", "characters")));
    if (pattern && !pattern->match(text).hasMatch())
        addViolation(out, path,
                     QStringLiteral("%1 does not match the pattern %2")
                         .arg(formatValue(value), formatValue(pattern->pattern())));
}

void JsonSchema::Node::checkArray(const QJsonArray &array, const QString &path,
                                  QStringList &out) const
{
    if (minItems && array.size() < *minItems)
        addViolation(out, path,
                     QStringLiteral("array has %1, fewer than the minimum %2")
                         .arg(plural(array.size(), "item", "items"))
                         .arg(*minItems));
    if (maxItems && array.size() > *maxItems)
        addViolation(out, path,
                     QStringLiteral("array has %1, more than the maximum %2")
                         .arg(plural(array.size(), "item", "items"))
                         .arg(*maxItems));
    if (items) {
        for (qsizetype i = 0; i < array.size(); ++i)
            items->check(array.at(i), childPath(path, QString::number(i)), out);
    }
}

void JsonSchema::Node::checkObject(const QJsonObject &object, const QString &path,
                                   QStringList &out) const
{
    for (const QString &name : required) {
        if (!object.contains(name))
            addViolation(
                out, path,
                QStringLiteral("missing required property %1").arg(formatValue(QJsonValue(name))));
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        const auto property = properties.constFind(it.key());
        if (property != properties.cend())
            (*property)->check(it.value(), childPath(path, it.key()), out);
        else if (additionalForbidden)
            addViolation(out, path,
                         QStringLiteral("property %1 is not allowed")
                             .arg(formatValue(QJsonValue(it.key()))));
        else if (additional)
            additional->check(it.value(), childPath(path, it.key()), out);
    }
}

// Alternatives report why each one failed, since "matches none" alone says nothing useful.
QStringList JsonSchema::Node::failuresOf(const std::vector<Ptr> &alternatives,
                                         const QJsonValue &value, const QString &path,
                                         QList<qsizetype> &matching)
{
    QStringList reasons;
    for (size_t i = 0; i < alternatives.size(); ++i) {
        QStringList problems;
        alternatives[i]->check(value, path, problems);
        if (problems.isEmpty())
            matching.append(qsizetype(i) + 1);
        else
            reasons.append(
                QStringLiteral("[%1] %2").arg(i + 1).arg(problems.join(QStringLiteral("; "))));
    }
    return reasons;
}

void JsonSchema::Node::checkAlternatives(const QJsonValue &value, const QString &path,
                                         QStringList &out) const
{
    if (!anyOf.empty()) {
        QList<qsizetype> matching;
        const QStringList reasons = failuresOf(anyOf, value, path, matching);
        if (matching.isEmpty())
            addViolation(out, path,
                         QStringLiteral("matches none of the %1 anyOf alternatives (%2)")
                             .arg(anyOf.size())
                             .arg(reasons.join(QStringLiteral("; "))));
    }
    if (!oneOf.empty()) {
        QList<qsizetype> matching;
        const QStringList reasons = failuresOf(oneOf, value, path, matching);
        if (matching.isEmpty()) {
            addViolation(out, path,
                         QStringLiteral("matches none of the %1 oneOf alternatives (%2)")
                             .arg(oneOf.size())
                             .arg(reasons.join(QStringLiteral("; "))));
        } else if (matching.size() > 1) {
            QStringList shown;
            for (qsizetype index : std::as_const(matching))
                shown.append(QStringLiteral("[%1]").arg(index));
            addViolation(out, path,
                         QStringLiteral("matches %1 of the oneOf alternatives (%2) but must match "
                                        "exactly one")
                             .arg(matching.size())
                             .arg(shown.join(QStringLiteral(", "))));
        }
    }
}

} // namespace Durable
