// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

#include <QHash>
#include <QJSEngine>
#include <QJSValue>
#include <QString>

#include <memory>
#include <optional>

namespace Durable {

// A JavaScript engine with what agent files need: the global Agent base class, and each file
// imported once. QJSEngine is thread-affine and an object's turns all run on its worker's
// thread, so objects share a runtime per thread and per version of their file (forThisThread()):
// a file is compiled once per worker, and a changed file (a reload) gets a fresh engine, since an
// engine imports a path only once. A runtime lives as long as an object uses it. A probe
// (JsAgentFile::load) makes one of its own.
//
// One thread only; failures throw Durable::Error with the file and line.
class JsRuntime
{
public:
    JsRuntime();
    // The runtime of this thread for version (a file's path and content hash).
    static std::shared_ptr<JsRuntime> forThisThread(const QString &version);

    QJSEngine &engine() { return m_engine; }
    // The module namespace of the file at path (imported on first use).
    QJSValue module(const QString &path);
    // Its exported class className, which must extend Agent.
    QJSValue agentClass(const QString &path, const QString &className);
    // new cls() with host as the instance's bridge to its object.
    QJSValue construct(const QJSValue &cls, QObject *host, const QString &what);
    // fn.apply(self, args) (at most two arguments), with a JavaScript exception thrown as a
    // Durable::Error (HandlerFailed) naming what ran and the file and line. The outermost call is
    // watched against JsLimits: past them it is interrupted and fails with LimitExceeded.
    QJSValue call(const QJSValue &self, const QJSValue &fn, const QJSValueList &args,
                  const QString &what);

    // The Error a thrown JavaScript value stands for.
    static Error errorOf(const QJSValue &thrown, const QString &what);
    bool isAgentClass(const QJSValue &value) const;

private:
    QJSValue unwrap(const QJSValue &outcome, const QString &what);
    std::optional<QJSValue> takeFailure();
    QJSValue watched(const QJSValue &fn, const QJSValueList &args, const QString &what);

    QJSEngine m_engine;
    QJSValue m_agent;   // the global Agent class
    QJSValue m_invoke;  // (self, fn, count, a, b) -> fn's value; a throw goes to m_failure
    QJSValue m_failure; // [thrown?, what was thrown]
    QJSValue m_make;    // (C) -> new C()
    QHash<QString, QJSValue> m_modules;
    int m_depth = 0; // calls running on this engine: JavaScript -> C++ API -> JavaScript nests
};

} // namespace Durable
