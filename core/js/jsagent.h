// SPDX-License-Identifier: MIT
#pragma once

#include "jsruntime.h"

#include <durable/core/agent.h>

#include <QJSValue>

#include <memory>

namespace Durable {

class JsAgentBridge;

// A C++ Agent whose handlers and continuations are a JavaScript object's: built on the worker's
// JsRuntime from the class the file exports, it registers what the JavaScript constructor
// registered (this.handle, this.continuation) and runs each of them as the C++ ones run, inside
// the agent's turn boundary; the JavaScript side reaches the Agent API through a JsAgentBridge.
// initialState(), validateState(next), scriptedRules() and the connection turns are the
// JavaScript methods of those names when the class has them.
//
// Worker thread only; a JavaScript exception fails the turn (HandlerFailed, with file:line).
class JsAgent final : public Agent
{
public:
    // version names the file's content (JsAgentFile::version()): objects of one version share
    // their worker's compiled file.
    JsAgent(const QString &path, const QString &className, const QString &version);
    ~JsAgent() override;

protected:
    QJsonObject initialState() const override;
    Result<void> validateState(const QJsonObject &next) const override;
    QJsonObject scriptedRules() const override;
    // The JavaScript methods onConnect(connection), onMessage(connection, message) and
    // onClose(connection, code, reason) when the class has them; else the Agent's own.
    void onConnect(const AgentConnection &connection) override;
    void onMessage(const AgentConnection &connection, const QString &message) override;
    void onClose(const AgentConnection &connection, int code, const QString &reason) override;

private:
    friend class JsAgentBridge;
    void registerHandlers();
    void registerContinuations();
    void registerTools();
    // Calls the instance's method (or fn) with JSON arguments; its result as JSON.
    QJsonValue invoke(const QJSValue &fn, const QList<QJsonValue> &args, const QString &what) const;
    QJsonValue callOptional(const QString &method, const QList<QJsonValue> &args) const;

    QString m_path;
    QString m_className;
    std::shared_ptr<JsRuntime> m_runtimeRef; // outlives the values below
    JsRuntime &m_runtime;
    std::unique_ptr<JsAgentBridge> m_bridge;
    QJSValue m_instance;
};

} // namespace Durable
