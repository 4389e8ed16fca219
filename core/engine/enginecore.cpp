// SPDX-License-Identifier: MIT
#include "enginecore.h"

// TODO(issue 13): the agent layer should register its re-index step instead.
#include "turnextension.h"

#include "databasefiles.h"
#include "housekeeper.h"
#include "objectdatabase.h"
#include "objecthost.h"
#include "strandcall.h"
#include "worker.h"

#include <durable/core/engine.h>
#include <durable/core/systemclock.h>

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutex>
#include <QPromise>
#include <QRegularExpression>
#include <QWaitCondition>

#include <sqlite3.h>
#include <sys/resource.h>

Q_LOGGING_CATEGORY(lcEngine, "durable.core.engine")

namespace Durable {

namespace {

void configureSqliteOnce()
{
    // Before SQLite initialises: no global memory statistics, which take a global mutex on
    // every allocation and would serialise the workers.
    static const bool done = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        // No up-front bulk page-cache allocation per connection (SQLite's default reserves
        // about 20 pages each): most objects touch a handful of pages, and thousands are open.
        sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
        return true;
    }();
    Q_UNUSED(done);
}

} // namespace

EngineCore::EngineCore(EngineOptions options) : m_options(std::move(options))
{
    m_clock = m_options.clock ? m_options.clock : std::make_shared<SystemClock>();
    m_options.clock = m_clock;
    if (m_options.workerThreads <= 0)
        m_options.workerThreads = std::max(1, QThread::idealThreadCount());
    if (m_options.maxQueueDepth <= 0)
        m_options.maxQueueDepth = 1;
}

EngineCore::~EngineCore()
{
    shutdown();
    m_workers.clear(); // before the members their hosts may still refer to
}

namespace {

quint64 nextGeneration()
{
    static std::atomic<quint64> last {0};
    return ++last;
}

} // namespace

Result<void> EngineCore::checkClass(const ClassInfo &info)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"));
    if (!valid.match(info.name).hasMatch()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Invalid class name \"%1\": use letters, digits, '_', '.' or "
                                    "'-', starting with a letter or '_', at most 64 characters")
                         .arg(info.name));
    }
    if (!info.factory)
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Class %1 has no factory").arg(info.name));
    return {};
}

Result<void> EngineCore::registerClass(ClassInfo info)
{
    if (isRunning()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Cannot register class %1: the engine is already running; "
                                    "register classes before start()")
                         .arg(info.name));
    }
    if (auto ok = checkClass(info); !ok)
        return ok;
    QWriteLocker lock(&m_classesLock);
    if (m_classes.contains(info.name))
        return Error(ErrorCode::Conflict,
                     QStringLiteral("Class %1 is already registered").arg(info.name));
    const QString name = info.name;
    info.generation = nextGeneration();
    m_classes.insert(name, std::make_shared<const ClassInfo>(std::move(info)));
    return {};
}

QFuture<void> EngineCore::replaceClass(ClassInfo info)
{
    if (auto ok = checkClass(info); !ok)
        return failedFuture<void>(ok.error());
    const QString name = info.name;
    info.generation = nextGeneration();
    {
        QWriteLocker lock(&m_classesLock);
        m_classes.insert(name, std::make_shared<const ClassInfo>(std::move(info)));
    }
    if (!isRunning() || m_workers.empty())
        return QtFuture::makeReadyFuture();
    // Each worker closes the objects of the class it holds, between their turns.
    auto promise = std::make_shared<QPromise<void>>();
    auto remaining = std::make_shared<std::atomic<int>>(int(m_workers.size()));
    promise->start();
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        QMetaObject::invokeMethod(
            worker.get(),
            [worker = worker.get(), name, promise, remaining] {
                worker->closeReplaced(name);
                if (remaining->fetch_sub(1) == 1)
                    promise->finish();
            },
            Qt::QueuedConnection);
    }
    return promise->future();
}

bool EngineCore::hasClass(const QString &name) const
{
    QReadLocker lock(&m_classesLock);
    return m_classes.contains(name);
}

std::shared_ptr<const ClassInfo> EngineCore::classInfo(const QString &name) const
{
    QReadLocker lock(&m_classesLock);
    return m_classes.value(name);
}

QStringList EngineCore::classNames() const
{
    QReadLocker lock(&m_classesLock);
    QStringList names = m_classes.keys();
    names.sort();
    return names;
}

Result<Stub> EngineCore::makeStub(const QString &className, const QString &name, const ObjectId &id)
{
    if (!classInfo(className)) {
        const QStringList known = classNames();
        return Error(
            ErrorCode::UnknownClass,
            QStringLiteral("Unknown class \"%1\"; registered classes: %2")
                .arg(className, known.isEmpty() ? QStringLiteral("none") : known.join(u", ")));
    }
    if (id.isNull())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("An object id must not be empty"));
    return Stub(shared_from_this(), className, id, name);
}

QString EngineCore::objectPath(const QString &className, const ObjectId &id) const
{
    const QString hex = id.toString();
    return m_options.dataDir + QStringLiteral("/objects/") + className + u'/' + hex.left(2) + u'/' +
           hex + QStringLiteral(".sqlite");
}

Worker &EngineCore::workerFor(const ObjectId &id) const
{
    const QByteArray bytes = id.bytes();
    quint32 h = 0;
    for (int i = 0; i < 4 && i < bytes.size(); ++i)
        h = (h << 8) | quint8(bytes.at(i));
    return *m_workers[h % m_workers.size()];
}

Result<void> EngineCore::prepareDataDir()
{
    if (m_options.dataDir.isEmpty())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("No data directory given"));
    m_options.dataDir = QDir(m_options.dataDir).absolutePath();
    const QFileInfo info(m_options.dataDir);
    if (info.exists() && !info.isDir()) {
        return Error(ErrorCode::Io,
                     QStringLiteral("Data directory %1 is not a directory").arg(m_options.dataDir));
    }
    if (Result<void> ours = checkIsDataDir(); !ours)
        return ours;
    if (!QDir().mkpath(m_options.dataDir + QStringLiteral("/objects"))) {
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not create the data directory %1").arg(m_options.dataDir));
    }
    QFile probe(m_options.dataDir + QStringLiteral("/.write-test"));
    if (!probe.open(QIODevice::WriteOnly)) {
        return Error(ErrorCode::Io, QStringLiteral("Data directory %1 is not writable: %2")
                                        .arg(m_options.dataDir, probe.errorString()));
    }
    probe.close();
    probe.remove();
    m_lock = std::make_unique<QLockFile>(m_options.dataDir + QStringLiteral("/engine.lock"));
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        m_lock.reset();
        return Error(ErrorCode::Conflict,
                     QStringLiteral("Data directory %1 is in use by another engine (process %2 "
                                    "on %3)")
                         .arg(m_options.dataDir)
                         .arg(pid)
                         .arg(host));
    }
    return {};
}

// A data directory is one with the catalog in it, or an empty (or new) one the engine may make
// into one. Anything else is somebody's folder: filling it with engine files would be writing
// where the user did not ask, so it is refused with what to do instead.
Result<void> EngineCore::checkIsDataDir() const
{
    const QDir dir(m_options.dataDir);
    if (QFileInfo::exists(catalogPath()))
        return {};
    const QString shown = QDir::toNativeSeparators(m_options.dataDir);
    if (!m_options.createDataDir) {
        return Error(ErrorCode::NotFound,
                     dir.exists() ? QStringLiteral("%1 is not a Durable data directory: it has no "
                                                   "engine.sqlite. Nothing was changed.")
                                        .arg(shown)
                                  : QStringLiteral("No data directory at %1").arg(shown));
    }
    // What an interrupted first start may have left: the objects folder and the lock.
    static const QStringList leftFromFirstStart {
        QStringLiteral("objects"), QStringLiteral("engine.lock"), QStringLiteral(".write-test")};
    const QStringList entries = dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::System |
                                              QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        if (!leftFromFirstStart.contains(entry)) {
            return Error(ErrorCode::InvalidArgument,
                         QStringLiteral("%1 is not a Durable data directory (it has no "
                                        "engine.sqlite) and is not empty (it has %2): give an "
                                        "existing data directory, an empty one or a new path. "
                                        "Nothing was changed.")
                             .arg(shown, entry));
        }
    }
    return {};
}

void EngineCore::raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 65536);
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (m_options.maxOpenObjects <= 0) {
        getrlimit(RLIMIT_NOFILE, &limit);
        // Each open object holds two descriptors (database and WAL); keep room for the rest.
        const qint64 budget = (qint64(limit.rlim_cur) - 256) / 2;
        m_options.maxOpenObjects = int(std::clamp<qint64>(budget, 16, 4096));
    }
}

Result<void> EngineCore::reindex()
{
    auto known = m_catalog.objectIds();
    if (!known)
        return known.error();
    int added = 0;
    QDirIterator it(m_options.dataDir + QStringLiteral("/objects"), {QStringLiteral("*.sqlite")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString id = QFileInfo(path).completeBaseName();
        if (known->contains(id))
            continue;
        ObjectDatabase db;
        // Identity from the path (objects/<class>/<xx>/<id>.sqlite): a file whose creation a
        // crash interrupted has none inside, and is finished with this one.
        ObjectMeta meta;
        meta.className = QFileInfo(QFileInfo(path).absolutePath()).dir().dirName();
        meta.id = id;
        meta.createdMs = m_clock->nowMs();
        db.setLabel(path);
        if (auto ok = db.open(path, meta, m_options.durability); !ok) {
            reindexFailed(ok.error().prefixed(
                QStringLiteral("Could not re-index the object file %1").arg(path)));
            continue;
        }
        m_catalog.noteObject({meta.id, meta.className, meta.name, meta.createdMs, meta.createdMs});
        try {
            if (const auto alarm = db.alarm()) {
                if (auto ok = m_catalog.writeAlarmHints(
                        {{meta.id, meta.className, meta.name, alarm->dueMs}});
                    !ok)
                    throw ok.error();
            }
        } catch (const Error &error) {
            // Without its hint the alarm would not wake a hibernated object: say so.
            reindexFailed(
                error.prefixed(QStringLiteral("Could not re-index the alarm of %1").arg(path)));
        }
        ++added;
    }
    if (added)
        qCInfo(lcEngine) << "Re-indexed" << added << "object files missing from the catalog";
    return m_catalog.flush();
}

void EngineCore::reindexFailed(const Error &error)
{
    qCWarning(lcEngine).noquote() << error.message();
    reportError(error);
}

void EngineCore::resumePendingWork()
{
    // Objects whose index rows a crash may have cut off between commit and index write
    // re-index themselves; objects with unanswered durable calls deliver them again. Each on
    // its strand, as an inspection turn: no history, and it never creates a file.
    // Both kinds of work belong to the layer above (the agents); without it nothing is owed.
    TurnExtension *extension = TurnExtension::installed();
    if (!extension)
        return;
    for (const auto &[pendingKind, trigger] :
         {std::pair {Catalog::PendingKind::Index, QStringLiteral("reindex")},
          std::pair {Catalog::PendingKind::Outbox, QStringLiteral("resume-calls")}}) {
        const Catalog::PendingKind kind =
            pendingKind; // a lambda cannot capture a binding (clang 14)
        resumePending(kind, trigger, [extension, kind](ObjectHost &host) {
            extension->resumePending(host, kind);
        });
    }
}

void EngineCore::resumePending(Catalog::PendingKind kind, const QString &trigger,
                               const std::function<void(ObjectHost &)> &work)
{
    const auto marked = m_catalog.pending(kind);
    if (!marked) {
        reindexFailed(marked.error());
        return;
    }
    for (const AlarmHint &object : marked.value()) {
        const auto id = ObjectId::fromString(object.id);
        if (!id || !classInfo(object.className)) {
            reindexFailed(Error(ErrorCode::UnknownClass,
                                QStringLiteral("Cannot resume %1 work of %2 %3: its class is not "
                                               "registered")
                                    .arg(trigger, object.className, object.id)));
            continue;
        }
        Turn turn;
        turn.kind = Turn::Kind::Task;
        turn.inspection = true;
        turn.trigger = trigger;
        turn.task = [work](ObjectHost &host) -> QJsonValue {
            work(host);
            return true;
        };
        const QString label =
            QStringLiteral("%1 %2 (%3)").arg(object.className, object.id, trigger);
        std::weak_ptr<EngineCore> weak = weak_from_this();
        turn.reply = [weak, label](const Result<QJsonValue> &result) {
            if (const auto core = weak.lock(); core && !result.ok()) {
                core->reindexFailed(
                    result.error().prefixed(QStringLiteral("Could not resume %1").arg(label)));
            }
        };
        dispatch(object.className, id.value(), object.name, std::move(turn));
    }
}

Result<QList<AlarmHint>> EngineCore::openCatalog()
{
    if (auto ok = m_catalog.open(catalogPath()); !ok)
        return ok.error();
    if (!m_catalog.wasCleanShutdown()) {
        if (auto ok = reindex(); !ok)
            return ok.error();
    }
    if (auto ok = m_catalog.setCleanShutdown(false); !ok)
        return ok.error();
    return m_catalog.alarmHints();
}

// The catalog is an index of the object files, which stay the truth: a damaged one is kept
// aside for whoever wants to look at it, and a new one is built from the files.
Result<void> EngineCore::setCatalogAside(const Error &why)
{
    m_catalog.close();
    const QString aside = DatabaseFiles::asidePath(catalogPath());
    if (auto moved = DatabaseFiles::moveAside(catalogPath(), aside); !moved)
        return moved.error().prefixed(why.message());
    const Error notice(ErrorCode::Corrupt,
                       QStringLiteral("%1. It was moved aside to %2 and a new catalog is being "
                                      "rebuilt from the object files.")
                           .arg(why.message(), aside));
    qCWarning(lcEngine).noquote() << notice.message();
    reportError(notice);
    return {};
}

QString EngineCore::catalogPath() const
{
    return m_options.dataDir + QStringLiteral("/engine.sqlite");
}

Result<void> EngineCore::start()
{
    if (isRunning())
        return Error(ErrorCode::Conflict, QStringLiteral("The engine is already running"));
    configureSqliteOnce();
    if (auto ok = prepareDataDir(); !ok)
        return ok;
    raiseFileLimit();
    auto hints = openCatalog();
    if (!hints && hints.error().code() == ErrorCode::Corrupt) {
        if (auto ok = setCatalogAside(hints.error()); !ok)
            return ok;
        hints = openCatalog();
    }
    if (!hints)
        return hints.error();
    for (const AlarmHint &hint : std::as_const(hints.value())) {
        auto id = ObjectId::fromString(hint.id);
        if (id.ok()) {
            m_scheduler.set({id.value(), hint.className, hint.name, hint.dueMs});
            m_catalogHints.insert(id.value(), hint.dueMs);
        }
    }

    m_workers.clear(); // a restart's leftovers from the last shutdown
    for (int i = 0; i < m_options.workerThreads; ++i) {
        auto worker = std::make_unique<Worker>(*this, i);
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("durable-worker-%1").arg(i));
        worker->moveToThread(thread);
        thread->start();
        QMetaObject::invokeMethod(worker.get(), &Worker::begin, Qt::QueuedConnection);
        // Once per jump, not per step: each step would wake every worker for nothing.
        QObject::connect(m_clock.get(), &Clock::timeSettled, worker.get(), &Worker::sweep,
                         Qt::QueuedConnection);
        m_workers.push_back(std::move(worker));
        m_threads.push_back(thread);
    }
    m_housekeeperThread = new QThread;
    m_housekeeperThread->setObjectName(QStringLiteral("durable-housekeeper"));
    m_housekeeper = new Housekeeper(*this);
    m_housekeeper->moveToThread(m_housekeeperThread);
    m_housekeeperThread->start();
    QMetaObject::invokeMethod(m_housekeeper, &Housekeeper::begin, Qt::QueuedConnection);
    // endJump() re-arms after a jump's steps; setTime() settles at once.
    QObject::connect(m_clock.get(), &Clock::timeSettled, m_housekeeper, &Housekeeper::rearm,
                     Qt::QueuedConnection);
    QObject::connect(m_clock.get(), &Clock::pausedChanged, m_housekeeper, &Housekeeper::rearm,
                     Qt::QueuedConnection);
    if (auto *virtualClock = qobject_cast<VirtualClock *>(m_clock.get()))
        virtualClock->setDriver(this);
    m_stopping.store(false, std::memory_order_relaxed);
    m_running.store(true, std::memory_order_release);
    resumePendingWork();
    return {};
}

void EngineCore::shutdown()
{
    if (!m_running.exchange(false))
        return;
    // A runaway statement would keep its worker from ever finishing: interrupt it.
    m_stopping.store(true, std::memory_order_relaxed);
    if (auto *virtualClock = qobject_cast<VirtualClock *>(m_clock.get()))
        virtualClock->setDriver(nullptr);
    for (auto &worker : m_workers)
        QMetaObject::invokeMethod(worker.get(), &Worker::finish, Qt::BlockingQueuedConnection);
    for (QThread *thread : m_threads) {
        thread->quit();
        thread->wait();
        delete thread;
    }
    m_threads.clear();
    // The finished workers stay until the next start() or the core's end: inspection queries
    // on the thread pool may still be walking them (liveStates) while the engine shuts down.
    QMetaObject::invokeMethod(m_housekeeper, &Housekeeper::finish, Qt::BlockingQueuedConnection);
    m_housekeeperThread->quit();
    m_housekeeperThread->wait();
    delete m_housekeeper;
    delete m_housekeeperThread;
    m_housekeeper = nullptr;
    m_housekeeperThread = nullptr;
    if (auto ok = m_catalog.flush(); !ok)
        qCWarning(lcEngine).noquote() << ok.error().message();
    else
        (void)m_catalog.setCleanShutdown(true);
    m_catalog.close();
    m_lock.reset();
}

void EngineCore::dispatch(const QString &className, const ObjectId &id, const QString &name,
                          Turn turn)
{
    if (!isRunning()) {
        if (turn.reply) {
            turn.reply(Error(
                ErrorCode::ShuttingDown,
                QStringLiteral("The engine is not running; %1 was not called").arg(className)));
        }
        return;
    }
    // The output gate: whatever a running turn dispatches leaves only once that turn committed.
    if (ObjectHost *caller = runningHost()) {
        caller->effects().send({className, id, name, std::move(turn)});
        return;
    }
    dispatchNow(className, id, name, std::move(turn));
}

void EngineCore::dispatchNow(const QString &className, const ObjectId &id, const QString &name,
                             Turn turn)
{
    // Only a check here: the class itself is taken when the object's host is made (Worker), so
    // the hot path copies no shared pointer that every worker would contend on.
    if (!hasClass(className)) {
        if (turn.reply)
            turn.reply(makeStub(className, name, id).error());
        return;
    }
    if (m_workers.empty()) {
        if (turn.reply)
            turn.reply(Error(ErrorCode::ShuttingDown, QStringLiteral("The engine is not running")));
        return;
    }
    auto refused = workerFor(id).enqueue(className, id, name, turn);
    if (!refused && turn.reply)
        turn.reply(refused.error());
}

void EngineCore::dispatchActive(const ObjectId &id, Turn turn)
{
    if (m_workers.empty() || !workerFor(id).enqueueExisting(id, turn)) {
        if (turn.reply)
            turn.reply(QJsonValue());
    }
}

void EngineCore::alarmStored(const ObjectId &id, const QString &className, const QString &name,
                             qint64 dueMs, int retryCount)
{
    if (dueMs < 0) {
        m_scheduler.remove(id);
        m_catalog.removeAlarmHint(id.toString());
        QMutexLocker lock(&m_hintMutex);
        m_catalogHints.remove(id);
        return;
    }
    publish(ChangeEvent::Kind::AlarmSet, id, className, name,
            {{QStringLiteral("dueMs"), double(dueMs)}, {QStringLiteral("retry"), retryCount}});
    if (m_scheduler.set({id, className, name, dueMs, retryCount}) && m_housekeeper)
        QMetaObject::invokeMethod(m_housekeeper, &Housekeeper::rearm, Qt::QueuedConnection);
}

int EngineCore::fireDueAlarms(qint64 nowMs, bool wait)
{
    const QList<Scheduler::Entry> due = m_scheduler.takeDue(nowMs);
    if (due.isEmpty())
        return 0;
    struct Waiter
    {
        QMutex mutex;
        QWaitCondition allDone;
        int remaining = 0;
        int fired = 0;
    };
    auto waiter = std::make_shared<Waiter>();
    waiter->remaining = int(due.size());
    for (const Scheduler::Entry &entry : due) {
        Turn turn;
        turn.kind = Turn::Kind::Alarm;
        const ObjectId id = entry.id;
        turn.reply = [this, id, waiter](const Result<QJsonValue> &result) {
            m_scheduler.finished(id);
            QMutexLocker lock(&waiter->mutex);
            if (result.ok() && result.value().toBool())
                ++waiter->fired;
            if (--waiter->remaining == 0)
                waiter->allDone.wakeAll();
        };
        dispatchNow(entry.className, entry.id, entry.name, std::move(turn));
    }
    if (!wait)
        return 0;
    QMutexLocker lock(&waiter->mutex);
    while (waiter->remaining > 0)
        waiter->allDone.wait(&waiter->mutex);
    return waiter->fired;
}

qint64 EngineCore::nextDueMs()
{
    // Alarm turns the housekeeper started (e.g. overdue ones at start-up) may set the next
    // alarm when they finish: let them, so the jump sees it.
    if (!m_scheduler.waitUntilNoneInFlight(60000))
        qCWarning(lcEngine) << "Alarm turns still running after 60 s; the clock jump goes on";
    return m_scheduler.nextDueMs();
}

int EngineCore::fireDue(qint64 nowMs)
{
    return fireDueAlarms(nowMs, true);
}

void EngineCore::beginJump()
{
    ++m_jumping;
}

void EngineCore::endJump()
{
    --m_jumping;
    if (m_housekeeper)
        QMetaObject::invokeMethod(m_housekeeper, &Housekeeper::rearm, Qt::QueuedConnection);
}

void EngineCore::publish(ChangeEvent::Kind kind, const ObjectId &id, const QString &className,
                         const QString &name, QJsonObject detail)
{
    if (!m_feed.hasSubscribers())
        return;
    ChangeEvent event;
    event.kind = kind;
    event.id = id;
    event.className = className;
    event.name = name;
    event.atMs = m_clock->nowMs();
    event.detail = std::move(detail);
    m_feed.publish(event);
}

std::optional<LiveState> EngineCore::liveState(const ObjectId &id) const
{
    return m_workers.empty() ? std::nullopt : workerFor(id).liveState(id);
}

QHash<ObjectId, LiveState> EngineCore::liveStates() const
{
    QHash<ObjectId, LiveState> states;
    for (const auto &worker : m_workers)
        worker->collectLiveStates(states);
    return states;
}

bool EngineCore::needsAlarmHint(const ObjectId &id, qint64 dueMs) const
{
    QMutexLocker lock(&m_hintMutex);
    const auto it = m_catalogHints.constFind(id);
    return it == m_catalogHints.cend() || *it > dueMs;
}

void EngineCore::alarmHintWritten(const ObjectId &id, qint64 dueMs)
{
    QMutexLocker lock(&m_hintMutex);
    m_catalogHints.insert(id, dueMs);
}

void EngineCore::reportError(const Error &error)
{
    QPointer<Engine> engine = m_engine;
    if (!engine)
        return;
    QMetaObject::invokeMethod(
        engine.data(),
        [engine, error] {
            if (engine)
                emit engine->errorOccurred(error);
        },
        Qt::QueuedConnection);
}

} // namespace Durable
