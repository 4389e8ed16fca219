// SPDX-License-Identifier: MIT
#include "recruitment.h"

#include "examples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <durable/core/objectcontext.h>

namespace DurableExamples {

using namespace Durable;
using namespace std::chrono_literals;

Recruitment::Recruitment()
{
    handle("submitResume", &Recruitment::submitResume);
    handle("status", &Recruitment::status);
    continuation("onScreened", &Recruitment::onScreened);
    continuation("onDecision", &Recruitment::onDecision);
    continuation("onInterviewBooked", &Recruitment::onInterviewBooked);
    continuation("followUp", &Recruitment::followUp);
    continuation("onFollowUpDrafted", &Recruitment::onFollowUpDrafted);
    tool("proposeInterviewSlot",
         QStringLiteral("Book an interview slot with the candidate and record it."),
         QJsonObject {
             {QStringLiteral("type"), QStringLiteral("object")},
             {QStringLiteral("properties"),
              QJsonObject {
                  {QStringLiteral("start"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("string")},
                                {QStringLiteral("minLength"), 1}}},
                  {QStringLiteral("durationMinutes"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("integer")},
                                {QStringLiteral("minimum"), 15},
                                {QStringLiteral("maximum"), 240}}},
                  {QStringLiteral("interviewer"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("string")}}},
              }},
             {QStringLiteral("required"),
              QJsonArray {QStringLiteral("start"), QStringLiteral("durationMinutes")}},
         },
         &Recruitment::proposeInterviewSlot);
}

QStringList Recruitment::workflowSteps()
{
    return {QStringLiteral("received"),
            QStringLiteral("screening"),
            QStringLiteral("awaiting-recruiter"),
            QStringLiteral("interview-scheduled"),
            QStringLiteral("follow-up-scheduled"),
            QStringLiteral("closed"),
            QStringLiteral("rejected")};
}

QJsonObject Recruitment::scriptedRules() const
{
    return exampleRules(QStringLiteral("recruitment"));
}

void Recruitment::update(const QString &key, const QJsonValue &value)
{
    QJsonObject next = state();
    next.insert(key, value);
    setState(next);
}

QJsonValue Recruitment::submitResume(const QJsonValue &args)
{
    const QJsonObject a = args.toObject();
    const QString candidate = a.value(QStringLiteral("candidate")).toString().trimmed();
    const QString role = a.value(QStringLiteral("role")).toString(QStringLiteral("Engineer"));
    const QString resume = a.value(QStringLiteral("resume")).toString();
    if (candidate.isEmpty())
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("submitResume needs a \"candidate\""));
    if (!step().isEmpty()) {
        throw Error(ErrorCode::Conflict,
                    QStringLiteral("%1 was already submitted (step %2)").arg(candidate, step()));
    }
    setStep(QStringLiteral("received"));
    setState({{QStringLiteral("candidate"), candidate},
              {QStringLiteral("role"), role},
              {QStringLiteral("resume"), resume}});

    ChatRequest request;
    request.messages = {
        ChatMessage::system(QStringLiteral(
            "You are a recruiting assistant. You screen resumes. Answer only with JSON: "
            "{\"score\": 1-10, \"strengths\": [..], \"concerns\": [..], "
            "\"recommendation\": \"interview\" or \"reject\"}.")),
        ChatMessage::user(
            QStringLiteral("Role: %1\nCandidate: %2\nResume:\n%3").arg(role, candidate, resume)),
    };
    request.temperature = 0;
    // Screening needs no tools: only the booking call offers proposeInterviewSlot.
    const QString callId = callModel(request, QStringLiteral("onScreened"), {},
                                     OfferTools::AsGiven);
    setStep(QStringLiteral("screening"));
    return QJsonObject {{QStringLiteral("step"), step()}, {QStringLiteral("modelCall"), callId}};
}

QJsonValue Recruitment::onScreened(const QJsonValue &, const ChatReply &reply)
{
    QJsonObject assessment;
    if (reply.finishReason == QLatin1String("error")) {
        assessment = {{QStringLiteral("error"), reply.content}};
    } else {
        QJsonParseError error;
        const QJsonDocument parsed = QJsonDocument::fromJson(reply.content.toUtf8(), &error);
        assessment = parsed.isObject() ? parsed.object()
                                       : QJsonObject {{QStringLiteral("summary"), reply.content}};
    }
    update(QStringLiteral("assessment"), assessment);
    const QJsonObject s = state();
    HumanRequest ask;
    ask.title = QStringLiteral("Review %1").arg(s.value(QStringLiteral("candidate")).toString());
    ask.prompt = QStringLiteral("**%1** applied for **%2**. The screening scored %3/10. Approve "
                                "to book an interview, reject, or respond with notes for the "
                                "interview.")
                     .arg(s.value(QStringLiteral("candidate")).toString(),
                          s.value(QStringLiteral("role")).toString())
                     .arg(assessment.value(QStringLiteral("score")).toInt());
    ask.context = QJsonObject {{QStringLiteral("candidate"), s.value(QStringLiteral("candidate"))},
                               {QStringLiteral("role"), s.value(QStringLiteral("role"))},
                               {QStringLiteral("assessment"), assessment}};
    ask.actions = {HumanAction::Approve, HumanAction::Reject, HumanAction::Respond};
    askHuman(ask, QStringLiteral("onDecision"));
    setStep(QStringLiteral("awaiting-recruiter"));
    return assessment;
}

QJsonValue Recruitment::onDecision(const HumanRequestInfo &, const HumanResponse &response)
{
    if (response.action == HumanAction::Reject) {
        update(QStringLiteral("decision"), QStringLiteral("rejected"));
        setStep(QStringLiteral("rejected"));
        return QStringLiteral("rejected");
    }
    // Approve, or respond with notes for the interview (approval with notes).
    update(QStringLiteral("decision"), QStringLiteral("interview"));
    if (!response.text.isEmpty())
        update(QStringLiteral("notes"), response.text);
    const QJsonObject s = state();
    ChatRequest request;
    request.messages = {
        ChatMessage::system(QStringLiteral(
            "You schedule interviews for a recruiting team. Call proposeInterviewSlot once to "
            "book a slot, then confirm it in one sentence.")),
        ChatMessage::user(
            QStringLiteral("Book an interview with %1 for the %2 role.%3")
                .arg(s.value(QStringLiteral("candidate")).toString(),
                     s.value(QStringLiteral("role")).toString(),
                     response.text.isEmpty()
                         ? QString()
                         : QStringLiteral(" Recruiter notes: %1").arg(response.text))),
    };
    callModel(request, QStringLiteral("onInterviewBooked"));
    return QStringLiteral("interview");
}

QJsonValue Recruitment::proposeInterviewSlot(const QJsonObject &args)
{
    QJsonObject slot = args;
    slot.insert(QStringLiteral("bookedAtMs"), double(context().nowMs()));
    update(QStringLiteral("slot"), slot);
    return QStringLiteral("booked %1 for %2 minutes with %3")
        .arg(args.value(QStringLiteral("start")).toString())
        .arg(args.value(QStringLiteral("durationMinutes")).toInt())
        .arg(args.value(QStringLiteral("interviewer")).toString(QStringLiteral("the team")));
}

QJsonValue Recruitment::onInterviewBooked(const QJsonValue &, const ChatReply &reply)
{
    if (reply.finishReason == QLatin1String("error")) {
        // Stay with the recruiter: the booking failed and a person should look at it.
        update(QStringLiteral("bookingError"), reply.content);
        return QJsonObject {{QStringLiteral("error"), reply.content}};
    }
    update(QStringLiteral("interview"), reply.content);
    setStep(QStringLiteral("interview-scheduled"));
    schedule(24h, QStringLiteral("followUp"));
    setStep(QStringLiteral("follow-up-scheduled"));
    return QJsonObject {
        {QStringLiteral("followUpAtMs"), double(context().nowMs() + qint64(24) * 3600 * 1000)}};
}

QJsonValue Recruitment::followUp(const QJsonValue &)
{
    const QJsonObject s = state();
    ChatRequest request;
    request.messages = {
        ChatMessage::system(QStringLiteral(
            "You write short, warm follow-up messages to candidates for a recruiting team.")),
        ChatMessage::user(QStringLiteral("Draft a follow-up message to %1 about the %2 "
                                         "interview: %3")
                              .arg(s.value(QStringLiteral("candidate")).toString(),
                                   s.value(QStringLiteral("role")).toString(),
                                   s.value(QStringLiteral("interview")).toString())),
    };
    return callModel(request, QStringLiteral("onFollowUpDrafted"), {}, OfferTools::AsGiven);
}

QJsonValue Recruitment::onFollowUpDrafted(const QJsonValue &, const ChatReply &reply)
{
    update(QStringLiteral("followUpMessage"), reply.content);
    setStep(QStringLiteral("closed"));
    return reply.content;
}

QJsonValue Recruitment::status() const
{
    QJsonObject s = state();
    s.insert(QStringLiteral("step"), step());
    s.insert(QStringLiteral("schedules"), int(schedules().size()));
    s.insert(QStringLiteral("pendingHumanRequests"), int(humanRequests(true).size()));
    s.insert(QStringLiteral("pendingModelCalls"), int(modelCalls(true).size()));
    return s;
}

} // namespace DurableExamples
