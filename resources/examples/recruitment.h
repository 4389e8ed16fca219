// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>

namespace DurableExamples {

// The reference workflow: a resume arrives, a model screens it, a recruiter decides, the model
// books an interview through a tool, and 24 hours later the model drafts a follow-up.
//
//   submitResume {candidate, role, resume}
//     -> step "screening": callModel (screening prompt) -> onScreened
//     -> step "awaiting-recruiter": askHuman (approve / reject / respond with notes) -> onDecision
//        reject: step "rejected"
//        approve or respond: callModel with the proposeInterviewSlot tool -> onInterviewBooked
//     -> step "follow-up-scheduled": schedule(24 h, "followUp")
//     -> followUp: callModel (follow-up prompt) -> onFollowUpDrafted -> step "closed"
//   status -> everything the studio shows about one candidate
//
// State keys: candidate, role, resume, assessment, decision, notes, slot, followUpMessage.
// With no model configured it answers from rules/recruitment.json (scripted, no network).
class Recruitment : public Durable::Agent
{
public:
    Recruitment();

    static QStringList workflowSteps();

protected:
    QJsonObject scriptedRules() const override;

private:
    QJsonValue submitResume(const QJsonValue &args);
    QJsonValue status() const;
    QJsonValue onScreened(const QJsonValue &payload, const Durable::ChatReply &reply);
    QJsonValue onDecision(const Durable::HumanRequestInfo &request,
                          const Durable::HumanResponse &response);
    QJsonValue proposeInterviewSlot(const QJsonObject &args);
    QJsonValue onInterviewBooked(const QJsonValue &payload, const Durable::ChatReply &reply);
    QJsonValue followUp(const QJsonValue &payload);
    QJsonValue onFollowUpDrafted(const QJsonValue &payload, const Durable::ChatReply &reply);

    void update(const QString &key, const QJsonValue &value);
};

} // namespace DurableExamples
