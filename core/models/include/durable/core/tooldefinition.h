// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>
#include <durable/core/result.h>

namespace Durable {

// A function a model may call: its name, what it does (the model reads this to decide), and a
// JSON schema for its arguments. A plain value, any thread.
struct ToolDefinition
{
    QString name;
    QString description;
    QJsonObject parameters; // JSON schema, usually {"type":"object","properties":{...}}

    QJsonObject toJson() const;
    static Result<ToolDefinition> fromJson(const QJsonObject &json);

    friend bool operator==(const ToolDefinition &, const ToolDefinition &) = default;
};

} // namespace Durable
