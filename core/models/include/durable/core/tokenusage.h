// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <durable/core/result.h>

namespace Durable {

// Tokens a model call consumed, as the provider reported them (estimated for scripted replies).
struct TokenUsage
{
    int promptTokens = 0;
    int completionTokens = 0;
    int totalTokens = 0;

    QJsonObject toJson() const;
    static Result<TokenUsage> fromJson(const QJsonObject &json);

    friend bool operator==(const TokenUsage &, const TokenUsage &) = default;
};

} // namespace Durable
