// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <durable/core/objectid.h>
#include <durable/core/result.h>
#include <optional>

namespace Durable {

// Value types of human-in-the-loop: what an agent asks (HumanRequest), what a person answers
// (HumanResponse) and what the inbox shows (HumanRequestInfo). Plain values, any thread.

// What a person may do with a request.
enum class HumanAction {
    Approve, // accept as proposed (optional comment in text)
    Reject,  // refuse (optional reason in text)
    Edit,    // send back an edited version of the context as value (checked against the schema)
    Respond, // answer in free text, or with a structured value (checked against the schema)
};
QString humanActionName(HumanAction action);
// Accepts "approve", "reject", "edit", "respond" (case-insensitive).
Result<HumanAction> humanActionFromName(const QString &name);

enum class HumanRequestStatus { Pending, Answered, Expired };
QString humanRequestStatusName(HumanRequestStatus status);

// What an agent asks a person: Agent::askHuman(request, continuationName).
struct HumanRequest
{
    QString title;
    QString prompt;     // Markdown
    QJsonValue context; // what the person needs to decide, e.g. the candidate and the screening
    QList<HumanAction> actions {HumanAction::Approve, HumanAction::Reject};
    // Optional JSON schema for the value of an Edit or Respond answer (empty: anything goes).
    QJsonObject schema;
    // Optional: past it the request expires and deadlineContinuation (if any) runs with the
    // request as its payload.
    QDateTime deadline;
    QString deadlineContinuation;
};

// A person's answer, delivered to the agent as a "human-answer" turn.
struct HumanResponse
{
    HumanAction action = HumanAction::Approve;
    QString text;     // comment, reason or free-text answer
    QJsonValue value; // Edit: the edited JSON; Respond: an optional structured answer
    QString answeredBy;

    QJsonObject toJson() const;
    // {"action": "approve", "text": ..., "value": ..., "answeredBy": ...}
    static Result<HumanResponse> fromJson(const QJsonObject &json);
};

// A request as stored by its agent and listed by the inbox.
struct HumanRequestInfo
{
    QString requestId;
    ObjectId objectId;
    QString className;
    QString objectName; // empty when the agent was created by id
    QString title;
    QString prompt;
    QJsonValue context;
    QList<HumanAction> actions;
    QJsonObject schema;
    qint64 deadlineMs = -1; // -1: none
    QString continuation;
    QString deadlineContinuation;
    qint64 createdMs = 0;
    HumanRequestStatus status = HumanRequestStatus::Pending;
    qint64 answeredMs = -1; // answered or expired; -1 while pending
    std::optional<HumanResponse> response;

    QJsonObject toJson() const;
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::HumanRequestInfo)
Q_DECLARE_METATYPE(Durable::HumanResponse)
