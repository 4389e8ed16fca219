// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace Durable {

class ObjectHost;
class TurnEffects;

// The agent's workflow step: one of the names its class declares (ClassOptions::steps), stored
// with its state and indexed in the catalog so the inspection API counts objects per step.
// Read at most once per turn, like the state; the index row goes through the turn's gate.
//
// Worker thread only, inside a turn; failures throw Durable::Error.
class AgentSteps
{
public:
    static QStringList declared(ObjectHost &host);
    // Throws InvalidArgument unless the class declares step.
    static void check(ObjectHost &host, const QString &step);

    // Reads the stored step; the first time per instance it also compares it with the index.
    void load(ObjectHost &host);
    // After load().
    const QString &current() const { return m_step; }
    // After load() and check(); the same step writes nothing.
    void write(ObjectHost &host, const QString &step);

    bool changed() const { return m_changed; }
    void index(ObjectHost &host, TurnEffects &effects) const;
    void unload() { m_loaded = false; }
    void reset();

private:
    QString m_step;
    bool m_loaded = false;
    bool m_changed = false;
    bool m_synced = false; // per instance: the catalog's step was compared with ours
};

} // namespace Durable
