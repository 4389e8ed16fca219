// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/jsonschema.h>

#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>

#include <optional>
#include <vector>

namespace Durable {

// One compiled (sub-)schema of a JsonSchema: build() reads a schema's keywords, refusing what is
// malformed or outside the supported subset with the place named; check() lists a value's
// violations. Immutable once built; shared between copies of a JsonSchema.
struct JsonSchema::Node
{
    using Ptr = std::shared_ptr<const Node>;

    static Result<Ptr> build(const QJsonValue &schema, const QString &at);
    void check(const QJsonValue &value, const QString &path, QStringList &out) const;

    QJsonValue json;
    bool rejectAll = false; // the schema `false`
    unsigned types = 0;     // 0: any type
    QStringList typeNames;
    QMap<QString, Ptr> properties;
    QStringList required;
    bool additionalForbidden = false;
    Ptr additional;
    Ptr items;
    std::optional<QJsonArray> enumValues;
    std::optional<QJsonValue> constValue;
    std::optional<double> minimum;
    std::optional<double> maximum;
    std::optional<double> exclusiveMinimum;
    std::optional<double> exclusiveMaximum;
    std::optional<qint64> minLength;
    std::optional<qint64> maxLength;
    std::optional<qint64> minItems;
    std::optional<qint64> maxItems;
    std::optional<QRegularExpression> pattern;
    std::vector<Ptr> anyOf;
    std::vector<Ptr> oneOf;
    std::vector<Ptr> allOf;

private:
    // Draft-04 `"exclusiveMinimum": true` style flags, applied after all keywords are read.
    struct Draft4Exclusive
    {
        std::optional<bool> minimum;
        std::optional<bool> maximum;
    };

    Result<void> readKeyword(const QString &key, const QJsonValue &value, const QString &where,
                             Draft4Exclusive &draft4);
    Result<void> readType(const QJsonValue &value, const QString &where);
    Result<void> readProperties(const QJsonValue &value, const QString &where);
    Result<void> readRequired(const QJsonValue &value, const QString &where);
    Result<void> readAdditionalProperties(const QJsonValue &value, const QString &where);
    Result<void> readItems(const QJsonValue &value, const QString &where);
    Result<void> readPattern(const QJsonValue &value, const QString &where);
    static Result<void> readSchemaList(const QString &key, const QJsonValue &value,
                                       const QString &where, std::vector<Ptr> &target);
    Result<void> applyDraft4Exclusive(const Draft4Exclusive &draft4, const QString &at);

    void checkEnumAndConst(const QJsonValue &value, const QString &path, QStringList &out) const;
    void checkNumber(double number, const QString &path, QStringList &out) const;
    void checkString(const QJsonValue &value, const QString &path, QStringList &out) const;
    void checkArray(const QJsonArray &array, const QString &path, QStringList &out) const;
    void checkObject(const QJsonObject &object, const QString &path, QStringList &out) const;
    void checkAlternatives(const QJsonValue &value, const QString &path, QStringList &out) const;
    static QStringList failuresOf(const std::vector<Ptr> &alternatives, const QJsonValue &value,
                                  const QString &path, QList<qsizetype> &matching);
};

} // namespace Durable
