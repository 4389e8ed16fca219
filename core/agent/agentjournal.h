// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

namespace Durable {

class ObjectDatabase;
class ObjectHost;
struct TurnChanges;

// An agent in the journal. The agent tables (_durable_agent_*) are journaled as *facets*:
// reserved pseudo-keys of the journal's key/value map, so that stateAt, diff, snapshots, the
// studio's timeline and fork cover agents with the machinery they use for key/value storage.
//
//   _durable_agent_state        the JSON state object (absent until stored)
//   _durable_agent_step         the workflow step (absent while empty)
//   _durable_agent_schedules    ScheduleInfo JSON, in due order
//   _durable_agent_requests     the pending human requests' JSON, without the object's identity
//   _durable_agent_model_calls  the pending model calls' JSON
//   _durable_agent_calls        the unanswered calls to other objects (OutgoingCallInfo JSON);
//                               shown, never restored: a fork does not call its origin's callees
//
// A facet that is empty is absent (removed), so a plain object never has one. User keys
// starting with _durable_ are refused by ObjectDatabase::put/remove.
//
// Worker thread only, inside a turn (or a journal snapshot); failures throw Durable::Error.
namespace AgentJournal {

inline const QString StateKey = QStringLiteral("_durable_agent_state");
inline const QString StepKey = QStringLiteral("_durable_agent_step");
inline const QString SchedulesKey = QStringLiteral("_durable_agent_schedules");
inline const QString RequestsKey = QStringLiteral("_durable_agent_requests");
inline const QString ModelCallsKey = QStringLiteral("_durable_agent_model_calls");
inline const QString CallsKey = QStringLiteral("_durable_agent_calls");

bool isFacetKey(const QString &key);

// After a turn: reads the facets of the agent tables the turn wrote (changes.agentTables)
// and records them in changes.set, or changes.removed when empty. Nothing to do (and
// nothing read) when the turn wrote no agent table.
void journalFacets(ObjectDatabase &db, TurnChanges &changes);

// Every facet that is not empty, as a snapshot keeps them ({} for a plain object).
QJsonObject facets(ObjectDatabase &db);

// Writes facets, as the journal keeps them, into the agent tables of a new object (a fork)
// inside its first turn: state, step (and its catalog index), schedules (then the alarm is
// re-armed), pending human requests under new ids (ids are engine-wide; catalog hints and
// deadline schedules follow) and pending model calls, which are re-issued when the object
// next runs an agent turn. Returns what was written, for the turn's output.
QJsonObject restoreFacets(ObjectHost &host, const QJsonObject &facets);

} // namespace AgentJournal

} // namespace Durable
