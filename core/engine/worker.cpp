// SPDX-License-Identifier: MIT
#include "worker.h"

#include "databasefiles.h"
#include "enginecore.h"
#include "objecthost.h"
#include "turneffects.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <utility>

Q_LOGGING_CATEGORY(lcWorker, "durable.core.worker")

namespace Durable {

namespace {

const QEvent::Type WakeEvent = QEvent::Type(QEvent::User + 101);

} // namespace

Worker::Worker(EngineCore &core, int index) : m_core(core), m_index(index), m_turns(core)
{
    const int total = std::max(1, core.options().maxOpenObjects);
    const int workers = std::max<int>(1, int(core.options().workerThreads));
    m_openLimit = std::max(8, total / workers);
}

Worker::~Worker()
{
    for (ObjectHost *host : std::as_const(m_hosts))
        delete host;
}

void Worker::begin()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_sweepTimer = new QTimer(this);
    const qint64 idle = m_core.options().idleEviction.count();
    m_sweepTimer->setInterval(int(std::clamp<qint64>(idle / 2, 10, 1000)));
    connect(m_sweepTimer, &QTimer::timeout, this, &Worker::sweep);
    m_sweepTimer->start();
}

Result<void> Worker::enqueue(const QString &className, const ObjectId &id, const QString &name,
                             Turn &turn)
{
    bool post = false;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_accepting) {
            return Error(
                ErrorCode::ShuttingDown,
                QStringLiteral("The engine is shutting down; %1 was not called").arg(className));
        }
        ObjectHost *&host = m_hosts[id];
        if (!host) {
            std::shared_ptr<const ClassInfo> cls = m_core.classInfo(className);
            if (!cls) { // unregistered since the caller checked: cannot happen today
                m_hosts.remove(id);
                return Error(ErrorCode::UnknownClass,
                             QStringLiteral("Unknown class \"%1\"").arg(className));
            }
            host = new ObjectHost(m_core, std::move(cls), id, name);
        } else if (host->className() != className) {
            return Error(ErrorCode::InvalidArgument,
                         QStringLiteral("Object %1 is a %2, not a %3")
                             .arg(id.toString(), host->className(), className));
        }
        if (turn.kind == Turn::Kind::Request || turn.kind == Turn::Kind::Task) {
            if (qsizetype(host->queue.size()) >= m_core.options().maxQueueDepth) {
                return Error(ErrorCode::Overloaded,
                             QStringLiteral("%1 is overloaded: %2 calls are already queued (the "
                                            "limit is maxQueueDepth)")
                                 .arg(host->label())
                                 .arg(host->queue.size()));
            }
        }
        post = pushTurn(host, turn);
    }
    if (post)
        QCoreApplication::postEvent(this, new QEvent(WakeEvent));
    return {};
}

namespace {

LiveState liveStateOf(const ObjectHost &host)
{
    LiveState state;
    state.open = host.liveOpen.load(std::memory_order_relaxed);
    state.quarantined = host.state() == ObjectHost::State::Quarantined;
    state.queueDepth = int(host.queue.size());
    state.lastActiveMs = host.liveLastActiveMs.load(std::memory_order_relaxed);
    return state;
}

} // namespace

void Worker::collectLiveStates(QHash<ObjectId, LiveState> &states) const
{
    QMutexLocker lock(&m_mutex);
    for (const ObjectHost *host : m_hosts)
        states.insert(host->id(), liveStateOf(*host));
}

std::optional<LiveState> Worker::liveState(const ObjectId &id) const
{
    QMutexLocker lock(&m_mutex);
    const ObjectHost *host = m_hosts.value(id);
    if (!host)
        return std::nullopt;
    return liveStateOf(*host);
}

bool Worker::pushTurn(ObjectHost *host, Turn &turn)
{
    host->queue.push_back(std::move(turn));
    m_core.metrics().queued.fetch_add(1, std::memory_order_relaxed);
    if (host->ready)
        return false;
    host->ready = true;
    m_ready.push_back(host);
    // One wake-up event for a worker with nothing pending; it then drains whole batches.
    return !std::exchange(m_wakePosted, true);
}

bool Worker::enqueueExisting(const ObjectId &id, Turn &turn)
{
    bool post = false;
    {
        QMutexLocker lock(&m_mutex);
        ObjectHost *host = m_hosts.value(id);
        if (!host || !m_accepting)
            return false;
        post = pushTurn(host, turn);
    }
    if (post)
        QCoreApplication::postEvent(this, new QEvent(WakeEvent));
    return true;
}

bool Worker::event(QEvent *event)
{
    if (event->type() == WakeEvent) {
        drain();
        return true;
    }
    return QObject::event(event);
}

void Worker::drain()
{
    Q_ASSERT(QThread::currentThread() == thread());
    // Bounded rounds, then yield to the event loop so timers and other events still run.
    for (int round = 0; round < 64; ++round) {
        std::vector<ObjectHost *> ready;
        {
            QMutexLocker lock(&m_mutex);
            if (m_ready.empty()) {
                m_wakePosted = false;
                return;
            }
            ready.swap(m_ready);
        }
        for (ObjectHost *host : ready)
            runHost(host);
    }
    QMutexLocker lock(&m_mutex);
    if (m_ready.empty())
        m_wakePosted = false;
    else
        QCoreApplication::postEvent(this, new QEvent(WakeEvent));
}

void Worker::runHost(ObjectHost *host)
{
    Q_ASSERT(QThread::currentThread() == thread());
    std::vector<Turn> batch;
    {
        QMutexLocker lock(&m_mutex);
        host->ready = false;
        const size_t take = std::min<size_t>(
            host->queue.size(), size_t(std::max(1, m_core.options().maxTurnsPerCommit)));
        batch.reserve(take);
        for (size_t i = 0; i < take; ++i) {
            batch.push_back(std::move(host->queue.front()));
            host->queue.pop_front();
        }
    }
    m_core.metrics().queued.fetch_sub(int(batch.size()), std::memory_order_relaxed);
    // Activity is stamped when the turns start: a reply may let a caller move a virtual clock
    // before this function returns, and that jump must not count as activity.
    const qint64 startedMs = m_core.clock().nowMs();
    const bool onlyReads = std::all_of(batch.cbegin(), batch.cend(),
                                       [](const Turn &t) { return t.inspection; });
    size_t i = 0;
    while (i < batch.size()) {
        if (batch[i].kind == Turn::Kind::Repair) {
            repairHost(host, batch[i]);
            ++i;
            continue;
        }
        if (batch[i].kind == Turn::Kind::Evict) {
            evictHost(host);
            if (batch[i].reply)
                batch[i].reply(QJsonValue());
            ++i;
            continue;
        }
        size_t j = i;
        while (j < batch.size() && batch[j].kind != Turn::Kind::Evict &&
               batch[j].kind != Turn::Kind::Repair)
            ++j;
        runSegment(host, batch, i, j);
        i = j;
    }
    touch(host, startedMs, onlyReads);
    QMutexLocker lock(&m_mutex);
    if (!host->queue.empty() && !host->ready) {
        host->ready = true;
        m_ready.push_back(host);
    }
}

Result<void> Worker::ensureActive(ObjectHost *host)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (host->isOpen())
        return {};
    if (host->state() == ObjectHost::State::Quarantined)
        return host->quarantineError();
    enforceOpenLimit();
    bool created = false;
    auto ok = host->activate(created);
    if (!ok) {
        if (ok.error().code() == ErrorCode::Corrupt) {
            qCWarning(lcWorker).noquote() << ok.error().message();
            host->quarantine(ok.error());
            m_core.reportError(host->quarantineError());
            m_core.publish(ChangeEvent::Kind::ObjectQuarantined, host->id(), host->className(),
                           host->name(),
                           {{QStringLiteral("error"), host->quarantineError().message()}});
            return host->quarantineError();
        }
        return ok;
    }
    ++m_openCount;
    host->liveOpen = true;
    m_core.metrics().liveObjects.fetch_add(1, std::memory_order_relaxed);
    host->unborn = created; // announced by its first commit (announceCreated)
    if (!created)
        m_core.publish(ChangeEvent::Kind::ObjectActivated, host->id(), host->className(),
                       host->name());
    return {};
}

// The first commit of a new object makes it exist: its catalog row, then its events, before
// those of the turns that created it.
void Worker::announceCreated(ObjectHost *host)
{
    host->unborn = false;
    m_core.catalog().noteObject({host->id().toString(), host->className(), host->name(),
                                 host->createdMs, m_core.clock().nowMs()});
    m_core.publish(ChangeEvent::Kind::ObjectCreated, host->id(), host->className(), host->name());
    m_core.publish(ChangeEvent::Kind::ObjectActivated, host->id(), host->className(), host->name());
}

// A new object none of whose turns committed (e.g. a call of a method its class does not
// have) leaves nothing behind: no file, no catalog row, no event; only its callers heard.
void Worker::discardUnborn(ObjectHost *host)
{
    --m_openCount;
    host->liveOpen = false;
    m_core.metrics().liveObjects.fetch_sub(1, std::memory_order_relaxed);
    if (host->inLru) {
        m_lru.erase(host->lruPosition);
        host->inLru = false;
    }
    host->close();
    host->unborn = false;
    if (auto ok = DatabaseFiles::remove(host->filePath()); !ok)
        qCWarning(lcWorker).noquote() << ok.error().message();
}

// Only a damaged object is repaired: one that opens normally is refused, so a typo in a name
// cannot reset a healthy object.
void Worker::repairHost(ObjectHost *host, Turn &turn)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const Result<QJsonValue> outcome = [&]() -> Result<QJsonValue> {
        if (auto opened = ensureActive(host); opened && host->unborn) {
            discardUnborn(host);
            return Error(
                ErrorCode::NotFound,
                QStringLiteral("No object %1: there is nothing to repair").arg(host->label()));
        } else if (opened) {
            return Error(ErrorCode::Conflict,
                         QStringLiteral("%1 is not damaged (it opened normally): nothing to repair")
                             .arg(host->label()));
        } else if (host->state() != ObjectHost::State::Quarantined) {
            return opened.error();
        }
        auto note = host->repair(turn.method == QLatin1String("reset")
                                     ? ObjectHost::Repair::Reset
                                     : ObjectHost::Repair::Accept);
        if (!note)
            return note.error();
        qCInfo(lcWorker).noquote() << note.value();
        // To a view, a repaired object is one that left memory: on disk, no longer quarantined.
        m_core.publish(ChangeEvent::Kind::ObjectEvicted, host->id(), host->className(),
                       host->name(), {{QStringLiteral("repair"), turn.method}});
        return QJsonValue(note.value());
    }();
    if (turn.reply)
        turn.reply(outcome);
}

// One turn that ran, waiting for its batch's commit with its gate closed.
struct Worker::Completion
{
    TurnEffects effects;
    Result<QJsonValue> result;
    Turn::Kind kind;
    QString method;
    QString trigger;
    qint64 micros;
    bool inspection;
    qint64 seq; // journal seq of this turn, -1 when it wrote no entry
};

void Worker::runSegment(ObjectHost *host, std::vector<Turn> &batch, size_t from, size_t to)
{
    Q_ASSERT(QThread::currentThread() == thread());
    // A crash turn splits the segment: what ran before it is lost, as in a real crash.
    size_t k = from;
    while (k < to) {
        if (refuseToCreate(host, batch[k])) {
            ++k;
            continue;
        }
        if (auto ok = ensureActive(host); !ok) {
            failRest(batch, k, to, ok.error());
            return;
        }
        if (auto ok = host->database().begin(); !ok) {
            failRest(batch, k, to, ok.error().prefixed(QStringLiteral("Could not start a turn")));
            return;
        }
        size_t end = k;
        while (end < to && batch[end].kind != Turn::Kind::Crash)
            ++end;
        const qint64 segmentSeq = host->journal().lastSeq();
        std::vector<Completion> done;
        done.reserve(end - k);
        bool alarmTouched = false;
        const bool useSavepoints = end - k > 1; // one failing turn must not undo the others
        for (; k < end; ++k) {
            done.push_back(runGated(host, batch[k], useSavepoints, alarmTouched));
            const Result<QJsonValue> &result = done.back().result;
            if (!result.ok() && result.error().code() == ErrorCode::Corrupt) {
                quarantineInTurn(host, done, result.error());
                failRest(batch, k + 1, to, host->quarantineError());
                return;
            }
        }
        const bool crashing = k < to && batch[k].kind == Turn::Kind::Crash;
        commitSegment(host, done, alarmTouched, crashing, segmentSeq);
        const bool unborn = host->unborn; // still: nothing of it committed
        if (unborn)
            discardUnborn(host); // before the replies: a caller who heard finds nothing
        releaseSegment(host, done, !unborn);
        if (crashing) {
            crashHost(host);
            if (batch[k].reply)
                batch[k].reply(QJsonValue());
            ++k;
        }
    }
}

bool Worker::refuseToCreate(ObjectHost *host, Turn &turn)
{
    // Looking at an object must never create it.
    if (host->isOpen() || !turn.inspection || host->state() == ObjectHost::State::Quarantined ||
        QFileInfo::exists(host->filePath()))
        return false;
    // An object the catalog records whose file is gone is damaged, not absent: activating it
    // quarantines it, and the reader hears why.
    const auto expected = m_core.catalog().expectedSeq(host->id().toString());
    if (expected && expected.value() && *expected.value() >= 0)
        return false;
    const bool wasReset = expected && expected.value(); // a row that expects no file
    if (turn.reply) {
        turn.reply(Error(ErrorCode::NotFound,
                         wasReset ? QStringLiteral("No data for %1: it was reset and has not "
                                                   "been called since")
                                        .arg(host->label())
                                  : QStringLiteral("No object %1: nothing has been stored for it "
                                                   "and it was never called")
                                        .arg(host->label())));
    }
    return true;
}

void Worker::failRest(std::vector<Turn> &batch, size_t from, size_t to, const Error &error)
{
    for (size_t k = from; k < to; ++k) {
        if (batch[k].reply)
            batch[k].reply(error);
    }
}

Worker::Completion Worker::runGated(ObjectHost *host, Turn &turn, bool useSavepoint,
                                    bool &alarmTouched)
{
    Completion c {TurnEffects(std::move(turn.reply)),
                  QJsonValue(),
                  turn.kind,
                  turn.method,
                  turn.trigger,
                  0,
                  turn.inspection,
                  -1};
    QElapsedTimer timer;
    timer.start();
    const qint64 seqBefore = host->journal().lastSeq();
    host->setEffects(&c.effects);
    c.result = m_turns.run(host, turn, useSavepoint, alarmTouched);
    host->setEffects(nullptr);
    c.micros = timer.nsecsElapsed() / 1000;
    if (host->journal().lastSeq() > seqBefore)
        c.seq = host->journal().lastSeq();
    return c;
}

void Worker::quarantineInTurn(ObjectHost *host, std::vector<Completion> &done, const Error &why)
{
    host->database().rollback();
    host->quarantine(why);
    --m_openCount;
    host->liveOpen = false;
    m_core.metrics().liveObjects.fetch_sub(1, std::memory_order_relaxed);
    m_core.publish(ChangeEvent::Kind::ObjectQuarantined, host->id(), host->className(),
                   host->name(), {{QStringLiteral("error"), why.message()}});
    if (host->inLru) {
        m_lru.erase(host->lruPosition);
        host->inLru = false;
    }
    m_core.reportError(host->quarantineError());
    // Nothing of the batch committed: every turn in it fails, and only its reply leaves.
    for (Completion &c : done) {
        c.effects.rollBack(host->quarantineError());
        (void)c.effects.release(m_core, *host, // rolled back: no index rows left to fail
                                c.result.ok() ? Result<QJsonValue>(host->quarantineError())
                                              : c.result);
    }
}

Result<void> Worker::writeHintsAhead(ObjectHost *host, const std::vector<Completion> &done,
                                     bool alarmTouched, std::optional<AlarmRow> &alarmAfter)
{
    // Hint-ahead: the catalog learns of a new alarm before the turn that set it commits, so a
    // crash in between leaves a stale hint (dropped at fire time), never a lost alarm. Hints
    // are no effect anyone sees: the object's own row is re-checked before anything fires.
    ObjectDatabase &db = host->database();
    if (alarmTouched && db.inTransaction()) {
        alarmAfter = db.alarm();
        if (alarmAfter && m_core.needsAlarmHint(host->id(), alarmAfter->dueMs)) {
            auto ok = m_core.catalog().writeAlarmHints(
                {{host->id().toString(), host->className(), host->name(), alarmAfter->dueMs}});
            if (!ok)
                return ok; // without its hint the alarm could be lost
            m_core.alarmHintWritten(host->id(), alarmAfter->dueMs);
        }
    }
    // Index rows are written after the commit (TurnEffects::release); a mark written before it
    // tells a restart after a crash in between which objects to re-index.
    const bool indexes = std::any_of(done.begin(), done.end(),
                                     [](const Completion &c) { return c.effects.writesIndex(); });
    if (indexes)
        return m_core.catalog().markPending(Catalog::PendingKind::Index, host->id().toString(),
                                            host->className(), host->name());
    return {};
}

void Worker::commitSegment(ObjectHost *host, std::vector<Completion> &done, bool alarmTouched,
                           bool crashing, qint64 segmentSeq)
{
    Q_ASSERT(QThread::currentThread() == thread());
    ObjectDatabase &db = host->database();
    std::optional<AlarmRow> alarmAfter;
    Result<void> committed;
    if (crashing) {
        committed = Error(ErrorCode::Crashed,
                          QStringLiteral("%1 crashed before the turn committed; its writes "
                                         "were discarded")
                              .arg(host->label()));
    } else {
        try {
            committed = writeHintsAhead(host, done, alarmTouched, alarmAfter);
        } catch (const Error &error) {
            committed = error;
        }
        if (committed && db.inTransaction())
            committed = db.commit();
    }
    if (committed) {
        if (std::any_of(done.begin(), done.end(),
                        [](const Completion &c) { return !c.inspection; }))
            m_core.metrics().commits.fetch_add(1, std::memory_order_relaxed);
        // A new object exists from here: announced before any event of its turns (the alarm
        // below, the turns' own in releaseSegment) so every view knows it first.
        if (host->unborn && std::any_of(done.begin(), done.end(), [](const Completion &c) {
                return c.result.ok() && !c.inspection;
            }))
            announceCreated(host);
    } else {
        const Error error = crashing ? committed.error()
                                     : Error(ErrorCode::CommitFailed,
                                             QStringLiteral("Could not commit the turn of %1: %2")
                                                 .arg(host->label(), committed.error().message()),
                                             committed.error().context());
        db.rollback();
        host->journal().rewindTo(segmentSeq);
        host->discardInstance();
        for (Completion &c : done) {
            c.effects.rollBack(error);
            if (c.result.ok())
                c.result = error;
        }
        if (!crashing && m_core.options().journal)
            recordLostTurns(host, done.size(), error, segmentSeq);
    }
    if (alarmTouched) {
        // After a rollback (or when the hint step did not read it) the stored row is the truth.
        if (!committed || !alarmAfter) {
            try {
                alarmAfter = db.alarm();
            } catch (const Error &) {
                alarmAfter.reset();
            }
        }
        m_core.alarmStored(host->id(), host->className(), host->name(),
                           alarmAfter ? alarmAfter->dueMs : -1,
                           alarmAfter ? alarmAfter->retryCount : 0);
    }
}

void Worker::releaseSegment(ObjectHost *host, std::vector<Completion> &done, bool publish)
{
    Q_ASSERT(QThread::currentThread() == thread());
    bool indexed = true;
    bool wroteIndex = false;
    for (Completion &c : done) {
        if (!c.inspection)
            publishTurn(c, publish);
        wroteIndex = wroteIndex || c.effects.writesIndex();
        if (auto ok = c.effects.release(m_core, *host, c.result); !ok) {
            // The turn is durable; only the index lags. The mark stays, so the next start
            // re-indexes this object from its own database.
            indexed = false;
            qCWarning(lcWorker).noquote() << ok.error().message();
            m_core.reportError(ok.error());
        }
    }
    if (wroteIndex && indexed) {
        if (auto ok = m_core.catalog().clearPending(Catalog::PendingKind::Index,
                                                    host->id().toString());
            !ok)
            qCWarning(lcWorker).noquote() << ok.error().message();
    }
}

void Worker::recordLostTurns(ObjectHost *host, size_t count, const Error &error, qint64 afterSeq)
{
    // The commit failed, so the turns' own failure records went with it: keep one record in
    // a transaction of its own (best effort: the storage may be what failed).
    ObjectDatabase &db = host->database();
    if (!db.begin())
        return;
    try {
        TurnFailure record;
        record.atMs = m_core.clock().nowMs();
        record.trigger = QStringLiteral("commit");
        record.error = QStringLiteral("%1 (%2 turns lost)").arg(error.message()).arg(count);
        record.afterSeq = afterSeq;
        host->journal().appendFailure(record);
        if (!db.commit())
            db.rollback();
    } catch (const Error &) {
        db.rollback();
    }
}

void Worker::publishTurn(Completion &c, bool publish)
{
    m_core.metrics().recordTurn(c.micros, c.result.ok());
    if (!publish || !m_core.feed().hasSubscribers())
        return;
    const QString name = c.trigger.isEmpty() ? TurnRunner::triggerName(c.kind) : c.trigger;
    QJsonObject detail {{QStringLiteral("trigger"), name},
                        {QStringLiteral("method"), c.method},
                        {QStringLiteral("ok"), c.result.ok()},
                        {QStringLiteral("durationUs"), double(c.micros)}};
    if (!c.result.ok())
        detail.insert(QStringLiteral("error"), c.result.error().message());
    if (c.seq > 0)
        detail.insert(QStringLiteral("seq"), double(c.seq));
    c.effects.publish(ChangeEvent::Kind::TurnCompleted, std::move(detail));
    if (c.kind == Turn::Kind::Alarm && c.result.ok() && c.result.value().toBool())
        c.effects.publish(ChangeEvent::Kind::AlarmFired);
}

void Worker::touch(ObjectHost *host, qint64 activeMs, bool onlyReads)
{
    Q_ASSERT(QThread::currentThread() == thread());
    host->activeSinceNoted |= !onlyReads;
    host->lastActiveMs = std::max(host->lastActiveMs, activeMs);
    host->liveLastActiveMs.store(host->lastActiveMs, std::memory_order_relaxed);
    if (!host->isOpen())
        return;
    if (host->inLru)
        m_lru.erase(host->lruPosition);
    m_lru.push_front(host);
    host->lruPosition = m_lru.begin();
    host->inLru = true;
}

void Worker::evictHost(ObjectHost *host)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (host->isOpen()) {
        // Hibernating is off the hot path: leave the file without its WAL (disk use stays
        // proportional to data). Skipped inside a transaction, i.e. a simulated crash.
        // Before the object counts as closed, so whoever sees it closed sees no WAL.
        host->database().checkpoint();
        --m_openCount;
        host->liveOpen = false;
        m_core.metrics().liveObjects.fetch_sub(1, std::memory_order_relaxed);
        if (host->activeSinceNoted || host->journal().lastSeq() != host->notedSeq)
            noteActive(host);
        m_core.publish(ChangeEvent::Kind::ObjectEvicted, host->id(), host->className(),
                       host->name());
    }
    if (host->inLru) {
        m_lru.erase(host->lruPosition);
        host->inLru = false;
    }
    host->close();
}

void Worker::closeReplaced(const QString &className)
{
    Q_ASSERT(QThread::currentThread() == thread());
    std::vector<ObjectHost *> replaced;
    {
        QMutexLocker lock(&m_mutex);
        for (ObjectHost *host : std::as_const(m_hosts)) {
            if (host->className() == className)
                replaced.push_back(host);
        }
    }
    // Hosts are deleted on this thread only, so they outlive the lock. No turn runs now: turns
    // run inside drain(), and this is a queued call of its own.
    for (ObjectHost *host : replaced) {
        if (host->isOpen() && host->runsReplacedClass())
            evictHost(host);
    }
}

void Worker::crashHost(ObjectHost *host)
{
    // No onEvict, no commit: an uncommitted transaction simply vanishes with the connection.
    evictHost(host);
}

void Worker::forget(ObjectHost *host)
{
    // Caller holds m_mutex; host is idle and closed.
    m_hosts.remove(host->id());
    delete host;
}

void Worker::enforceOpenLimit()
{
    Q_ASSERT(QThread::currentThread() == thread());
    // Least recently used objects hibernate first; busy ones (queued turns) are skipped.
    auto it = m_lru.end();
    while (m_openCount >= m_openLimit && it != m_lru.begin()) {
        --it;
        ObjectHost *host = *it;
        bool idle;
        {
            QMutexLocker lock(&m_mutex);
            idle = host->queue.empty() && !host->ready;
        }
        if (!idle)
            continue;
        auto next = it;
        ++next;
        evictHost(host);
        QMutexLocker lock(&m_mutex);
        if (host->queue.empty() && !host->ready)
            forget(host);
        it = next;
    }
}

void Worker::sweep()
{
    Q_ASSERT(QThread::currentThread() == thread());
    const qint64 now = m_core.clock().nowMs();
    const qint64 idle = m_core.options().idleEviction.count();
    while (!m_core.isJumping() && !m_lru.empty()) {
        ObjectHost *host = m_lru.back();
        if (now - host->lastActiveMs < idle)
            break;
        {
            QMutexLocker lock(&m_mutex);
            if (!host->queue.empty() || host->ready)
                break;
        }
        evictHost(host);
        QMutexLocker lock(&m_mutex);
        if (host->queue.empty() && !host->ready) // a call may have arrived meanwhile
            forget(host);
    }
    noteWatermarks();
}

// Between batches every journaled turn has committed, so an open object's last seq can go to
// the catalog's watermark: after a kill -9, a file that lost committed turns (a deleted or
// damaged -wal) is then found behind it, within about a sweep of work.
void Worker::noteWatermarks()
{
    for (ObjectHost *host : m_lru) {
        if (!host->isOpen())
            continue;
        if (host->journal().lastSeq() != host->notedSeq)
            noteActive(host);
    }
}

void Worker::noteActive(ObjectHost *host)
{
    host->notedSeq = host->journal().lastSeq();
    host->activeSinceNoted = false;
    m_core.catalog().noteActive(host->id().toString(), host->lastActiveMs, host->notedSeq);
}

void Worker::finish()
{
    Q_ASSERT(QThread::currentThread() == thread());
    {
        QMutexLocker lock(&m_mutex);
        m_accepting = false;
    }
    // Queued turns still run and commit; then every object is closed.
    for (;;) {
        bool more;
        {
            QMutexLocker lock(&m_mutex);
            more = !m_ready.empty();
        }
        if (!more)
            break;
        drain();
    }
    while (!m_lru.empty())
        evictHost(m_lru.front());
    if (m_sweepTimer)
        m_sweepTimer->stop();
}

} // namespace Durable
