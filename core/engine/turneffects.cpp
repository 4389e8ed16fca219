// SPDX-License-Identifier: MIT
#include "turneffects.h"

#include "enginecore.h"
#include "objecthost.h"

namespace Durable {

void TurnEffects::publish(ChangeEvent::Kind kind, QJsonObject detail)
{
    m_events.push_back({kind, std::move(detail)});
}

void TurnEffects::index(QString what, IndexWrite write)
{
    m_index.push_back({std::move(what), std::move(write)});
}

void TurnEffects::send(OutgoingCall call)
{
    m_messages.push_back(std::move(call));
}

void TurnEffects::afterCommit(std::function<void()> action)
{
    m_afterCommit.push_back(std::move(action));
}

QList<QJsonObject> TurnEffects::eventDetails(ChangeEvent::Kind kind) const
{
    QList<QJsonObject> details;
    for (const Event &event : m_events) {
        if (event.kind == kind)
            details.append(event.detail);
    }
    return details;
}

bool TurnEffects::isEmpty() const
{
    return m_index.empty() && m_events.empty() && m_messages.empty() && m_afterCommit.empty();
}

void TurnEffects::rollBack(const Error &error)
{
    for (OutgoingCall &call : m_messages) {
        if (call.turn.reply)
            call.turn.reply(error.prefixed(QStringLiteral("Message not sent")));
    }
    m_messages.clear();
    m_index.clear();
    m_events.clear();
    m_afterCommit.clear();
}

Result<void> TurnEffects::release(EngineCore &core, const ObjectHost &host,
                                  const Result<QJsonValue> &result)
{
    // Index rows first: an observer woken by an event below reads an index that agrees.
    Result<void> indexed;
    for (Index &row : m_index) {
        if (auto ok = row.write(core.catalog()); !ok && indexed) {
            indexed = ok.error().prefixed(
                QStringLiteral("Could not index %1 of %2").arg(row.what, host.label()));
        }
    }
    m_index.clear();
    for (Event &event : m_events)
        core.publish(event.kind, host.id(), host.className(), host.name(), std::move(event.detail));
    m_events.clear();
    if (m_reply)
        std::exchange(m_reply, nullptr)(result);
    for (OutgoingCall &call : m_messages)
        core.dispatchNow(call.className, call.id, call.name, std::move(call.turn));
    m_messages.clear();
    for (std::function<void()> &action : m_afterCommit)
        action();
    m_afterCommit.clear();
    return indexed;
}

} // namespace Durable
