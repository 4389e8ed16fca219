// SPDX-License-Identifier: MIT
#include <durable/core/inspector.h>

#include "agentadmin.h"
#include "agentjournal.h"
#include "agentstore.h"
#include "engineaccess.h"
#include "enginecore.h"
#include "forksource.h"
#include "objecthost.h"
#include "querypool.h"
#include "strandcall.h"
#include "usertables.h"
#include "worker.h"

#include <durable/core/engine.h>

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>
#include <QtConcurrent>

#include <deque>

namespace Durable {

QString objectStatusName(ObjectStatus status)
{
    switch (status) {
    case ObjectStatus::Active:
        return QStringLiteral("active");
    case ObjectStatus::Idle:
        return QStringLiteral("idle");
    case ObjectStatus::Hibernated:
        return QStringLiteral("hibernated");
    case ObjectStatus::Failed:
        return QStringLiteral("failed");
    case ObjectStatus::Quarantined:
        return QStringLiteral("quarantined");
    }
    return QStringLiteral("hibernated");
}

QString changeKindName(ChangeEvent::Kind kind)
{
    switch (kind) {
    case ChangeEvent::Kind::ObjectCreated:
        return QStringLiteral("object-created");
    case ChangeEvent::Kind::ObjectActivated:
        return QStringLiteral("object-activated");
    case ChangeEvent::Kind::ObjectEvicted:
        return QStringLiteral("object-evicted");
    case ChangeEvent::Kind::TurnCompleted:
        return QStringLiteral("turn-completed");
    case ChangeEvent::Kind::StateChanged:
        return QStringLiteral("state-changed");
    case ChangeEvent::Kind::AlarmSet:
        return QStringLiteral("alarm-set");
    case ChangeEvent::Kind::AlarmFired:
        return QStringLiteral("alarm-fired");
    case ChangeEvent::Kind::AlarmRetrying:
        return QStringLiteral("alarm-retrying");
    case ChangeEvent::Kind::AlarmGivenUp:
        return QStringLiteral("alarm-given-up");
    case ChangeEvent::Kind::ObjectQuarantined:
        return QStringLiteral("object-quarantined");
    case ChangeEvent::Kind::HumanRequestOpened:
        return QStringLiteral("human-request-opened");
    case ChangeEvent::Kind::HumanRequestAnswered:
        return QStringLiteral("human-request-answered");
    case ChangeEvent::Kind::ClockChanged:
        return QStringLiteral("clock-changed");
    case ChangeEvent::Kind::ModelDelta:
        return QStringLiteral("model-delta");
    case ChangeEvent::Kind::ConnectionMessage:
        return QStringLiteral("connection-message");
    case ChangeEvent::Kind::Overflow:
        return QStringLiteral("overflow");
    }
    return QStringLiteral("unknown");
}

namespace {

// Reads fn on the object's strand (see readOnStrand).
template<typename T>
QFuture<T> onStrand(const std::shared_ptr<EngineCore> &core, const QString &className,
                    const ObjectId &id, std::function<T(ObjectHost &)> read)
{
    return readOnStrand<T>(core, QStringLiteral("An inspector"), className, id, std::move(read));
}

// Runs fn as a command turn of an existing object (see commandOnStrand).
template<typename T>
QFuture<T> command(const std::shared_ptr<EngineCore> &core, const QString &className,
                   const ObjectId &id, const QString &trigger, const QJsonValue &args,
                   std::function<T(ObjectHost &)> fn)
{
    return commandOnStrand<T>(core, QStringLiteral("An inspector"), className, id, trigger, args,
                              std::move(fn));
}

// Code that runs an object's handlers inside a command may name its own trigger (an agent's
// alarm says "schedule"); the journal must still say that a user did it.
class AdminTrigger
{
public:
    explicit AdminTrigger(ObjectHost &host) : m_host(host) { }
    ~AdminTrigger() { m_host.turnTrigger.clear(); } // the turn's own trigger is used
    AdminTrigger(const AdminTrigger &) = delete;
    AdminTrigger &operator=(const AdminTrigger &) = delete;

private:
    ObjectHost &m_host;
};

// What a fork copies from its origin, read in one inspection turn on the origin's strand.
// The journal seq the running command will take: its entry is written after the task returns.
qint64 nextSeq(ObjectHost &host)
{
    return host.journal().lastSeq() + 1;
}

ObjectStatus statusOf(const LiveState *live, bool failedAlarm)
{
    if (live && live->quarantined)
        return ObjectStatus::Quarantined;
    if (failedAlarm)
        return ObjectStatus::Failed;
    if (live && live->open)
        return live->queueDepth > 0 ? ObjectStatus::Active : ObjectStatus::Idle;
    return ObjectStatus::Hibernated;
}

QJsonObject editArgs(const QJsonObject &set, const QStringList &remove)
{
    QJsonObject args {{QStringLiteral("set"), set}};
    if (!remove.isEmpty())
        args.insert(QStringLiteral("remove"), QJsonArray::fromStringList(remove));
    return args;
}

// Agent facts from the catalog, looked up once per query.
struct AgentFacts
{
    QHash<QString, QString> steps;   // id hex -> step
    QHash<QString, int> pendingAsks; // id hex -> pending human requests
};

AgentFacts agentFacts(EngineCore &core, const QString &className)
{
    return {core.catalog().agentSteps(className).valueOr({}),
            core.catalog().pendingHumanRequestCounts().valueOr({})};
}

ObjectSummary summarise(EngineCore &core, const CatalogObject &row,
                        const QHash<ObjectId, LiveState> &live, const QSet<QString> &failedIds,
                        const AgentFacts &facts)
{
    ObjectSummary summary;
    summary.id = ObjectId::fromString(row.id).valueOr(ObjectId());
    summary.className = row.className;
    summary.name = row.name;
    summary.createdMs = row.createdMs;
    summary.lastActiveMs = row.lastActiveMs;
    const auto it = live.constFind(summary.id);
    const LiveState *state = it == live.cend() ? nullptr : &*it;
    summary.status = statusOf(state, failedIds.contains(row.id));
    if (state) {
        summary.queueDepth = state->queueDepth;
        summary.lastActiveMs = std::max(summary.lastActiveMs, state->lastActiveMs);
    }
    summary.nextAlarmMs = core.scheduler().dueFor(summary.id);
    summary.forkOf = row.forkOf;
    summary.forkSeq = row.forkSeq;
    summary.step = facts.steps.value(row.id);
    summary.pendingHumanRequests = facts.pendingAsks.value(row.id);
    return summary;
}

} // namespace

struct Inspector::MetricsWindow
{
    struct Sample
    {
        qint64 atMs = 0;
        qint64 turns = 0;
        qint64 commits = 0;
        qint64 failures = 0;
        std::array<qint64, EngineMetrics::Buckets> durations {};
    };
    std::deque<Sample> samples;
    static constexpr int Seconds = 60;
};

Inspector::Inspector(Engine *engine, QObject *parent)
    : QObject(parent), m_core(EngineAccess::core(engine)),
      m_tap(EngineAccess::recordingTap(engine)), m_window(std::make_unique<MetricsWindow>())
{
    qRegisterMetaType<Durable::ChangeEvent>();
    qRegisterMetaType<QList<Durable::ChangeEvent>>();
    qRegisterMetaType<Durable::Metrics>();
    m_subscription = m_core->feed().subscribe();
    // No polling: the feed wakes the inspector when an event arrives, and a batch goes out at
    // once unless one went out less than the interval ago (then when the interval is up).
    m_feedTimer = new QTimer(this);
    m_feedTimer->setSingleShot(true);
    m_feedTimer->setTimerType(Qt::PreciseTimer); // intervals are a few milliseconds
    connect(m_feedTimer, &QTimer::timeout, this, &Inspector::drainFeed);
    m_sinceDrain.start();
    m_subscription->setWake(
        [this] { QMetaObject::invokeMethod(this, &Inspector::feedWoken, Qt::QueuedConnection); });
    feedWoken(); // events published between subscribe() and setWake()
    m_metricsTimer = new QTimer(this);
    m_metricsTimer->setInterval(1000);
    connect(m_metricsTimer, &QTimer::timeout, this, &Inspector::sampleMetrics);
    m_metricsTimer->start();
    sampleMetrics();
}

Inspector::~Inspector()
{
    // After this, no publisher can post to this object any more.
    m_subscription->setWake({});
}

void Inspector::setFeedInterval(int ms)
{
    m_feedIntervalMs = std::max(1, ms);
}

int Inspector::feedInterval() const
{
    return m_feedIntervalMs;
}

void Inspector::feedWoken()
{
    if (m_feedTimer->isActive())
        return; // a drain is due anyway
    // Whole milliseconds left, rounded down: a timer cannot wait less than one, and waiting a
    // whole one for a fraction would double the delay of an event just after a drain.
    const qint64 left = (qint64(m_feedIntervalMs) * 1000000 - m_sinceDrain.nsecsElapsed()) /
                        1000000;
    if (left <= 0)
        drainFeed();
    else
        m_feedTimer->start(int(left));
}

void Inspector::drainFeed()
{
    m_sinceDrain.restart();
    QList<ChangeEvent> batch = m_subscription->take();
    if (!batch.isEmpty())
        emit changesAvailable(batch);
}

void Inspector::sampleMetrics()
{
    EngineMetrics &m = m_core->metrics();
    MetricsWindow::Sample sample;
    sample.atMs = QDateTime::currentMSecsSinceEpoch();
    sample.turns = m.turns.load();
    sample.commits = m.commits.load();
    sample.failures = m.failures.load();
    for (int i = 0; i < EngineMetrics::Buckets; ++i)
        sample.durations[i] = m.durations[i].load();
    m_window->samples.push_back(sample);
    while (m_window->samples.size() > size_t(MetricsWindow::Seconds + 1))
        m_window->samples.pop_front();
    emit metricsUpdated(metrics());
}

Metrics Inspector::metrics() const
{
    EngineMetrics &m = m_core->metrics();
    Metrics out;
    out.totalTurns = m.turns.load();
    out.totalCommits = m.commits.load();
    out.totalFailures = m.failures.load();
    out.liveObjects = m.liveObjects.load();
    out.queueDepth = std::max(0, m.queued.load());
    out.atMs = QDateTime::currentMSecsSinceEpoch();
    if (m_window->samples.size() < 2)
        return out;
    const auto &first = m_window->samples.front();
    const auto &last = m_window->samples.back();
    const double seconds = std::max<qint64>(1, last.atMs - first.atMs) / 1000.0;
    out.windowSeconds = int(std::lround(seconds));
    out.turnsPerSecond = (last.turns - first.turns) / seconds;
    out.commitsPerSecond = (last.commits - first.commits) / seconds;
    out.failuresPerSecond = (last.failures - first.failures) / seconds;
    qint64 total = 0;
    std::array<qint64, EngineMetrics::Buckets> delta {};
    for (int i = 0; i < EngineMetrics::Buckets; ++i) {
        delta[i] = last.durations[i] - first.durations[i];
        total += delta[i];
    }
    const auto percentile = [&](double p) {
        const qint64 wanted = qint64(std::ceil(p * total));
        qint64 seen = 0;
        for (int i = 0; i < EngineMetrics::Buckets; ++i) {
            seen += delta[i];
            if (seen >= wanted)
                return double(qint64(1) << i) / 1000.0; // bucket upper bound, in ms
        }
        return 0.0;
    };
    if (total > 0) {
        out.turnP50Ms = percentile(0.50);
        out.turnP99Ms = percentile(0.99);
    }
    return out;
}

QFuture<QList<ClassSummary>> Inspector::classes() const
{
    std::shared_ptr<EngineCore> core = m_core;
    return QtConcurrent::run(queryPool(), [core]() -> QList<ClassSummary> {
        (void)core->catalog().flush();
        const auto rows = core->catalog().objects();
        const QHash<ObjectId, LiveState> live = core->liveStates();
        QHash<QString, ClassSummary> byName;
        for (const QString &name : core->classNames()) {
            ClassSummary summary;
            summary.name = name;
            summary.description = core->classInfo(name)->options.description;
            summary.steps = core->classInfo(name)->options.steps;
            summary.source = core->classInfo(name)->options.source;
            if (!summary.steps.isEmpty())
                summary.stepCounts = core->catalog().agentStepCounts(name).valueOr({});
            byName.insert(name, summary);
        }
        if (rows) {
            for (const CatalogObject &row : rows.value()) {
                auto it = byName.find(row.className);
                if (it == byName.end())
                    continue;
                ++it->objectCount;
                const auto state = live.constFind(ObjectId::fromString(row.id).valueOr(ObjectId()));
                if (state != live.cend() && state->open)
                    ++it->liveCount;
            }
        }
        QList<ClassSummary> result = byName.values();
        std::sort(result.begin(), result.end(),
                  [](const ClassSummary &a, const ClassSummary &b) { return a.name < b.name; });
        return result;
    });
}

QFuture<QList<ObjectSummary>> Inspector::objects(const ObjectQuery &query) const
{
    std::shared_ptr<EngineCore> core = m_core;
    return QtConcurrent::run(queryPool(), [core, query]() -> QList<ObjectSummary> {
        (void)core->catalog().flush();
        // Class, text and paging are the catalog's job (SQL); only a status filter needs the
        // live states, so only then are all matching rows read and the page cut here.
        const bool pageInSql = query.statuses.isEmpty();
        auto rows = core->catalog().objects(query.className, pageInSql ? query.offset : 0,
                                            pageInSql ? query.limit : -1, query.text);
        if (!rows)
            throw rows.error();
        const QHash<ObjectId, LiveState> live = core->liveStates();
        const QSet<QString> failedIds = core->catalog().failedAlarmIds().valueOr({});
        const AgentFacts facts = agentFacts(*core, query.className);
        QList<ObjectSummary> result;
        int skipped = pageInSql ? query.offset : 0;
        for (const CatalogObject &row : std::as_const(rows.value())) {
            ObjectSummary summary = summarise(*core, row, live, failedIds, facts);
            if (!query.statuses.isEmpty() && !query.statuses.contains(summary.status))
                continue;
            if (skipped < query.offset) {
                ++skipped;
                continue;
            }
            result.append(std::move(summary));
            if (query.limit >= 0 && result.size() >= query.limit)
                break;
        }
        return result;
    });
}

QFuture<ObjectSummary> Inspector::object(const QString &className, const ObjectId &id) const
{
    std::shared_ptr<EngineCore> core = m_core;
    return QtConcurrent::run(queryPool(), [core, className, id]() -> ObjectSummary {
        (void)core->catalog().flush();
        auto row = core->catalog().object(id.toString());
        if (!row)
            throw row.error();
        if (row->className != className) {
            throw Error(ErrorCode::NotFound, QStringLiteral("Object %1 is a %2, not a %3")
                                                 .arg(id.toString(), row->className, className));
        }
        const QSet<QString> failedIds = core->catalog().failedAlarmIds().valueOr({});
        QHash<ObjectId, LiveState> live;
        if (const std::optional<LiveState> state = core->liveState(id))
            live.insert(id, *state);
        ObjectSummary summary = summarise(*core, row.value(), live, failedIds,
                                          agentFacts(*core, className));
        if (const auto info = core->classInfo(className))
            summary.classSource = info->options.source;
        return summary;
    });
}

QFuture<QList<ObjectSummary>> Inspector::objectsById(const QList<ObjectId> &ids) const
{
    std::shared_ptr<EngineCore> core = m_core;
    return QtConcurrent::run(queryPool(), [core, ids]() -> QList<ObjectSummary> {
        (void)core->catalog().flush();
        const QSet<QString> failedIds = core->catalog().failedAlarmIds().valueOr({});
        QHash<QString, AgentFacts> facts; // per class, read once
        QList<ObjectSummary> result;
        result.reserve(ids.size());
        for (const ObjectId &id : ids) {
            auto row = core->catalog().object(id.toString());
            if (!row)
                continue; // gone, or never indexed: nothing to show
            auto it = facts.find(row->className);
            if (it == facts.end())
                it = facts.insert(row->className, agentFacts(*core, row->className));
            QHash<ObjectId, LiveState> live;
            if (const std::optional<LiveState> state = core->liveState(id))
                live.insert(id, *state);
            result.append(summarise(*core, row.value(), live, failedIds, *it));
        }
        return result;
    });
}

QFuture<QList<AlarmSummary>> Inspector::alarms() const
{
    std::shared_ptr<EngineCore> core = m_core;
    return QtConcurrent::run(queryPool(), [core]() -> QList<AlarmSummary> {
        QList<AlarmSummary> result;
        for (const Scheduler::Entry &entry : core->scheduler().entries())
            result.append({entry.id, entry.className, entry.name, entry.dueMs, entry.retryCount});
        return result;
    });
}

QFuture<QList<KeyValue>> Inspector::keyValues(const QString &className, const ObjectId &id,
                                              const ListOptions &options) const
{
    return onStrand<QList<KeyValue>>(m_core, className, id, [options](ObjectHost &host) {
        return host.database().list(options);
    });
}

QFuture<QList<TableSchema>> Inspector::schema(const QString &className, const ObjectId &id) const
{
    return onStrand<QList<TableSchema>>(m_core, className, id, [](ObjectHost &host) {
        QList<TableSchema> tables;
        const SqlResult rows = host.database().sqlReadOnly(
            QStringLiteral(
                "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' "
                "ORDER BY type = 'table' DESC, name"),
            {});
        for (const QJsonArray &row : rows.rows) {
            TableSchema table;
            table.type = row.at(0).toString();
            table.name = row.at(1).toString();
            table.sql = row.at(2).toString();
            if (table.type == QLatin1String("table") || table.type == QLatin1String("view")) {
                const SqlResult columns = host.database().sqlReadOnly(
                    QStringLiteral("SELECT name FROM pragma_table_info(?1)"), {table.name});
                for (const QJsonArray &column : columns.rows)
                    table.columns.append(column.at(0).toString());
            }
            tables.append(table);
        }
        return tables;
    });
}

QFuture<SqlResult> Inspector::query(const QString &className, const ObjectId &id,
                                    const QString &sql, const QJsonArray &params) const
{
    return onStrand<SqlResult>(m_core, className, id, [sql, params](ObjectHost &host) {
        return host.database().sqlReadOnly(sql, params);
    });
}

QFuture<std::optional<AlarmSummary>> Inspector::alarm(const QString &className,
                                                      const ObjectId &id) const
{
    return onStrand<std::optional<
        AlarmSummary>>(m_core, className, id, [](ObjectHost &host) -> std::optional<AlarmSummary> {
        const auto row = host.database().alarm();
        if (!row)
            return std::nullopt;
        return AlarmSummary {host.id(), host.className(), host.name(), row->dueMs, row->retryCount};
    });
}

QFuture<QList<JournalEntry>> Inspector::journal(const QString &className, const ObjectId &id,
                                                const JournalQuery &query) const
{
    return onStrand<QList<JournalEntry>>(
        m_core, className, id, [query](ObjectHost &host) { return host.journal().entries(query); });
}

QFuture<QList<TurnFailure>> Inspector::failures(const QString &className, const ObjectId &id,
                                                int limit) const
{
    return onStrand<QList<TurnFailure>>(m_core, className, id, [limit](ObjectHost &host) {
        return host.journal().failures(limit);
    });
}

QFuture<QList<KeyValue>> Inspector::stateAt(const QString &className, const ObjectId &id,
                                            qint64 seq) const
{
    return onStrand<QList<KeyValue>>(
        m_core, className, id, [seq](ObjectHost &host) { return host.journal().stateAt(seq); });
}

QFuture<StateDiff> Inspector::diff(const QString &className, const ObjectId &id, qint64 fromSeq,
                                   qint64 toSeq) const
{
    return onStrand<StateDiff>(m_core, className, id, [fromSeq, toSeq](ObjectHost &host) {
        return host.journal().diff(fromSeq, toSeq);
    });
}

QFuture<StorageSize> Inspector::storageSize(const QString &className, const ObjectId &id) const
{
    return onStrand<StorageSize>(m_core, className, id,
                                 [](ObjectHost &host) { return host.journal().size(); });
}

QFuture<qint64> Inspector::editState(const QString &className, const ObjectId &id,
                                     const QJsonObject &set, const QStringList &remove) const
{
    return command<qint64>(m_core, className, id, QStringLiteral("admin-edit"),
                           editArgs(set, remove), [set, remove](ObjectHost &host) {
                               ObjectDatabase &db = host.database();
                               for (auto it = set.begin(); it != set.end(); ++it)
                                   db.put(it.key(), it.value());
                               for (const QString &key : remove)
                                   db.remove(key);
                               return nextSeq(host);
                           });
}

QFuture<qint64> Inspector::reset(const QString &className, const ObjectId &id) const
{
    return command<qint64>(m_core, className, id, QStringLiteral("admin-reset"), QJsonValue(),
                           [](ObjectHost &host) {
                               host.database().deleteAll();
                               AgentStore::forget(host); // an agent's own tables too
                               return nextSeq(host);
                           });
}

QFuture<QString> Inspector::repair(const QString &className, const ObjectId &id,
                                   RepairAction action) const
{
    StrandCall call;
    call.kind = StrandCall::Kind::Command;
    call.owner = QStringLiteral("An inspector");
    call.className = className;
    call.id = id;
    if (const std::optional<Error> refused = StrandCalls::refusal(m_core.get(), call))
        return failedFuture<QString>(*refused);
    auto promise = std::make_shared<QPromise<QString>>();
    promise->start();
    QFuture<QString> future = promise->future();
    // The catalog names the object (and says it exists) off the caller's thread.
    (void)QtConcurrent::run(queryPool(), [core = m_core, className, id, action, promise] {
        const auto known = core->catalog().object(id.toString());
        if (!known) {
            const bool missing = known.error().code() == ErrorCode::NotFound;
            fulfil<QString>(*promise, missing
                                          ? Error(ErrorCode::NotFound,
                                                  QStringLiteral("No %1 object with id %2: nothing "
                                                                 "to repair")
                                                      .arg(className, id.toString()))
                                          : known.error());
            return;
        }
        Turn turn;
        turn.kind = Turn::Kind::Repair;
        turn.method = action == RepairAction::Reset ? QStringLiteral("reset")
                                                    : QStringLiteral("accept");
        turn.reply = [promise](const Result<QJsonValue> &outcome) {
            fulfil<QString>(*promise, outcome.ok() ? Result<QString>(outcome.value().toString())
                                                   : Result<QString>(outcome.error()));
        };
        core->dispatch(className, id, known->name, std::move(turn));
    });
    return future;
}

QFuture<qint64> Inspector::fireAlarmNow(const QString &className, const ObjectId &id) const
{
    std::shared_ptr<EngineCore> core = m_core;
    return command<qint64>(
        m_core, className, id, QStringLiteral("admin-fire"), QJsonValue(), [](ObjectHost &host) {
            ObjectDatabase &db = host.database();
            const std::optional<AlarmRow> row = db.alarm();
            if (!row) {
                throw Error(ErrorCode::NotFound,
                            QStringLiteral("Cannot fire the alarm of %1: it has no alarm")
                                .arg(host.label()));
            }
            // As a real alarm turn does: the row goes in the turn's transaction (a failure brings
            // it back, untouched, for its real time), then the handler runs. The scheduled time
            // is the alarm's, so an agent runs the schedules the alarm was set for.
            AlarmInfo info;
            info.scheduledTime = QDateTime::fromMSecsSinceEpoch(row->dueMs, Qt::UTC);
            info.retryCount = row->retryCount;
            info.isRetry = row->retryCount > 0;
            db.deleteAlarm();
            AdminTrigger trigger(host);
            host.instance().onAlarm(info);
            host.effects().publish(ChangeEvent::Kind::AlarmFired,
                                   {{QStringLiteral("trigger"), QStringLiteral("admin-fire")}});
            return nextSeq(host);
        });
}

QFuture<qint64> Inspector::setAlarm(const QString &className, const ObjectId &id,
                                    qint64 dueMs) const
{
    return command<qint64>(m_core, className, id, QStringLiteral("admin-alarm"),
                           QJsonObject {{QStringLiteral("dueMs"), double(dueMs)}},
                           [dueMs](ObjectHost &host) {
                               if (AgentAdmin::agentOf(host))
                                   AgentAdmin::moveAlarm(host, dueMs);
                               else
                                   host.database().setAlarm(dueMs); // a new alarm: no retries yet
                               return nextSeq(host);
                           });
}

QFuture<qint64> Inspector::cancelAlarm(const QString &className, const ObjectId &id) const
{
    return command<qint64>(
        m_core, className, id, QStringLiteral("admin-alarm"),
        QJsonObject {{QStringLiteral("cancel"), true}}, [](ObjectHost &host) {
            if (AgentAdmin::agentOf(host)) {
                AgentAdmin::cancelAlarm(host);
            } else {
                if (!host.database().alarm()) {
                    throw Error(ErrorCode::NotFound,
                                QStringLiteral("Cannot cancel the alarm of %1: it has no alarm")
                                    .arg(host.label()));
                }
                host.database().deleteAlarm();
            }
            return nextSeq(host);
        });
}

AgentDirectory Inspector::agents() const
{
    return AgentDirectory(m_core);
}

HumanInbox Inspector::inbox() const
{
    return HumanInbox(m_core, m_tap);
}

ModelCallDirectory Inspector::modelCalls() const
{
    return ModelCallDirectory(m_core);
}

std::shared_ptr<ModelSources> Inspector::modelSources() const
{
    return m_core ? m_core->options().modelSources : nullptr;
}

QFuture<qint64> Inspector::compact(const QString &className, const ObjectId &id,
                                   const RetentionPolicy &policy) const
{
    std::shared_ptr<EngineCore> core = m_core;
    return onStrand<qint64>(m_core, className, id, [policy, core](ObjectHost &host) {
        return host.journal().compact(policy, core->clock().nowMs());
    });
}

QFuture<ObjectId> Inspector::fork(const QString &className, const ObjectId &id, qint64 seq,
                                  const QString &newName) const
{
    std::shared_ptr<EngineCore> core = m_core;
    if (newName.isEmpty())
        return failedFuture<ObjectId>(
            Error(ErrorCode::InvalidArgument, QStringLiteral("A fork needs a name")));
    const ObjectId forkId = ObjectId::fromName(className, newName);
    // Read the origin on its strand, then write it as the fork's first turn on the fork's
    // strand, then mark the fork in the catalog.
    QFuture<ForkSource> source = onStrand<ForkSource>(
        m_core, className, id, [seq](ObjectHost &host) { return ForkSource::read(host, seq); });
    return source.then(queryPool(), [core, className, id, seq, newName,
                                     forkId](const ForkSource &read) {
        if (core->catalog().object(forkId.toString()).ok() ||
            QFileInfo::exists(core->objectPath(className, forkId))) {
            throw Error(ErrorCode::Conflict,
                        QStringLiteral("Cannot fork %1 as \"%2\": an object of that name exists")
                            .arg(className, newName));
        }
        const QJsonObject origin {{QStringLiteral("forkOf"), id.toString()},
                                  {QStringLiteral("seq"), double(seq)}};
        // The fork's first turn is a real one: it creates the object and is its history.
        StrandCall call;
        call.kind = StrandCall::Kind::Turn;
        call.owner = QStringLiteral("An inspector");
        call.className = className;
        call.id = forkId;
        call.name = newName;
        call.trigger = QStringLiteral("fork");
        QFuture<QJsonObject> written = runOnStrand<QJsonObject>(
            core, call, [read, origin](ObjectHost &host) { return read.write(host, origin); },
            [](const QJsonObject &output) { return QJsonValue(output); });
        written.waitForFinished(); // on a query thread: the origin's strand is already free
        (void)core->catalog().flush();
        if (auto ok = core->catalog().setFork(forkId.toString(), id.toString(), seq); !ok)
            throw ok.error();
        return forkId;
    });
}

QFuture<SandboxInfo> Inspector::sandbox(const QString &className, const ObjectId &id, qint64 seq,
                                        const QString &name) const
{
    return Sandboxes::create(m_core, className, id, seq, name);
}

} // namespace Durable
