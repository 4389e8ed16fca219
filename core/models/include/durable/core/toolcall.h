// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>
#include <durable/core/result.h>

namespace Durable {

// One function call a model asked for: which tool, with which JSON arguments, under which id
// (the id ties the later tool-result message back to this call). A plain value, any thread.
struct ToolCall
{
    QString id;
    QString name;
    QJsonObject arguments;

    QJsonObject toJson() const;
    static Result<ToolCall> fromJson(const QJsonObject &json);

    friend bool operator==(const ToolCall &, const ToolCall &) = default;
};

} // namespace Durable
