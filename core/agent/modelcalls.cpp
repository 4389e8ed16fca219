// SPDX-License-Identifier: MIT
#include "modelcalls.h"

#include "engineaccess.h"
#include "enginecore.h"
#include "objectdatabase.h"
#include "objecthost.h"
#include "strandcall.h"
#include "worker.h"
#include <durable/core/jsontext.h>

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <durable/core/agent.h>
#include <durable/core/chatmodel.h>
#include <durable/core/engine.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/openaichatmodel.h>
#include <durable/core/scriptedchatmodel.h>
#include <durable/core/sourcedchatmodel.h>

Q_LOGGING_CATEGORY(lcModelCalls, "durable.core.modelcalls")

namespace Durable {

QJsonObject ModelCallAccess::scriptedRules(const Agent &agent)
{
    return agent.scriptedRules();
}

QString ModelCallInfo::statusName(Status status)
{
    switch (status) {
    case Status::Model:
        return QStringLiteral("model");
    case Status::Tools:
        return QStringLiteral("tools");
    case Status::Done:
        return QStringLiteral("done");
    case Status::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("model");
}

ModelCallInfo::Status ModelCallInfo::statusFromName(const QString &name)
{
    if (name == QLatin1String("tools"))
        return Status::Tools;
    if (name == QLatin1String("done"))
        return Status::Done;
    if (name == QLatin1String("failed"))
        return Status::Failed;
    return Status::Model;
}

QJsonObject ModelCallInfo::toJson() const
{
    QJsonObject json {{QStringLiteral("id"), id},
                      {QStringLiteral("continuation"), continuation},
                      {QStringLiteral("payload"), payload},
                      {QStringLiteral("request"), request.toJson()},
                      {QStringLiteral("status"), statusName(status)},
                      {QStringLiteral("round"), round},
                      {QStringLiteral("attempt"), attempt},
                      {QStringLiteral("createdMs"), double(createdMs)},
                      {QStringLiteral("updatedMs"), double(updatedMs)}};
    if (!pendingTools.isEmpty())
        json.insert(QStringLiteral("pendingTools"), pendingTools);
    if (!lastReply.isEmpty())
        json.insert(QStringLiteral("lastReply"), lastReply);
    if (!error.isEmpty())
        json.insert(QStringLiteral("error"), error);
    return json;
}

namespace {

const char s_schema[] = R"sql(
CREATE TABLE IF NOT EXISTS _durable_agent_model_calls(
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, continuation TEXT NOT NULL, payload TEXT NOT NULL,
    request TEXT NOT NULL, status TEXT NOT NULL, round INTEGER NOT NULL, attempt INTEGER NOT NULL,
    pending_tools TEXT NOT NULL, last_reply TEXT, error TEXT,
    created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
)sql";

const QString s_columns = QStringLiteral(
    "id, continuation, payload, request, status, round, attempt, "
    "pending_tools, last_reply, error, created_ms, updated_ms");

const QString s_registryName = QStringLiteral("durable.modelCalls");

QString jsonText(const QJsonValue &value)
{
    return QString::fromUtf8(JsonText::serialize(value));
}

QJsonValue parseJson(const QJsonValue &column)
{
    if (!column.isString())
        return QJsonValue();
    return JsonText::parse(column.toString().toUtf8());
}

qint64 integer(const QJsonValue &column, qint64 fallback = 0)
{
    return column.isDouble() ? qint64(column.toDouble()) : fallback;
}

ModelCallInfo fromRow(const QJsonArray &row)
{
    ModelCallInfo info;
    info.id = row.at(0).toString();
    info.continuation = row.at(1).toString();
    info.payload = parseJson(row.at(2));
    if (auto request = ChatRequest::fromJson(parseJson(row.at(3)).toObject()))
        info.request = request.value();
    info.status = ModelCallInfo::statusFromName(row.at(4).toString());
    info.round = int(integer(row.at(5)));
    info.attempt = int(integer(row.at(6), 1));
    info.pendingTools = parseJson(row.at(7)).toArray();
    info.lastReply = parseJson(row.at(8)).toObject();
    info.error = row.at(9).toString();
    info.createdMs = integer(row.at(10));
    info.updatedMs = integer(row.at(11));
    return info;
}

// Per worker thread: the model(s) and the calls sent and not yet delivered. A child of the
// Worker, so it lives on the worker thread and dies with the engine's workers.
class Registry : public QObject
{
public:
    using QObject::QObject;
    QHash<QString, QPointer<ChatModel>> models; // "" = the provider's; else "Class#generation"
    QSet<QString> inFlight;                     // "<object id>/<call id>"
    ModelProvider environment = modelProviderFromEnvironment();
};

Registry &registryOf(ObjectHost &host)
{
    Worker &worker = host.core().workerFor(host.id());
    Q_ASSERT(QThread::currentThread() == worker.thread());
    auto *found = worker.findChild<QObject *>(s_registryName, Qt::FindDirectChildrenOnly);
    if (found)
        return *static_cast<Registry *>(found);
    auto *registry = new Registry(&worker);
    registry->setObjectName(s_registryName);
    return *registry;
}

QString flightKey(ObjectHost &host, const QString &callId)
{
    return host.id().toString() + QLatin1Char('/') + callId;
}

// The live model for this object's class: the provider's, else the class's scripted rules.
Result<std::unique_ptr<ChatModel>> makeModel(ObjectHost &host, const ModelProvider &provider)
{
    Clock *clock = &host.core().clock();
    if (provider) {
        std::unique_ptr<ChatModel> made = provider(clock);
        if (!made) {
            return Error(ErrorCode::InvalidArgument,
                         QStringLiteral("The engine's model provider made no model for %1")
                             .arg(host.label()));
        }
        return made;
    }
    auto *agent = dynamic_cast<Agent *>(&host.instance());
    const QJsonObject rules = agent ? ModelCallAccess::scriptedRules(*agent) : QJsonObject();
    if (rules.isEmpty()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("No model for %1: class %2 supplies no scripted rules "
                                    "(Agent::scriptedRules()) and the engine has no model "
                                    "provider (choose one with --model openai or "
                                    "--model cassette:FILE, or set DURABLE_MODEL=openai and "
                                    "OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL)")
                         .arg(host.label(), host.className()));
    }
    auto scripted = ScriptedChatModel::fromJson(
        rules, clock, QStringLiteral("rules of class %1").arg(host.className()));
    if (!scripted) {
        return scripted.error().prefixed(
            QStringLiteral("The scripted rules of class %1").arg(host.className()));
    }
    return std::unique_ptr<ChatModel>(std::move(scripted).value());
}

// The model for this object's class on this worker thread, made on first use. With per-call
// sources it answers through them, the class's live model behind.
Result<ChatModel *> modelFor(ObjectHost &host, Registry &registry)
{
    const EngineOptions &options = host.core().options();
    const ModelProvider none;
    const ModelProvider &provider = options.modelProvider          ? options.modelProvider
                                    : options.modelFromEnvironment ? registry.environment
                                                                   : none;
    // Per version of the class: a reloaded class brings its own scripted rules.
    const QString key = provider ? QString()
                                 : host.className() + QLatin1Char('#') +
                                       QString::number(host.classInfo().generation);
    if (ChatModel *model = registry.models.value(key))
        return model;
    Result<std::unique_ptr<ChatModel>> live = makeModel(host, provider);
    std::unique_ptr<ChatModel> made;
    if (options.modelSources) {
        made = std::make_unique<SourcedChatModel>(options.modelSources,
                                                  live ? std::move(live).value() : nullptr,
                                                  live ? Error() : live.error());
    } else if (live) {
        made = std::move(live).value();
    } else {
        return live.error();
    }
    made->setParent(&registry);
    qCInfo(lcModelCalls).noquote()
        << "Model for" << (key.isEmpty() ? QStringLiteral("agents") : host.className())
        << "on this worker:" << made->describe();
    ChatModel *model = made.release();
    registry.models.insert(key, model);
    return model;
}

void pushToSelf(ObjectHost &host, Turn turn)
{
    host.effects().send({host.className(), host.id(), host.name(), std::move(turn)});
}

void dispatchReply(const std::weak_ptr<EngineCore> &weakCore, const QString &className,
                   const ObjectId &id, const QString &name, const QString &callId,
                   const QString &method, int round, int attempt, const ChatRequest &request,
                   const Result<ChatReply> &result)
{
    const std::shared_ptr<EngineCore> core = weakCore.lock();
    if (!core || !core->isRunning())
        return; // re-issued when the object next runs after a restart
    Turn turn;
    turn.kind = Turn::Kind::Task;
    turn.trigger = QStringLiteral("model-reply");
    turn.method = method;
    QJsonObject args {{QStringLiteral("callId"), callId},
                      {QStringLiteral("round"), round},
                      {QStringLiteral("attempt"), attempt},
                      {QStringLiteral("request"), request.toJson()}};
    if (result.ok()) {
        // The reply as the model gave it, byte-identical whether live or replayed; how it
        // was served sits beside it, so a replayed run's journal still compares equal.
        QJsonObject reply = result.value().toJson();
        reply.remove(QStringLiteral("replayedFrom"));
        args.insert(QStringLiteral("reply"), reply);
        if (!result.value().replayedFrom.isEmpty())
            args.insert(QStringLiteral("replayedFrom"), result.value().replayedFrom);
    } else
        args.insert(QStringLiteral("error"), result.error().message());
    turn.args = args;
    turn.task = [callId, round, result](ObjectHost &host) -> QJsonValue {
        // In flight until this turn ended, so the agent's resume scan skips it; a failed
        // turn leaves it to be re-issued.
        struct Landed
        {
            ObjectHost &host;
            const QString &callId;
            ~Landed() { ModelCalls::landed(host, callId); }
        } landed {host, callId};
        auto *agent = dynamic_cast<Agent *>(&host.instance());
        if (!agent) {
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 is not an agent; it cannot take a model reply")
                            .arg(host.label()));
        }
        return ModelCallAccess::deliverReply(*agent, callId, round, result);
    };
    core->dispatch(className, id, name, std::move(turn));
}

// Text deltas of one streamed model call, published on the change feed as ModelDelta events:
// live only, never journaled. The first delta goes out at once; later ones are coalesced so a
// call publishes at most one event per DeltaIntervalMs, and whatever is left goes out before
// the reply is dispatched, so every delta precedes the model-reply turn.
struct DeltaFeed
{
    static constexpr int DeltaIntervalMs = 20;

    std::weak_ptr<EngineCore> core;
    QString className;
    ObjectId id;
    QString name;
    QString callId;
    int round = 0;
    int attempt = 0;
    QString pending;
    qsizetype length = 0; // characters of text so far
    QElapsedTimer sincePublished;
    bool timerArmed = false;

    void add(const QString &delta, QObject *timerContext, const std::shared_ptr<DeltaFeed> &self)
    {
        pending += delta;
        length += delta.size();
        const qint64 waited = sincePublished.isValid() ? sincePublished.elapsed() : DeltaIntervalMs;
        if (waited >= DeltaIntervalMs) {
            flush();
        } else if (!timerArmed) {
            timerArmed = true;
            QTimer::singleShot(int(DeltaIntervalMs - waited), timerContext, [self]() {
                self->timerArmed = false;
                self->flush();
            });
        }
    }

    void flush()
    {
        if (pending.isEmpty())
            return;
        const std::shared_ptr<EngineCore> engine = core.lock();
        if (engine) {
            engine->publish(ChangeEvent::Kind::ModelDelta, id, className, name,
                            {{QStringLiteral("callId"), callId},
                             {QStringLiteral("round"), round},
                             {QStringLiteral("attempt"), attempt},
                             {QStringLiteral("delta"), pending},
                             {QStringLiteral("length"), double(length)}});
        }
        pending.clear();
        sincePublished.start();
    }
};

} // namespace

ModelProvider modelProviderFromEnvironment()
{
    const QString which = qEnvironmentVariable("DURABLE_MODEL").trimmed().toLower();
    if (which != QLatin1String("openai"))
        return {};
    return [](Clock *) -> std::unique_ptr<ChatModel> {
        return std::make_unique<OpenAiChatModel>(OpenAiConfig::fromEnvironment());
    };
}

namespace ModelCalls {

void ensureSchema(ObjectDatabase &db)
{
    db.engineSql(QString::fromLatin1(s_schema));
}

bool hasSchema(ObjectDatabase &db)
{
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                       "'_durable_agent_model_calls'"));
    return !result.rows.isEmpty() && integer(result.rows.first().at(0)) == 1;
}

QString insert(ObjectDatabase &db, ModelCallInfo info)
{
    ensureSchema(db);
    const SqlResult next = db.engineSql(
        QStringLiteral("SELECT coalesce(max(seq), 0) + 1 FROM _durable_agent_model_calls"));
    const qint64 seq = next.rows.isEmpty() ? 1 : integer(next.rows.first().at(0), 1);
    info.id = QStringLiteral("mc-%1").arg(seq);
    db.engineSql(
        QStringLiteral("INSERT INTO _durable_agent_model_calls(id, seq, continuation, payload, "
                       "request, status, round, attempt, pending_tools, last_reply, error, "
                       "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                       "NULL, NULL, ?10, ?10)"),
        {info.id, double(seq), info.continuation, jsonText(info.payload),
         jsonText(info.request.toJson()), ModelCallInfo::statusName(info.status), info.round,
         info.attempt, jsonText(info.pendingTools), double(info.createdMs)});
    return info.id;
}

std::optional<ModelCallInfo> get(ObjectDatabase &db, const QString &id)
{
    if (!hasSchema(db))
        return std::nullopt;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_model_calls WHERE id = ?1").arg(s_columns),
        {id});
    if (result.rows.isEmpty())
        return std::nullopt;
    return fromRow(result.rows.first());
}

QList<ModelCallInfo> list(ObjectDatabase &db, bool pendingOnly)
{
    QList<ModelCallInfo> calls;
    if (!hasSchema(db))
        return calls;
    const SqlResult result = db.engineSql(
        QStringLiteral("SELECT %1 FROM _durable_agent_model_calls %2 ORDER BY seq")
            .arg(s_columns,
                 pendingOnly ? QStringLiteral("WHERE status IN ('model', 'tools')") : QString()));
    for (const QJsonArray &row : result.rows)
        calls.append(fromRow(row));
    return calls;
}

void update(ObjectDatabase &db, const ModelCallInfo &info)
{
    db.engineSql(QStringLiteral("UPDATE _durable_agent_model_calls SET request = ?2, status = ?3, "
                                "round = ?4, attempt = ?5, pending_tools = ?6, last_reply = ?7, "
                                "error = ?8, updated_ms = ?9 WHERE id = ?1"),
                 {info.id, jsonText(info.request.toJson()), ModelCallInfo::statusName(info.status),
                  info.round, info.attempt, jsonText(info.pendingTools),
                  info.lastReply.isEmpty() ? QJsonValue(QJsonValue::Null)
                                           : QJsonValue(jsonText(info.lastReply)),
                  info.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(info.error),
                  double(info.updatedMs)});
}

void queueSend(ObjectHost &host, const QString &callId)
{
    // An inspection turn: it only hands the stored request to the model, so it is no
    // history of its own (the journal shows the call in the turn that made it, and the
    // request and reply in the "model-reply" turn).
    Turn turn;
    turn.kind = Turn::Kind::Task;
    turn.inspection = true;
    turn.method = QStringLiteral("model-call");
    turn.args = callId;
    turn.trigger = QStringLiteral("model-send");
    turn.task = [callId](ObjectHost &self) -> QJsonValue {
        ObjectDatabase &db = self.database();
        const std::optional<ModelCallInfo> info = get(db, callId);
        if (!info || info->status != ModelCallInfo::Status::Model)
            return false;
        Registry &registry = registryOf(self);
        const QString key = flightKey(self, callId);
        if (registry.inFlight.contains(key))
            return false;
        const std::weak_ptr<EngineCore> weakCore = self.core().shared_from_this();
        const QString className = self.className();
        const ObjectId id = self.id();
        const QString name = self.name();
        const QString method = info->continuation;
        const int round = info->round;
        const int attempt = info->attempt;
        const ChatRequest request = info->request;
        registry.inFlight.insert(key);
        Result<ChatModel *> model = modelFor(self, registry);
        if (!model) {
            // Delivered like a reply (after this turn), so the continuation learns of it.
            const Error why = model.error();
            QMetaObject::invokeMethod(
                &registry,
                [weakCore, className, id, name, callId, method, round, attempt, request, why] {
                    dispatchReply(weakCore, className, id, name, callId, method, round, attempt,
                                  request, why);
                },
                Qt::QueuedConnection);
            return true;
        }
        auto deltas = std::make_shared<DeltaFeed>();
        deltas->core = weakCore;
        deltas->className = className;
        deltas->id = id;
        deltas->name = name;
        deltas->callId = callId;
        deltas->round = round;
        deltas->attempt = attempt;
        ModelCallContext context {className, id, callId, round};
        ChatModel *chatModel = model.value();
        context.onDelta = [deltas, chatModel](const QString &delta) {
            deltas->add(delta, chatModel, deltas);
        };
        chatModel->completeCall(context, request,
                                [weakCore, className, id, name, callId, method, round, attempt,
                                 request, deltas](Result<ChatReply> result) {
                                    deltas->flush();
                                    dispatchReply(weakCore, className, id, name, callId, method,
                                                  round, attempt, request, result);
                                });
        return true;
    };
    pushToSelf(host, std::move(turn));
}

void queueTool(ObjectHost &host, const QString &callId, const QJsonObject &toolCall)
{
    Turn turn;
    turn.kind = Turn::Kind::Task;
    turn.trigger = QStringLiteral("tool");
    turn.method = toolCall.value(QStringLiteral("name")).toString();
    turn.args = QJsonObject {{QStringLiteral("callId"), callId},
                             {QStringLiteral("toolCall"), toolCall}};
    const QString toolCallId = toolCall.value(QStringLiteral("id")).toString();
    turn.task = [callId, toolCallId](ObjectHost &self) -> QJsonValue {
        auto *agent = dynamic_cast<Agent *>(&self.instance());
        if (!agent) {
            throw Error(
                ErrorCode::InvalidArgument,
                QStringLiteral("%1 is not an agent; it cannot run tools").arg(self.label()));
        }
        return ModelCallAccess::runTool(*agent, callId, toolCallId);
    };
    pushToSelf(host, std::move(turn));
}

void resumePending(ObjectHost &host)
{
    ObjectDatabase &db = host.database();
    const QList<ModelCallInfo> pending = list(db, true);
    if (pending.isEmpty())
        return;
    Registry &registry = registryOf(host);
    for (const ModelCallInfo &info : pending) {
        if (info.status == ModelCallInfo::Status::Model) {
            if (registry.inFlight.contains(flightKey(host, info.id)))
                continue;
            ModelCallInfo again = info;
            again.attempt += 1;
            again.updatedMs = host.nowMs();
            update(db, again);
            qCInfo(lcModelCalls).noquote() << "Re-issuing model call" << info.id << "of"
                                           << host.label() << "(attempt" << again.attempt << ")";
            queueSend(host, info.id);
        } else if (!info.pendingTools.isEmpty()) {
            queueTool(host, info.id, info.pendingTools.first().toObject());
        }
    }
}

int sendWaiting(ObjectHost &host)
{
    Registry &registry = registryOf(host);
    int sent = 0;
    for (const ModelCallInfo &info : list(host.database(), true)) {
        if (info.status != ModelCallInfo::Status::Model ||
            registry.inFlight.contains(flightKey(host, info.id)))
            continue;
        queueSend(host, info.id);
        ++sent;
    }
    return sent;
}

void landed(ObjectHost &host, const QString &callId)
{
    registryOf(host).inFlight.remove(flightKey(host, callId));
}

} // namespace ModelCalls

// --- the studio's listing ---

ModelCallDirectory::ModelCallDirectory(Engine *engine)
    : ModelCallDirectory(EngineAccess::core(engine))
{ }

ModelCallDirectory::ModelCallDirectory(std::shared_ptr<EngineCore> core) : m_core(std::move(core))
{ }

QFuture<QList<ModelCallInfo>> ModelCallDirectory::modelCalls(const QString &className,
                                                             const ObjectId &id,
                                                             bool pendingOnly) const
{
    StrandCall call;
    call.owner = QStringLiteral("A model call directory");
    call.className = className;
    call.id = id;
    return runOnStrand<QList<ModelCallInfo>>(m_core, call, [pendingOnly](ObjectHost &host) {
        return ModelCalls::list(host.database(), pendingOnly);
    });
}

QFuture<int> ModelCallDirectory::sendWaiting(const QString &className, const ObjectId &id) const
{
    StrandCall call;
    call.owner = QStringLiteral("A model call directory");
    call.className = className;
    call.id = id;
    return runOnStrand<int>(m_core, call,
                            [](ObjectHost &host) { return ModelCalls::sendWaiting(host); });
}

} // namespace Durable
