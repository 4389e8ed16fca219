// SPDX-License-Identifier: MIT
#pragma once

#include "classinfo.h"
#include "journal.h"
#include "objectdatabase.h"
#include "turn.h"
#include "turneffects.h"

#include <durable/core/durableobject.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

#include <atomic>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <vector>

class QFileInfo;

namespace Durable {

class EngineCore;

// The strand of one object: its queue of turns, its database connection and its instance.
//
// Created by its Worker on first use. The queue and the `ready` flag are guarded by the
// worker's mutex; everything else is touched only on the worker's thread.
class ObjectHost : public ObjectContext
{
public:
    enum class State { Hibernated, Active, Quarantined };

    ObjectHost(EngineCore &core, std::shared_ptr<const ClassInfo> cls, ObjectId id, QString name);
    ~ObjectHost() override;

    // ObjectContext
    ObjectId id() const override { return m_id; }
    QString className() const override { return m_className; }
    QString name() const override { return m_name; }
    Storage &storage() override { return m_storage; }
    Stub stub(const QString &className, const QString &name) const override;
    Stub stub(const QString &className, const ObjectId &id) const override;
    qint64 nowMs() const override;

    // Worker thread only: a reloaded class (Engine::replaceClass) takes effect when the object
    // next opens, so a host's class changes only while it is closed.
    const ClassInfo &classInfo() const
    {
        Q_ASSERT(onWorkerThread());
        return *m_class;
    }
    // Whether the engine has replaced this object's class since it opened (worker thread).
    bool runsReplacedClass() const;
    EngineCore &core() const { return m_core; }
    QString label() const;
    QString filePath() const;

    // Guarded by the worker's mutex.
    std::deque<Turn> queue;
    bool ready = false;

    // Worker thread only (state() is also read by Worker::liveState under its mutex).
    State state() const { return m_state; }
    bool isOpen() const
    {
        Q_ASSERT(onWorkerThread());
        return m_db.isOpen();
    }
    ObjectDatabase &database()
    {
        Q_ASSERT(onWorkerThread());
        return m_db;
    }
    Journal &journal()
    {
        Q_ASSERT(onWorkerThread());
        return m_journal;
    }
    // Opens the file (creating it on first use). Sets `created` when the file is new.
    Result<void> activate(bool &created);
    // Makes sure an instance exists, running onStart() for a new one. Throws.
    DurableObject &instance();
    bool hasInstance() const { return m_instance != nullptr; }
    void discardInstance() { m_instance.reset(); }
    void close();
    void quarantine(const Error &why);
    // A quarantined object back to hibernated: Reset keeps its files aside and lets it start
    // empty; Accept takes its file as found. Returns what was done, for the user.
    enum class Repair { Reset, Accept };
    Result<QString> repair(Repair how);
    const Error &quarantineError() const { return m_quarantineError; }

    qint64 lastActiveMs = 0;
    qint64 createdMs = 0;
    qint64 notedSeq = 0; // the last seq given to the catalog's watermark (worker thread)
    // A turn other than an inspection read ran since the catalog last heard of this object
    // (worker thread). Reads keep an object open, but never change its catalog row: looking
    // at a data directory leaves its files as they were.
    bool activeSinceNoted = false;
    // A file created by this activation that no turn has committed to yet (worker thread):
    // the object does not exist for anyone until one does, and its file goes if none does.
    bool unborn = false;
    // Mirrors of worker-thread state that the inspection API reads under the worker's mutex.
    std::atomic<bool> liveOpen {false};
    std::atomic<qint64> liveLastActiveMs {0};
    std::list<ObjectHost *>::iterator lruPosition;
    bool inLru = false;
    // The output gate of the running turn: everything it does that others may see goes
    // there (see turneffects.h). Worker thread only, inside a turn.
    TurnEffects &effects()
    {
        Q_ASSERT_X(m_effects, "ObjectHost::effects", "only a running turn has effects");
        return *m_effects;
    }
    bool inTurn() const { return m_effects != nullptr; }
    void setEffects(TurnEffects *effects)
    {
        Q_ASSERT(onWorkerThread());
        m_effects = effects;
    }
    // Set by code running in a turn to name its trigger in the journal (e.g. an agent's
    // schedule firing inside an alarm turn); reset for every turn.
    QString turnTrigger;

private:
    Result<void> checkFileExpected(const QFileInfo &file,
                                   const std::optional<qint64> &expectedSeq) const;
    Error damaged(const QString &what) const;
    QString repairCommand() const;

    // Whether the caller runs on the thread of the worker this object is pinned to: what the
    // worker-thread-only members assert.
    bool onWorkerThread() const;

    EngineCore &m_core;
    const QString m_className;                // any thread; the same in every version of the class
    std::shared_ptr<const ClassInfo> m_class; // worker thread
    ObjectId m_id;
    QString m_name;
    ObjectDatabase m_db;
    Storage m_storage {&m_db};
    Journal m_journal {m_db};
    std::unique_ptr<DurableObject> m_instance;
    TurnEffects *m_effects = nullptr;
    State m_state = State::Hibernated;
    Error m_quarantineError;
};

// The host behind a running object's context: how the areas above the engine (the Agent SDK)
// reach the engine's side of their object. Every ObjectContext the engine hands out is an
// ObjectHost; the cast is checked in debug builds. Worker thread only, inside a turn.
inline ObjectHost &hostOf(ObjectContext &context)
{
    Q_ASSERT(dynamic_cast<ObjectHost *>(&context));
    return static_cast<ObjectHost &>(context);
}

} // namespace Durable
