// SPDX-License-Identifier: MIT
#pragma once

#include "livestate.h"
#include "objectdatabase.h"
#include "turn.h"
#include "turnrunner.h"

#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QEvent>
#include <QHash>
#include <QMutex>
#include <QObject>

#include <list>
#include <memory>
#include <optional>
#include <vector>

class QTimer;

namespace Durable {

class EngineCore;
class ObjectHost;
struct ClassInfo;

// One worker thread and the strands pinned to it.
//
// enqueue() is thread-safe and cheap: it appends to the object's queue under one mutex and
// posts a single wake-up event only when the worker has nothing pending; the worker then
// drains whole batches. Everything else runs on the worker's thread. Each batch of one
// object's turns shares one transaction (write coalescing); replies leave after the commit.
class Worker : public QObject
{
    Q_OBJECT
public:
    Worker(EngineCore &core, int index);
    ~Worker() override;

    // Any thread. On refusal (full queue, quarantined, stopped) returns the error and leaves
    // the turn's reply to the caller.
    Result<void> enqueue(const QString &className, const ObjectId &id, const QString &name,
                         Turn &turn);

    // Any thread. Queues the turn if the object is in memory; returns false (turn untouched)
    // otherwise.
    bool enqueueExisting(const ObjectId &id, Turn &turn);

    int index() const { return m_index; }
    // Any thread: adds the worker's objects in memory to states.
    void collectLiveStates(QHash<ObjectId, LiveState> &states) const;
    // One object's live state, if this worker hosts it.
    std::optional<LiveState> liveState(const ObjectId &id) const;
    int openObjects() const { return m_openCount; }

    // The slots and everything private run on the worker's thread and assert it.
public slots:
    void begin();  // on the worker thread: timers
    void finish(); // on the worker thread: drain, commit and close everything
    void sweep();  // on the worker thread: idle eviction and the open-connection bound
    // On the worker thread, between turns: closes the open objects of className that run a
    // version of it the engine has since replaced, so their next turn opens the new one.
    void closeReplaced(const QString &className);

protected:
    bool event(QEvent *event) override;

private:
    // Caller holds m_mutex. Appends turn to the host's queue and marks the host ready; true when
    // the caller must post the wake-up event (the worker had nothing pending).
    bool pushTurn(ObjectHost *host, Turn &turn);
    void drain();
    void runHost(ObjectHost *host);
    struct Completion;
    // The turns of one batch between crash commands: run, commit once, release.
    void runSegment(ObjectHost *host, std::vector<Turn> &batch, size_t from, size_t to);
    bool refuseToCreate(ObjectHost *host, Turn &turn);
    static void failRest(std::vector<Turn> &batch, size_t from, size_t to, const Error &error);
    Completion runGated(ObjectHost *host, Turn &turn, bool useSavepoint, bool &alarmTouched);
    void quarantineInTurn(ObjectHost *host, std::vector<Completion> &done, const Error &why);
    Result<void> writeHintsAhead(ObjectHost *host, const std::vector<Completion> &done,
                                 bool alarmTouched, std::optional<AlarmRow> &alarmAfter);
    void commitSegment(ObjectHost *host, std::vector<Completion> &done, bool alarmTouched,
                       bool crashing, qint64 segmentSeq);
    void releaseSegment(ObjectHost *host, std::vector<Completion> &done, bool publish);
    void announceCreated(ObjectHost *host);
    void discardUnborn(ObjectHost *host);
    void recordLostTurns(ObjectHost *host, size_t count, const Error &error, qint64 afterSeq);
    void evictHost(ObjectHost *host);
    void repairHost(ObjectHost *host, Turn &turn);
    void noteWatermarks();
    void crashHost(ObjectHost *host);
    void touch(ObjectHost *host, qint64 activeMs, bool onlyReads);
    // Gives the catalog the object's last activity and journal watermark.
    void noteActive(ObjectHost *host);
    void publishTurn(Completion &c, bool publish);
    void enforceOpenLimit();
    void forget(ObjectHost *host);
    Result<void> ensureActive(ObjectHost *host);

    EngineCore &m_core;
    const int m_index;
    TurnRunner m_turns; // worker thread only

    mutable QMutex
        m_mutex; // guards m_hosts, m_ready, m_wakePosted, m_accepting and each host's queue
    QHash<ObjectId, ObjectHost *> m_hosts;
    std::vector<ObjectHost *> m_ready;
    bool m_wakePosted = false;
    bool m_accepting = true;

    // Worker thread only.
    std::list<ObjectHost *> m_lru; // open hosts, most recently active first
    int m_openCount = 0;
    int m_openLimit = 0;
    QTimer *m_sweepTimer = nullptr;
};

} // namespace Durable
