// SPDX-License-Identifier: MIT
#pragma once

#include "catalog.h"

#include <durable/core/humanrequest.h>
#include <durable/core/scheduleinfo.h>

#include <QJsonObject>
#include <QList>

namespace Durable {

class AgentHandlers;
class AgentSchedules;
class AgentTables;
class ObjectHost;
class TurnEffects;

// An agent's questions to a person (_durable_agent_human_requests): asking, answering
// (the "human-answer" turn), and expiring at a deadline, which is one of the agent's schedules.
// The requests a turn opened or closed are indexed in the catalog (the inbox reads it) and
// announced when the turn ends, through the turn's gate.
//
// Worker thread only, inside a turn; failures throw Durable::Error.
class AgentHumanRequests
{
public:
    AgentHumanRequests(AgentTables &tables, const AgentHandlers &handlers,
                       AgentSchedules &schedules);

    // Stores a pending request (and its deadline schedule) and returns its id.
    QString ask(ObjectHost &host, const HumanRequest &request, const QString &continuation);
    static QList<HumanRequestInfo> list(ObjectHost &host, bool pendingOnly);
    // Closes a request as answered and runs its continuation; a request that is unknown,
    // closed, past its deadline, or a response it does not allow, throws.
    QJsonValue answer(ObjectHost &host, const QString &requestId, const HumanResponse &response);
    // The deadline schedule fired: a request still pending expires (and runs its deadline
    // continuation, if it has one).
    void expire(ObjectHost &host, const ScheduleInfo &deadline);

    bool changed() const { return !m_opened.isEmpty() || !m_closed.isEmpty(); }
    void index(TurnEffects &effects) const;
    void publish(TurnEffects &effects) const;
    void reset();

private:
    qint64 checkRequest(ObjectHost &host, const HumanRequest &request, const QString &continuation,
                        qint64 now) const;
    static void checkAnswerable(const HumanRequestInfo &info, const HumanResponse &response,
                                const QString &what, qint64 now);
    static void checkAnswer(const HumanRequestInfo &info, const HumanResponse &response,
                            const QString &what);

    AgentTables &m_tables;
    const AgentHandlers &m_handlers;
    AgentSchedules &m_schedules;
    QList<Catalog::HumanRequestHint> m_opened;
    QList<QJsonObject> m_closed; // HumanRequestAnswered details
};

} // namespace Durable
