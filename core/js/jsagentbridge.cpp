// SPDX-License-Identifier: MIT
#include "jsagentbridge.h"

#include "jsagent.h"

#include <durable/core/chatrequest.h>
#include <durable/core/cronexpression.h>
#include <durable/core/humanrequest.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>

namespace Durable {

namespace {

// {title, prompt, context, actions: ["approve", ...], schema, deadline (ms or Date),
// deadlineContinuation}
HumanRequest humanRequestOf(const QJsonObject &json)
{
    HumanRequest request;
    request.title = json.value(QStringLiteral("title")).toString();
    request.prompt = json.value(QStringLiteral("prompt")).toString();
    request.context = json.value(QStringLiteral("context"));
    if (json.contains(QStringLiteral("actions"))) {
        request.actions.clear();
        for (const QJsonValue &name : json.value(QStringLiteral("actions")).toArray())
            request.actions.append(humanActionFromName(name.toString()).orThrow());
    }
    request.schema = json.value(QStringLiteral("schema")).toObject();
    const QJsonValue deadline = json.value(QStringLiteral("deadline"));
    if (deadline.isDouble())
        request.deadline = QDateTime::fromMSecsSinceEpoch(qint64(deadline.toDouble()), Qt::UTC);
    else if (deadline.isString())
        request.deadline = QDateTime::fromString(deadline.toString(), Qt::ISODateWithMs);
    request.deadlineContinuation = json.value(QStringLiteral("deadlineContinuation")).toString();
    return request;
}

} // namespace

JsAgentBridge::JsAgentBridge(JsAgent &agent, QJSEngine &engine) : m_agent(agent), m_engine(engine)
{ }

template<typename R, typename F>
R JsAgentBridge::guarded(F &&fn, R fallback)
{
    try {
        return fn();
    } catch (const Error &error) {
        m_error = error;
        m_engine.throwError(QJSValue::GenericError, error.message());
        return fallback;
    }
}

std::optional<Error> JsAgentBridge::takeError()
{
    return std::exchange(m_error, std::nullopt);
}

// Scalars, the common case of every key/value call, are converted directly; objects and
// arrays go through QVariant.
QJsonValue JsAgentBridge::toJson(const QJSValue &value)
{
    if (value.isUndefined())
        return QJsonValue(QJsonValue::Undefined);
    if (value.isNull())
        return QJsonValue(QJsonValue::Null);
    if (value.isNumber())
        return value.toNumber();
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool();
    return QJsonValue::fromVariant(value.toVariant());
}

QJSValue JsAgentBridge::toJs(QJSEngine &engine, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
        return QJSValue(QJSValue::UndefinedValue);
    case QJsonValue::Null:
        return QJSValue(QJSValue::NullValue);
    case QJsonValue::Double:
        return QJSValue(value.toDouble());
    case QJsonValue::String:
        return QJSValue(value.toString());
    case QJsonValue::Bool:
        return QJSValue(value.toBool());
    case QJsonValue::Array:
    case QJsonValue::Object:
        break;
    }
    return engine.toScriptValue(value.toVariant());
}

QString JsAgentBridge::id() const
{
    return m_agent.context().id().toString();
}

QString JsAgentBridge::name() const
{
    return m_agent.context().name();
}

double JsAgentBridge::nowMs() const
{
    return double(m_agent.context().nowMs());
}

QJSValue JsAgentBridge::state()
{
    return guarded<QJSValue>([&] { return toJs(m_engine, m_agent.state()); });
}

void JsAgentBridge::setState(const QJSValue &next)
{
    guarded<int>([&] {
        const QJsonValue json = toJson(next);
        if (!json.isObject())
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("setState(next): next must be an object"));
        m_agent.setState(json.toObject());
        return 0;
    });
}

QString JsAgentBridge::step()
{
    return guarded<QString>([&] { return m_agent.step(); });
}

void JsAgentBridge::setStep(const QString &step)
{
    guarded<int>([&] {
        m_agent.setStep(step);
        return 0;
    });
}

QJSValue JsAgentBridge::get(const QString &key)
{
    return guarded<QJSValue>([&] { return toJs(m_engine, m_agent.storage().get(key)); });
}

void JsAgentBridge::put(const QString &key, const QJSValue &value)
{
    guarded<int>([&] {
        m_agent.storage().put(key, toJson(value));
        return 0;
    });
}

bool JsAgentBridge::remove(const QString &key)
{
    return guarded<bool>([&] { return m_agent.storage().remove(key); });
}

QJSValue JsAgentBridge::sql(const QString &query, const QJSValue &params)
{
    return guarded<QJSValue>([&] {
        const SqlResult result = m_agent.storage().sql(query, toJson(params).toArray());
        QJsonArray rows;
        for (const QJsonArray &row : result.rows)
            rows.append(row);
        return toJs(m_engine, QJsonObject {{QStringLiteral("columns"),
                                            QJsonArray::fromStringList(result.columns)},
                                           {QStringLiteral("rows"), rows}});
    });
}

QString JsAgentBridge::scheduleIn(double delayMs, const QString &callback, const QJSValue &payload)
{
    return guarded<QString>([&] {
        return m_agent.schedule(std::chrono::milliseconds(qint64(delayMs)), callback,
                                toJson(payload));
    });
}

QString JsAgentBridge::scheduleAt(double whenMs, const QString &callback, const QJSValue &payload)
{
    return guarded<QString>([&] {
        return m_agent.schedule(QDateTime::fromMSecsSinceEpoch(qint64(whenMs), Qt::UTC), callback,
                                toJson(payload));
    });
}

QString JsAgentBridge::scheduleCron(const QString &cron, const QString &callback,
                                    const QJSValue &payload)
{
    return guarded<QString>([&] {
        return m_agent.schedule(CronExpression::parse(cron).orThrow(), callback, toJson(payload));
    });
}

bool JsAgentBridge::cancelSchedule(const QString &id)
{
    return guarded<bool>([&] { return m_agent.cancelSchedule(id); });
}

QString JsAgentBridge::askHuman(const QJSValue &request, const QString &continuation)
{
    return guarded<QString>(
        [&] { return m_agent.askHuman(humanRequestOf(toJson(request).toObject()), continuation); });
}

QString JsAgentBridge::callModel(const QJSValue &request, const QString &continuation,
                                 const QJSValue &payload, bool offerTools)
{
    return guarded<QString>([&] {
        const ChatRequest chat = ChatRequest::fromJson(toJson(request).toObject()).orThrow();
        return m_agent.callModel(chat, continuation, toJson(payload),
                                 offerTools ? JsAgent::OfferTools::Registered
                                            : JsAgent::OfferTools::AsGiven);
    });
}

QJSValue JsAgentBridge::readJson(const QString &relativePath)
{
    return guarded<QJSValue>([&] {
        const QDir folder = QFileInfo(m_agent.m_path).absoluteDir();
        const QString file = QDir::cleanPath(folder.absoluteFilePath(relativePath));
        if (!file.startsWith(folder.absolutePath() + QLatin1Char('/')))
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("readJson(\"%1\"): only files in the agent's folder")
                            .arg(relativePath));
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            throw Error(ErrorCode::NotFound,
                        QStringLiteral("readJson(\"%1\"): %2").arg(relativePath, in.errorString()));
        QJsonParseError parsed;
        const QJsonDocument document = QJsonDocument::fromJson(in.readAll(), &parsed);
        if (document.isNull())
            throw Error(
                ErrorCode::InvalidArgument,
                QStringLiteral("readJson(\"%1\"): %2").arg(relativePath, parsed.errorString()));
        return toJs(m_engine, document.isObject() ? QJsonValue(document.object())
                                                  : QJsonValue(document.array()));
    });
}

QString JsAgentBridge::callObject(const QString &className, const QString &name,
                                  const QString &method, const QJSValue &args,
                                  const QString &continuation, const QJSValue &payload)
{
    return guarded<QString>([&] {
        return m_agent.callObject(className, name, method, toJson(args), continuation,
                                  toJson(payload));
    });
}

QString JsAgentBridge::sendTo(const QString &className, const QString &name, const QString &method,
                              const QJSValue &args)
{
    return guarded<QString>([&] { return m_agent.sendTo(className, name, method, toJson(args)); });
}

void JsAgentBridge::send(const QString &connectionId, const QJSValue &message)
{
    guarded<int>([&] {
        m_agent.send(connectionId, toJson(message));
        return 0;
    });
}

void JsAgentBridge::broadcast(const QJSValue &message, const QJSValue &except)
{
    guarded<int>([&] {
        QStringList ids;
        for (const QJsonValue &id : toJson(except).toArray())
            ids.append(id.toString());
        m_agent.broadcast(toJson(message), ids);
        return 0;
    });
}

} // namespace Durable
