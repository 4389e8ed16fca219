// SPDX-License-Identifier: MIT
#include <durable/core/toolcall.h>

namespace Durable {

QJsonObject ToolCall::toJson() const
{
    return QJsonObject {{QStringLiteral("id"), id},
                        {QStringLiteral("name"), name},
                        {QStringLiteral("arguments"), arguments}};
}

Result<ToolCall> ToolCall::fromJson(const QJsonObject &json)
{
    ToolCall call;
    call.id = json.value(QStringLiteral("id")).toString();
    call.name = json.value(QStringLiteral("name")).toString();
    if (call.name.isEmpty())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("A tool call has no \"name\""));
    const QJsonValue arguments = json.value(QStringLiteral("arguments"));
    if (!arguments.isUndefined() && !arguments.isNull() && !arguments.isObject()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("The arguments of tool call \"%1\" are not a JSON object")
                         .arg(call.name));
    }
    call.arguments = arguments.toObject();
    return call;
}

} // namespace Durable
