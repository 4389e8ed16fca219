// SPDX-License-Identifier: MIT
#include <durable/core/tooldefinition.h>

namespace Durable {

QJsonObject ToolDefinition::toJson() const
{
    return QJsonObject {{QStringLiteral("name"), name},
                        {QStringLiteral("description"), description},
                        {QStringLiteral("parameters"), parameters}};
}

Result<ToolDefinition> ToolDefinition::fromJson(const QJsonObject &json)
{
    ToolDefinition tool;
    tool.name = json.value(QStringLiteral("name")).toString();
    if (tool.name.isEmpty())
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("A tool definition has no \"name\""));
    tool.description = json.value(QStringLiteral("description")).toString();
    const QJsonValue parameters = json.value(QStringLiteral("parameters"));
    if (!parameters.isUndefined() && !parameters.isNull() && !parameters.isObject()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("The parameters of tool \"%1\" are not a JSON schema object")
                         .arg(tool.name));
    }
    tool.parameters = parameters.toObject();
    return tool;
}

} // namespace Durable
