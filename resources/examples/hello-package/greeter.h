// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agent.h>

namespace Hello {

// A small agent: it greets visitors, remembers how many it greeted, and follows up with each
// one a day later through a schedule, which survives restarts like any durable continuation.
//
//   greet {name}  -> "Hello, <name>!"; step "greeted"; schedules followUp {name} in 24 h
//   followUp      -> counts the follow-up; step "followed-up" once none is pending
//   status        -> the state, the step and the follow-ups still scheduled
//
// State: {greetings, followUps, lastVisitor}. A name longer than 40 characters is refused by
// validateState(), so the turn fails and nothing is stored.
class Greeter : public Durable::Agent
{
public:
    Greeter();

    static QStringList workflowSteps();

protected:
    QJsonObject initialState() const override;
    Durable::Result<void> validateState(const QJsonObject &next) const override;

private:
    QJsonValue greet(const QJsonValue &args);
    void followUp(const QJsonValue &payload);
    QJsonValue status() const;
};

} // namespace Hello
