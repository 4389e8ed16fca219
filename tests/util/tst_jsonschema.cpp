// SPDX-License-Identifier: MIT
#include <durable/core/jsonschema.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Durable;

namespace {

// Parses any JSON text, scalars included, which QJsonDocument alone refuses. Test data writes
// ' for " so it stays readable without raw strings, which moc 6.4 mis-tokenises here.
QJsonValue json(const QByteArray &text)
{
    QJsonParseError error;
    const QByteArray jsonText = QByteArray(text).replace('\'', '"');
    const QJsonDocument document = QJsonDocument::fromJson("[" + jsonText + "]", &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        qFatal("test data is not JSON: %s", text.constData());
    return document.array().at(0);
}

QJsonObject schemaObject(const QByteArray &text)
{
    const QJsonValue value = json(text);
    if (!value.isObject())
        qFatal("test schema is not an object: %s", text.constData());
    return value.toObject();
}

const char *const s_candidateSchema = "{"
                                      "'type': 'object',"
                                      "'title': 'Candidate form',"
                                      "'properties': {"
                                      "'candidate': {"
                                      "'type': 'object',"
                                      "'properties': {"
                                      "'name': {'type': 'string', 'minLength': 1},"
                                      "'age': {'type': 'integer', 'minimum': 18}"
                                      "},"
                                      "'required': ['name', 'age']"
                                      "}"
                                      "},"
                                      "'required': ['candidate']"
                                      "}";

} // namespace

class TestJsonSchema : public QObject
{
    Q_OBJECT
private slots:
    // Each row: schema, value, and the exact expected violations (empty: the value is valid).
    void violations_data()
    {
        QTest::addColumn<QByteArray>("schema");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QStringList>("expected");
        const auto add = [](const char *name, const char *schema, const char *value,
                            QStringList expected = {}) {
            QTest::newRow(name) << QByteArray(schema) << QByteArray(value) << expected;
        };

        // A nested form, as used for human-in-the-loop requests.
        add("form valid", s_candidateSchema, "{'candidate': {'name': 'Anna', 'age': 30}}");
        add("form below minimum", s_candidateSchema, "{'candidate': {'name': 'Anna', 'age': 17}}",
            {QStringLiteral("/candidate/age: 17 is less than the minimum 18")});
        add("form missing and below minimum", s_candidateSchema, "{'candidate': {'age': 17}}",
            {QStringLiteral("/candidate: missing required property \"name\""),
             QStringLiteral("/candidate/age: 17 is less than the minimum 18")});
        add("form missing root property", s_candidateSchema, "{}",
            {QStringLiteral("(root): missing required property \"candidate\"")});
        add("form wrong root type", s_candidateSchema, "[]",
            {QStringLiteral("(root): expected object, got an array")});
        add("form age as string", s_candidateSchema, "{'candidate': {'name': 'A', 'age': '30'}}",
            {QStringLiteral("/candidate/age: expected integer, got string \"30\"")});
        add("form empty name", s_candidateSchema, "{'candidate': {'name': '', 'age': 18}}",
            {QStringLiteral("/candidate/name: \"\" is shorter than the minimum length 1 (it has "
                            "0 characters)")});

        // type
        add("integer rejects fraction", "{'type': 'integer'}", "30.5",
            {QStringLiteral("(root): expected integer, got number 30.5")});
        add("integer accepts 30.0", "{'type': 'integer'}", "30.0");
        add("number accepts integer", "{'type': 'number'}", "5");
        add("type list accepts null", "{'type': ['string', 'null']}", "null");
        add("type list rejects integer", "{'type': ['string', 'null']}", "5",
            {QStringLiteral("(root): expected string or null, got integer 5")});
        add("boolean rejects string", "{'type': 'boolean'}", "'true'",
            {QStringLiteral("(root): expected boolean, got string \"true\"")});
        add("null rejects false", "{'type': 'null'}", "false",
            {QStringLiteral("(root): expected null, got boolean false")});
        add("object rejects null", "{'type': 'object'}", "null",
            {QStringLiteral("(root): expected object, got null")});
        add("three types", "{'type': ['array', 'object', 'boolean']}", "1",
            {QStringLiteral("(root): expected array, object or boolean, got integer 1")});

        // enum and const
        add("enum rejects", "{'enum': ['red', 'green']}", "'blue'",
            {QStringLiteral("(root): \"blue\" is not one of \"red\", \"green\"")});
        add("enum 1 equals 1.0", "{'enum': [1, 2]}", "1.0");
        add("enum object by content", "{'enum': [{'a': 1, 'b': [true]}]}", "{'b': [true], 'a': 1}");
        add("enum mixed types", "{'enum': ['1', null]}", "1",
            {QStringLiteral("(root): 1 is not one of \"1\", null")});
        add("const rejects", "{'const': 'yes'}", "'no'",
            {QStringLiteral("(root): \"no\" is not the constant \"yes\"")});
        add("const array accepts", "{'const': [1, 'a']}", "[1, 'a']");

        // numbers
        add("maximum inclusive", "{'maximum': 10}", "10");
        add("maximum exceeded", "{'maximum': 10}", "11",
            {QStringLiteral("(root): 11 is greater than the maximum 10")});
        add("exclusive minimum", "{'exclusiveMinimum': 0}", "0",
            {QStringLiteral("(root): 0 is not greater than the exclusive minimum 0")});
        add("exclusive maximum fraction", "{'exclusiveMaximum': 1.5}", "1.5",
            {QStringLiteral("(root): 1.5 is not less than the exclusive maximum 1.5")});
        add("exclusive maximum below", "{'exclusiveMaximum': 1.5}", "1.25");
        add("draft-04 exclusive minimum", "{'minimum': 5, 'exclusiveMinimum': true}", "5",
            {QStringLiteral("(root): 5 is not greater than the exclusive minimum 5")});
        add("draft-04 exclusive false", "{'minimum': 5, 'exclusiveMinimum': false}", "5");
        add("numeric keywords ignore strings", "{'minimum': 5}", "'abc'");

        // strings
        add("length counts code points", "{'minLength': 2}", "\"\xF0\x9F\x98\x80\"",
            {QStringLiteral("(root): \"\U0001F600\" is shorter than the minimum length 2 (it has "
                            "1 character)")});
        add("max length", "{'maxLength': 3}", "'abcd'",
            {QStringLiteral("(root): \"abcd\" is longer than the maximum length 3 (it has 4 "
                            "characters)")});
        add("pattern rejects", "{'pattern': '^[a-z]+$'}", "'abc1'",
            {QStringLiteral("(root): \"abc1\" does not match the pattern \"^[a-z]+$\"")});
        add("pattern is unanchored", "{'pattern': '[0-9]'}", "'abc1'");
        add("several string violations", "{'type': 'string', 'minLength': 5, 'pattern': '^x'}",
            "'abc'",
            {QStringLiteral("(root): \"abc\" is shorter than the minimum length 5 (it has 3 "
                            "characters)"),
             QStringLiteral("(root): \"abc\" does not match the pattern \"^x\"")});
        add("long value is shortened", "{'maxLength': 3}",
            "'0123456789012345678901234567890123456789012345678901234567890123456789'",
            {QStringLiteral("(root): \"012345678901234567890123456789012345678901234567890123456"
                            "789...\" is longer than the maximum length 3 (it has 70 "
                            "characters)")});

        // arrays
        add("min items", "{'type': 'array', 'minItems': 2}", "[1]",
            {QStringLiteral("(root): array has 1 item, fewer than the minimum 2")});
        add("max items", "{'maxItems': 1}", "[1, 2]",
            {QStringLiteral("(root): array has 2 items, more than the maximum 1")});
        add("items each checked", "{'items': {'type': 'integer'}}", "[1, 'x', 3.5]",
            {QStringLiteral("/1: expected integer, got string \"x\""),
             QStringLiteral("/2: expected integer, got number 3.5")});
        add("items of objects", "{'properties': {'people': {'items': {'required': ['name']}}}}",
            "{'people': [{'name': 'a'}, {}]}",
            {QStringLiteral("/people/1: missing required property \"name\"")});

        // objects
        add("additional properties forbidden",
            "{'properties': {'a': {}}, 'additionalProperties': false}", "{'a': 1, 'b': 2}",
            {QStringLiteral("(root): property \"b\" is not allowed")});
        add("additional properties schema", "{'additionalProperties': {'type': 'string'}}",
            "{'x': 'ok', 'y': 2}", {QStringLiteral("/y: expected string, got integer 2")});
        add("pointer escaping",
            "{'properties': {'a/b': {'type': 'string'}, 'c~d': {'type': 'string'}}}",
            "{'a/b': 1, 'c~d': 2}",
            {QStringLiteral("/a~1b: expected string, got integer 1"),
             QStringLiteral("/c~0d: expected string, got integer 2")});
        add("false sub-schema", "{'properties': {'x': false}}", "{'x': 1}",
            {QStringLiteral("/x: no value is allowed here")});
        add("true sub-schema", "{'properties': {'x': true}, 'additionalProperties': false}",
            "{'x': [1, {'deep': null}]}");
        add("object keywords ignore arrays", "{'required': ['a']}", "[1]");

        // combinators
        add("anyOf matches", "{'anyOf': [{'type': 'string'}, {'type': 'integer'}]}", "3");
        add("anyOf matches none", "{'anyOf': [{'type': 'string'}, {'type': 'integer'}]}", "true",
            {QStringLiteral("(root): matches none of the 2 anyOf alternatives ([1] (root): "
                            "expected string, got boolean true; [2] (root): expected integer, "
                            "got boolean true)")});
        add("oneOf exactly one", "{'oneOf': [{'type': 'number'}, {'type': 'integer'}]}", "3.5");
        add("oneOf two match", "{'oneOf': [{'type': 'number'}, {'type': 'integer'}]}", "3",
            {QStringLiteral("(root): matches 2 of the oneOf alternatives ([1], [2]) but must match "
                            "exactly one")});
        add("oneOf none", "{'oneOf': [{'minimum': 10}, {'maximum': 0}]}", "5",
            {QStringLiteral(
                "(root): matches none of the 2 oneOf alternatives ([1] (root): 5 is "
                "less than the minimum 10; [2] (root): 5 is greater than the maximum 0)")});
        add("allOf collects", "{'allOf': [{'minimum': 0}, {'maximum': 10}, {'type': 'integer'}]}",
            "11.5",
            {QStringLiteral("(root): 11.5 is greater than the maximum 10"),
             QStringLiteral("(root): expected integer, got number 11.5")});
        add("nested path in anyOf",
            "{'properties': {'p': {'anyOf': [{'const': 1}, {'const': 2}]}}}", "{'p': 3}",
            {QStringLiteral("/p: matches none of the 2 anyOf alternatives ([1] /p: 3 is not the "
                            "constant 1; [2] /p: 3 is not the constant 2)")});

        // annotations
        add("annotations ignored",
            "{'type': 'string', 'default': 5, 'title': 'T', 'description': 'd', 'format': 'email', "
            "'examples': [1], '$schema': 'x'}",
            "'not an email'");
        add("empty schema accepts anything", "{}", "{'anything': [1, 2, null]}");
    }
    void violations()
    {
        QFETCH(QByteArray, schema);
        QFETCH(QByteArray, value);
        QFETCH(QStringList, expected);
        const auto compiled = JsonSchema::fromJson(schemaObject(schema));
        QVERIFY2(compiled.ok(), qPrintable(compiled.error().message()));
        const QStringList actual = compiled->violations(json(value));
        QCOMPARE(actual, expected);
        QCOMPARE(compiled->accepts(json(value)), expected.isEmpty());
        QCOMPARE(compiled->validate(json(value)).ok(), expected.isEmpty());
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("schema");
        QTest::addColumn<QString>("why");
        const auto add = [](const char *name, const char *schema, const char *why) {
            QTest::newRow(name) << QByteArray(schema) << QString::fromUtf8(why);
        };
        add("unknown type", "{'type': 'int'}",
            "Invalid JSON schema at /type: unknown type \"int\" (expected string, number, integer, "
            "boolean, object, array or null)");
        add("empty type list", "{'type': []}",
            "at /type: \"type\" must be a type name or a non-empty array of type names");
        add("type list with number", "{'type': ['string', 5]}", "at /type: unknown type 5");
        add("type object", "{'type': {'name': 'string'}}", "at /type: \"type\" must be");
        add("bad regex", "{'pattern': '([a-z]'}",
            "Invalid JSON schema at /pattern: invalid regular expression \"([a-z]\": missing "
            "closing parenthesis at offset 6");
        add("pattern not string", "{'pattern': 5}", "\"pattern\" must be a string, not a number");
        add("nested unknown type", "{'properties': {'age': {'type': 'int'}}}",
            "at /properties/age/type: unknown type \"int\"");
        add("properties array", "{'properties': []}",
            "at /properties: \"properties\" must be an object");
        add("property not a schema", "{'properties': {'a': 5}}",
            "at /properties/a: a schema must be an object or a boolean, not a number");
        add("required string", "{'required': 'name'}",
            "at /required: \"required\" must be an array");
        add("required number", "{'required': [1]}",
            "\"required\" must list property names, found 1");
        add("negative minLength", "{'minLength': -1}",
            "at /minLength: \"minLength\" must be a non-negative integer, not -1");
        add("fractional maxItems", "{'maxItems': 1.5}",
            "\"maxItems\" must be a non-negative integer, not 1.5");
        add("minimum string", "{'minimum': '5'}",
            "at /minimum: \"minimum\" must be a number, not a string");
        add("exclusiveMaximum string", "{'exclusiveMaximum': '5'}",
            "\"exclusiveMaximum\" must be a number");
        add("empty enum", "{'enum': []}", "at /enum: \"enum\" must be a non-empty array");
        add("enum not array", "{'enum': 'a'}", "\"enum\" must be a non-empty array");
        add("empty anyOf", "{'anyOf': []}",
            "at /anyOf: \"anyOf\" must be a non-empty array of schemas");
        add("oneOf bad member", "{'oneOf': [{'type': 'x'}]}",
            "at /oneOf/0/type: unknown type \"x\"");
        add("allOf not schema", "{'allOf': [{}, 'a']}",
            "at /allOf/1: a schema must be an object or a boolean, not a string");
        add("tuple items", "{'items': [{}]}",
            "at /items: \"items\" as an array (tuple validation) is not supported");
        add("bad nested in items", "{'items': {'minItems': 'a'}}", "at /items/minItems:");
        add("ref unsupported", "{'$ref': '#/definitions/x'}",
            "at /$ref: keyword \"$ref\" is not supported");
        add("not unsupported", "{'not': {}}", "keyword \"not\" is not supported");
        add("patternProperties unsupported", "{'properties': {'a': {'patternProperties': {}}}}",
            "at /properties/a/patternProperties: keyword \"patternProperties\" is not supported");
        add("contradictory numbers", "{'minimum': 10, 'maximum': 5}",
            "Invalid JSON schema at (root): \"minimum\" (10) is greater than \"maximum\" (5)");
        add("contradictory lengths", "{'properties': {'a': {'minLength': 3, 'maxLength': 2}}}",
            "at /properties/a: \"minLength\" (3) is greater than \"maxLength\" (2)");
        add("contradictory items", "{'minItems': 3, 'maxItems': 2}", "\"minItems\" (3) is greater");
        add("draft-04 exclusive without minimum", "{'exclusiveMinimum': true}",
            "at /exclusiveMinimum: \"exclusiveMinimum\": true needs \"minimum\"");
        add("additionalProperties string", "{'additionalProperties': 'no'}",
            "at /additionalProperties: a schema must be an object or a boolean, not a string");
        add("title not string", "{'title': 5}",
            "at /title: \"title\" must be a string, not a number");
        add("pointer escaped in error", "{'properties': {'a/b': {'type': 'x'}}}",
            "at /properties/a~1b/type: unknown type \"x\"");
    }
    void malformed()
    {
        QFETCH(QByteArray, schema);
        QFETCH(QString, why);
        const auto compiled = JsonSchema::fromJson(schemaObject(schema));
        QVERIFY(!compiled.ok());
        QCOMPARE(compiled.error().code(), ErrorCode::InvalidArgument);
        const QString message = compiled.error().message();
        QVERIFY2(message.startsWith(QStringLiteral("Invalid JSON schema at ")),
                 qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }

    void validateListsEveryViolation()
    {
        const auto schema = JsonSchema::fromJson(schemaObject(s_candidateSchema));
        QVERIFY(schema.ok());
        const Result<void> result = schema->validate(json("{'candidate': {'age': 17}}"));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code(), ErrorCode::InvalidArgument);
        QCOMPARE(result.error().message(),
                 QStringLiteral("Value does not match schema \"Candidate form\" (2 violations): "
                                "/candidate: missing required property \"name\"; "
                                "/candidate/age: 17 is less than the minimum 18"));
        QCOMPARE(result.error().context().value(QStringLiteral("violations")).toStringList(),
                 schema->violations(json("{'candidate': {'age': 17}}")));
        QVERIFY(schema->validate(json("{'candidate': {'name': 'B', 'age': 18}}")).ok());
    }

    void validateWithoutTitle()
    {
        const auto schema = JsonSchema::fromJson(schemaObject("{'type': 'string'}"));
        QVERIFY(schema.ok());
        QCOMPARE(schema->validate(json("1")).error().message(),
                 QStringLiteral("Value does not match the schema (1 violation): (root): expected "
                                "string, got integer 1"));
    }

    void toJsonReturnsTheSchema()
    {
        const QJsonObject original = schemaObject(s_candidateSchema);
        const auto schema = JsonSchema::fromJson(original);
        QVERIFY(schema.ok());
        QCOMPARE(schema->toJson(), original);
        // A round trip through toJson() compiles to the same behaviour.
        const auto again = JsonSchema::fromJson(schema->toJson());
        QVERIFY(again.ok());
        const QJsonValue value = json("{'candidate': {'age': 17}}");
        QCOMPARE(again->violations(value), schema->violations(value));
    }

    void defaultAcceptsEverything()
    {
        const JsonSchema schema;
        QCOMPARE(schema.toJson(), QJsonObject());
        QVERIFY(schema.accepts(json("null")));
        QVERIFY(schema.accepts(json("{'a': [1, 2]}")));
        QVERIFY(schema.validate(json("\"x\"")).ok());
    }

    void copiesShareTheCompiledSchema()
    {
        JsonSchema copy;
        {
            const auto schema = JsonSchema::fromJson(schemaObject("{'maximum': 1}"));
            QVERIFY(schema.ok());
            copy = schema.value();
        }
        // The original is gone; the copy still owns the compiled tree.
        QCOMPARE(copy.violations(json("2")),
                 QStringList {QStringLiteral("(root): 2 is greater than the maximum 1")});
    }
};

QTEST_GUILESS_MAIN(TestJsonSchema)
#include "tst_jsonschema.moc"
