// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classoptions.h>
#include <durable/core/durableobject.h>
#include <durable/core/engineoptions.h>
#include <durable/core/result.h>
#include <durable/core/stub.h>

#include <QFuture>
#include <QObject>

#include <type_traits>

namespace Durable {

class Clock;
class EngineCore;
class RecordingTap;
class OperationRecorder;
class EngineAccess;

// The durable object engine: a data directory of per-object SQLite files, a fixed pool of worker
// threads that run each object's turns one at a time, and the alarms that wake them.
//
// Lives on the thread that created it (usually the main thread); every method is thread-safe
// and none blocks on a turn except shutdown(). Register classes, then start().
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(EngineOptions options, QObject *parent = nullptr);
    ~Engine() override;

    template<typename T>
    Result<void> registerClass(const QString &name, ClassOptions options = {})
    {
        static_assert(std::is_base_of_v<DurableObject, T>);
        using BaseAlarm = void (DurableObject::*)(const AlarmInfo &);
        options.handlesAlarms = !std::is_same_v<decltype(&T::onAlarm), BaseAlarm>;
        return registerClass(
            name, [] { return std::unique_ptr<DurableObject>(new T); }, std::move(options));
    }
    Result<void> registerClass(const QString &name, ObjectFactory factory, ClassOptions options);
    QStringList classNames() const;
    // Adds or replaces a class while the engine runs (or before it starts): a reloaded agent
    // package. Objects of the class in memory are closed between their turns, committed as
    // idle eviction leaves them, and rebuilt from storage with the new factory and options on
    // their next turn (turns a worker had already taken up may still run the old version). The
    // future finishes once no object runs the old version. A class cannot be removed.
    QFuture<void> replaceClass(const QString &name, ObjectFactory factory, ClassOptions options);

    // Opens the data directory (creating it), the catalog, recovers after a crash, starts the
    // workers and arms due alarms.
    Result<void> start();
    // Stops taking calls, lets queued turns finish and commit, closes every object.
    void shutdown();
    bool isRunning() const;

    Result<Stub> stub(const QString &className, const QString &name) const;
    Result<Stub> stub(const QString &className, const ObjectId &id) const;

    // Testing commands, each run on the object's strand between turns.
    // evict: commit and close, as idle eviction does. crash: drop the instance and any
    // uncommitted turn with no shutdown code at all.
    QFuture<void> evict(const ObjectId &id);
    QFuture<void> crash(const ObjectId &id);

    Clock *clock() const;
    const EngineOptions &options() const;
    QString dataDir() const;

    // Tells recorder what users do — calls through stubs from stub(), HumanInbox answers,
    // evict(), crash() and the virtual clock's jumps (ScenarioRecorder::start() attaches one).
    // Fails with Conflict while a recording runs. Costs the engine nothing while none does.
    Result<void> attachRecorder(std::shared_ptr<OperationRecorder> recorder);
    // Stops recording and returns the recorder that was attached (null when none was).
    std::shared_ptr<OperationRecorder> detachRecorder();
    std::shared_ptr<OperationRecorder> recorder() const;

signals:
    void errorOccurred(const Durable::Error &error);
    void recordingChanged(bool recording);

private:
    Result<Stub> tapped(Result<Stub> stub) const;
    void recordClockMoves();

    friend class EngineAccess; // the layers above the engine reach its internals through it

    std::shared_ptr<EngineCore> m_core;
    std::shared_ptr<RecordingTap> m_tap;
};

} // namespace Durable
