// SPDX-License-Identifier: MIT
#include <QJsonArray>
#include <durable/core/humanrequest.h>

namespace Durable {

QString humanActionName(HumanAction action)
{
    switch (action) {
    case HumanAction::Approve:
        return QStringLiteral("approve");
    case HumanAction::Reject:
        return QStringLiteral("reject");
    case HumanAction::Edit:
        return QStringLiteral("edit");
    case HumanAction::Respond:
        return QStringLiteral("respond");
    }
    return QStringLiteral("approve");
}

Result<HumanAction> humanActionFromName(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    for (HumanAction action :
         {HumanAction::Approve, HumanAction::Reject, HumanAction::Edit, HumanAction::Respond}) {
        if (humanActionName(action) == lower)
            return action;
    }
    return Error(ErrorCode::InvalidArgument,
                 QStringLiteral("Unknown human action \"%1\"; expected approve, reject, edit or "
                                "respond")
                     .arg(name));
}

QString humanRequestStatusName(HumanRequestStatus status)
{
    switch (status) {
    case HumanRequestStatus::Pending:
        return QStringLiteral("pending");
    case HumanRequestStatus::Answered:
        return QStringLiteral("answered");
    case HumanRequestStatus::Expired:
        return QStringLiteral("expired");
    }
    return QStringLiteral("pending");
}

QJsonObject HumanResponse::toJson() const
{
    QJsonObject json {{QStringLiteral("action"), humanActionName(action)}};
    if (!text.isEmpty())
        json.insert(QStringLiteral("text"), text);
    if (!value.isUndefined())
        json.insert(QStringLiteral("value"), value);
    if (!answeredBy.isEmpty())
        json.insert(QStringLiteral("answeredBy"), answeredBy);
    return json;
}

Result<HumanResponse> HumanResponse::fromJson(const QJsonObject &json)
{
    auto action = humanActionFromName(json.value(QStringLiteral("action")).toString());
    if (!action)
        return action.error();
    HumanResponse response;
    response.action = action.value();
    response.text = json.value(QStringLiteral("text")).toString();
    response.value = json.value(QStringLiteral("value"));
    response.answeredBy = json.value(QStringLiteral("answeredBy")).toString();
    return response;
}

QJsonObject HumanRequestInfo::toJson() const
{
    QJsonArray actionNames;
    for (HumanAction action : actions)
        actionNames.append(humanActionName(action));
    QJsonObject json {{QStringLiteral("requestId"), requestId},
                      {QStringLiteral("objectId"), objectId.toString()},
                      {QStringLiteral("className"), className},
                      {QStringLiteral("objectName"), objectName},
                      {QStringLiteral("title"), title},
                      {QStringLiteral("prompt"), prompt},
                      {QStringLiteral("context"), context.isUndefined() ? QJsonValue() : context},
                      {QStringLiteral("actions"), actionNames},
                      {QStringLiteral("continuation"), continuation},
                      {QStringLiteral("createdMs"), double(createdMs)},
                      {QStringLiteral("status"), humanRequestStatusName(status)}};
    if (!schema.isEmpty())
        json.insert(QStringLiteral("schema"), schema);
    if (deadlineMs >= 0)
        json.insert(QStringLiteral("deadlineMs"), double(deadlineMs));
    if (!deadlineContinuation.isEmpty())
        json.insert(QStringLiteral("deadlineContinuation"), deadlineContinuation);
    if (answeredMs >= 0)
        json.insert(QStringLiteral("answeredMs"), double(answeredMs));
    if (response)
        json.insert(QStringLiteral("response"), response->toJson());
    return json;
}

} // namespace Durable
