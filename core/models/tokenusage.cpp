// SPDX-License-Identifier: MIT
#include <durable/core/tokenusage.h>

namespace Durable {

QJsonObject TokenUsage::toJson() const
{
    return QJsonObject {{QStringLiteral("promptTokens"), promptTokens},
                        {QStringLiteral("completionTokens"), completionTokens},
                        {QStringLiteral("totalTokens"), totalTokens}};
}

Result<TokenUsage> TokenUsage::fromJson(const QJsonObject &json)
{
    TokenUsage usage;
    usage.promptTokens = json.value(QStringLiteral("promptTokens")).toInt();
    usage.completionTokens = json.value(QStringLiteral("completionTokens")).toInt();
    usage.totalTokens = json.value(QStringLiteral("totalTokens")).toInt();
    if (usage.promptTokens < 0 || usage.completionTokens < 0 || usage.totalTokens < 0)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("Token counts cannot be negative"));
    return usage;
}

} // namespace Durable
