// SPDX-License-Identifier: MIT
#include <durable/core/jsonschema.h>

#include "jsonschemanode.h"
#include "jsonschemavalues.h"

namespace Durable {

using JsonSchemaValues::plural;

JsonSchema::JsonSchema()
{
    auto root = std::make_shared<Node>();
    root->json = QJsonObject();
    m_root = std::move(root);
}

JsonSchema::JsonSchema(std::shared_ptr<const Node> root) : m_root(std::move(root))
{ }

Result<JsonSchema> JsonSchema::fromJson(const QJsonObject &schema)
{
    auto root = Node::build(schema, QString());
    if (!root.ok())
        return root.error();
    return JsonSchema(std::move(root).value());
}

QStringList JsonSchema::violations(const QJsonValue &value) const
{
    QStringList out;
    m_root->check(value, QString(), out);
    return out;
}

Result<void> JsonSchema::validate(const QJsonValue &value) const
{
    const QStringList problems = violations(value);
    if (problems.isEmpty())
        return {};
    const QString title = m_root->json.toObject().value(QLatin1String("title")).toString();
    const QString what = title.isEmpty() ? QStringLiteral("the schema")
                                         : QStringLiteral("schema \"%1\"").arg(title);
    Error error(ErrorCode::InvalidArgument,
                QStringLiteral("Value does not match %1 (%2): %3")
                    .arg(what, plural(problems.size(), "violation", "violations"),
                         problems.join(QStringLiteral("; "))));
    error.withContext(QStringLiteral("violations"), problems);
    return error;
}

QJsonObject JsonSchema::toJson() const
{
    return m_root->json.toObject();
}

} // namespace Durable
