// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

#include <QJSValue>
#include <QObject>
#include <QStringList>

#include <optional>

class QJSEngine;

namespace Durable {

class JsAgent;

// What a JavaScript agent's methods reach as this.__host: the Agent API of its C++ JsAgent,
// with JSON in and out. A Durable::Error thrown by the API (a refused state, an unknown
// continuation) must not unwind through the JavaScript engine: it is kept, thrown into
// JavaScript as an Error with the same message, and rethrown as itself once the JavaScript
// call returns (takeError()).
class JsAgentBridge : public QObject
{
    Q_OBJECT
public:
    JsAgentBridge(JsAgent &agent, QJSEngine &engine);

    Q_INVOKABLE QString id() const;
    Q_INVOKABLE QString name() const;
    Q_INVOKABLE double nowMs() const;
    Q_INVOKABLE QJSValue state();
    Q_INVOKABLE void setState(const QJSValue &next);
    Q_INVOKABLE QString step();
    Q_INVOKABLE void setStep(const QString &step);
    Q_INVOKABLE QJSValue get(const QString &key);
    Q_INVOKABLE void put(const QString &key, const QJSValue &value);
    Q_INVOKABLE bool remove(const QString &key);
    Q_INVOKABLE QJSValue sql(const QString &query, const QJSValue &params);
    Q_INVOKABLE QString scheduleIn(double delayMs, const QString &callback,
                                   const QJSValue &payload);
    Q_INVOKABLE QString scheduleAt(double whenMs, const QString &callback, const QJSValue &payload);
    Q_INVOKABLE QString scheduleCron(const QString &cron, const QString &callback,
                                     const QJSValue &payload);
    Q_INVOKABLE bool cancelSchedule(const QString &id);
    Q_INVOKABLE QString askHuman(const QJSValue &request, const QString &continuation);
    Q_INVOKABLE QString callModel(const QJSValue &request, const QString &continuation,
                                  const QJSValue &payload, bool offerTools);
    // A JSON file beside the agent's (prompts, scripted rules); never outside its folder.
    Q_INVOKABLE QJSValue readJson(const QString &relativePath);
    Q_INVOKABLE QString callObject(const QString &className, const QString &name,
                                   const QString &method, const QJSValue &args,
                                   const QString &continuation, const QJSValue &payload);
    Q_INVOKABLE QString sendTo(const QString &className, const QString &name, const QString &method,
                               const QJSValue &args);
    Q_INVOKABLE void send(const QString &connectionId, const QJSValue &message);
    Q_INVOKABLE void broadcast(const QJSValue &message, const QJSValue &except);

    // The API's error of the last JavaScript call, if one was thrown into it.
    std::optional<Error> takeError();

    static QJsonValue toJson(const QJSValue &value);
    static QJSValue toJs(QJSEngine &engine, const QJsonValue &value);

private:
    template<typename R, typename F>
    R guarded(F &&fn, R fallback = R());

    JsAgent &m_agent;
    QJSEngine &m_engine;
    std::optional<Error> m_error;
};

} // namespace Durable
