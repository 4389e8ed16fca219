// SPDX-License-Identifier: MIT
#include "jsruntime.h"

#include "jswatchdog.h"

#include <QFileInfo>
#include <QScopedValueRollback>
#include <QUrl>

namespace Durable {

namespace {

// The base class of every JavaScript agent, the same API as the C++ Agent. Its methods reach
// the object through this.__host, the JsAgentBridge of the object being built.
const char *const s_prelude = R"JS(
(function () {
    class Agent {
        constructor() {
            const host = Agent.__constructing;
            this.__host = host;
            // The calls of every turn, looked up once: a method read off a QObject is a new
            // function object each time.
            this.__get = host.get;
            this.__put = host.put;
            this.__state = host.state;
            this.__setState = host.setState;
            this.__handlers = {};
            this.__continuations = {};
            this.__tools = [];
        }
        handle(name, fn) {
            if (typeof fn !== "function")
                throw new TypeError(`handle("${name}", fn): fn is not a function`);
            this.__handlers[name] = fn;
        }
        continuation(name, fn) {
            if (typeof fn !== "function")
                throw new TypeError(`continuation("${name}", fn): fn is not a function`);
            this.__continuations[name] = fn;
        }
        tool(name, description, parameters, fn) {
            if (typeof fn !== "function")
                throw new TypeError(`tool("${name}", ..., fn): fn is not a function`);
            this.__tools.push({ name: name, description: description, parameters: parameters,
                                fn: fn });
        }
        readJson(relativePath) { return this.__host.readJson(relativePath); }
        // Throws an error the caller gets with that code ("conflict", "not-found",
        // "invalid-argument", ...), as a C++ agent throws Durable::Error.
        fail(code, message) {
            const error = new Error(message);
            error.code = code;
            throw error;
        }
        get id() { return this.__host.id(); }
        get objectName() { return this.__host.name(); }
        now() { return this.__host.nowMs(); }
        state() { return this.__state(); }
        setState(next) { this.__setState(next); }
        step() { return this.__host.step(); }
        setStep(step) { this.__host.setStep(step); }
        get(key) { return this.__get(key); }
        put(key, value) { this.__put(key, value); }
        remove(key) { return this.__host.remove(key); }
        sql(query, params) { return this.__host.sql(query, params === undefined ? [] : params); }
        schedule(when, callback, payload) {
            if (typeof when === "number")
                return this.__host.scheduleIn(when, callback, payload);
            if (when instanceof Date)
                return this.__host.scheduleAt(when.getTime(), callback, payload);
            if (typeof when === "string")
                return this.__host.scheduleCron(when, callback, payload);
            throw new TypeError("schedule(when, callback, payload): when is a delay in "
                                + "milliseconds, a Date or a cron expression");
        }
        cancelSchedule(id) { return this.__host.cancelSchedule(id); }
        askHuman(request, continuation) { return this.__host.askHuman(request, continuation); }
        callModel(request, continuation, payload, offerTools) {
            return this.__host.callModel(request, continuation, payload, offerTools !== false);
        }
        callObject(className, name, method, args, continuation, payload) {
            return this.__host.callObject(className, name, method, args, continuation, payload);
        }
        sendTo(className, name, method, args) {
            return this.__host.sendTo(className, name, method, args);
        }
        // To WebSocket clients, after the turn commits (a string as is, anything else as JSON).
        send(connectionId, message) { this.__host.send(connectionId, message); }
        broadcast(message, except) {
            this.__host.broadcast(message, except === undefined ? [] : except);
        }
    }
    Agent.__isAgentClass = function (C) {
        return typeof C === "function" && C.prototype instanceof Agent;
    };
    // What the last call threw, kept here rather than in a result object: a call allocates
    // nothing of its own, and the engine collects garbage less often.
    Agent.__failure = [false, undefined];
    Agent.__invoke = function (self, fn, count, a, b, c) {
        try {
            return count === 0 ? fn.call(self) : count === 1 ? fn.call(self, a)
                 : count === 2 ? fn.call(self, a, b) : fn.call(self, a, b, c);
        } catch (e) {
            Agent.__failure[0] = true;
            Agent.__failure[1] = e;
            return undefined;
        }
    };
    return Agent;
})()
)JS";

const QString s_preludeName = QStringLiteral("durable-agent.js");

QString shortLocation(const QString &file, int line)
{
    const QUrl url(file);
    const QString name = QFileInfo(url.isLocalFile() ? url.toLocalFile() : file).fileName();
    return line > 0 ? QStringLiteral("%1:%2").arg(name).arg(line) : name;
}

// Where the agent's code threw: the first frame of the stack ("fn@file:line") that is not the
// Agent base class (an API misused is the caller's line), else the error's own file and line.
QString locationOf(const QJSValue &error)
{
    const QStringList frames = error.property(QStringLiteral("stack")).toString().split(u'\n');
    for (const QString &frame : frames) {
        const QString where = frame.mid(frame.indexOf(u'@') + 1);
        const qsizetype colon = where.lastIndexOf(u':');
        if (colon <= 0 || where.endsWith(s_preludeName) || where.contains(s_preludeName + u':'))
            continue;
        bool ok = false;
        const int line = where.mid(colon + 1).toInt(&ok);
        if (ok)
            return shortLocation(where.left(colon), line);
    }
    const QString file = error.property(QStringLiteral("fileName")).toString();
    if (file.isEmpty() || file == QLatin1String("undefined"))
        return {};
    return shortLocation(file, error.property(QStringLiteral("lineNumber")).toInt());
}

// Why a call was interrupted, for the person who wrote it.
Error limitError(JsWatchdog::Reason reason, const QString &what)
{
    if (reason == JsWatchdog::Reason::Cpu) {
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("%1 was stopped after %2 ms of CPU time, the limit for one "
                                    "JavaScript call (DURABLE_JS_CPU_LIMIT_MS): look for a loop "
                                    "that does not end")
                         .arg(what)
                         .arg(JsLimits::current().cpu.count()),
                     {{QStringLiteral("limit"), QStringLiteral("cpu")}});
    }
    return Error(ErrorCode::LimitExceeded,
                 QStringLiteral("%1 was stopped after it grew the process by more than %2 MB, the "
                                "memory limit for one JavaScript call (DURABLE_JS_MEMORY_LIMIT_MB)")
                     .arg(what)
                     .arg(JsLimits::current().memoryBytes / (1024 * 1024)),
                 {{QStringLiteral("limit"), QStringLiteral("memory")}});
}

} // namespace

JsRuntime::JsRuntime()
{
    m_engine.installExtensions(QJSEngine::ConsoleExtension);
    m_agent = m_engine.evaluate(QString::fromUtf8(s_prelude), s_preludeName);
    Q_ASSERT(!m_agent.isError());
    m_invoke = m_agent.property(QStringLiteral("__invoke"));
    m_failure = m_agent.property(QStringLiteral("__failure"));
    // A class cannot be applied: objects are built through a function that news it.
    m_make = m_engine.evaluate(QStringLiteral("(function (C) { return new C(); })"));
    m_engine.globalObject().setProperty(QStringLiteral("Agent"), m_agent);
}

std::shared_ptr<JsRuntime> JsRuntime::forThisThread(const QString &version)
{
    thread_local QHash<QString, std::weak_ptr<JsRuntime>> runtimes;
    if (std::shared_ptr<JsRuntime> running = runtimes.value(version).lock())
        return running;
    // Versions no object uses any more (an earlier edit of a reloaded file) go as new ones come.
    runtimes.removeIf([](const auto &entry) { return entry.value().expired(); });
    auto made = std::make_shared<JsRuntime>();
    runtimes.insert(version, made);
    return made;
}

Error JsRuntime::errorOf(const QJSValue &thrown, const QString &what)
{
    const QString where = thrown.isError() || thrown.isObject() ? locationOf(thrown) : QString();
    const QString message = thrown.isError() ? thrown.toString()
                                             : QStringLiteral("threw %1").arg(thrown.toString());
    // An agent's own refusal (this.fail(code, message)) keeps its code and plain message.
    const QString codeName = thrown.isObject() ? thrown.property(QStringLiteral("code")).toString()
                                               : QString();
    const Error coded = Error::fromJson({{QStringLiteral("code"), codeName}});
    if (thrown.property(QStringLiteral("code")).isString() && coded.code() != ErrorCode::Internal) {
        Error refusal(coded.code(), thrown.property(QStringLiteral("message")).toString());
        if (!where.isEmpty())
            refusal.withContext(QStringLiteral("at"), where);
        return refusal;
    }
    Error error(ErrorCode::HandlerFailed,
                where.isEmpty() ? QStringLiteral("%1: %2").arg(what, message)
                                : QStringLiteral("%1: %2 (at %3)").arg(what, message, where));
    if (!where.isEmpty())
        error.withContext(QStringLiteral("at"), where);
    return error;
}

QJSValue JsRuntime::module(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (const auto it = m_modules.constFind(absolute); it != m_modules.cend())
        return *it;
    if (!QFileInfo::exists(absolute))
        throw Error(ErrorCode::NotFound,
                    QStringLiteral("No JavaScript agent file at %1").arg(absolute));
    const QString what = QStringLiteral("%1 does not load").arg(QFileInfo(absolute).fileName());
    JsWatchdog::Watch watch(m_engine); // a module's top level runs here, and may not end
    const QJSValue loaded = m_engine.importModule(absolute);
    if (const JsWatchdog::Reason fired = watch.finish(); fired != JsWatchdog::Reason::None) {
        m_engine.catchError();
        throw limitError(fired, what);
    }
    if (loaded.isError() || m_engine.hasError()) {
        const QJSValue thrown = loaded.isError() ? loaded : m_engine.catchError();
        throw errorOf(thrown, what);
    }
    m_modules.insert(absolute, loaded);
    return loaded;
}

bool JsRuntime::isAgentClass(const QJSValue &value) const
{
    return m_agent.property(QStringLiteral("__isAgentClass")).call({value}).toBool();
}

QJSValue JsRuntime::agentClass(const QString &path, const QString &className)
{
    const QJSValue cls = module(path).property(className);
    if (!isAgentClass(cls)) {
        throw Error(ErrorCode::UnknownClass,
                    QStringLiteral("%1 exports no agent class %2 (a class that extends Agent)")
                        .arg(QFileInfo(path).fileName(), className));
    }
    return cls;
}

QJSValue JsRuntime::unwrap(const QJSValue &outcome, const QString &what)
{
    if (outcome.isError() || m_engine.hasError())
        throw errorOf(outcome.isError() ? outcome : m_engine.catchError(), what);
    if (std::optional<QJSValue> thrown = takeFailure())
        throw errorOf(*thrown, what);
    return outcome;
}

std::optional<QJSValue> JsRuntime::takeFailure()
{
    if (!m_failure.property(0).toBool())
        return std::nullopt;
    const QJSValue thrown = m_failure.property(1);
    m_failure.setProperty(0, false);
    m_failure.setProperty(1, QJSValue());
    return thrown;
}

QJSValue JsRuntime::construct(const QJSValue &cls, QObject *host, const QString &what)
{
    // The engine must never delete the bridge: its agent owns it.
    QJSEngine::setObjectOwnership(host, QJSEngine::CppOwnership);
    m_agent.setProperty(QStringLiteral("__constructing"), m_engine.newQObject(host));
    struct Reset
    {
        QJSValue &agent;
        ~Reset() { agent.setProperty(QStringLiteral("__constructing"), QJSValue()); }
    } reset {m_agent};
    return call(QJSValue(), m_make, {cls}, what);
}

QJSValue JsRuntime::call(const QJSValue &self, const QJSValue &fn, const QJSValueList &args,
                         const QString &what)
{
    Q_ASSERT(args.size() <= 3); // what __invoke passes on (onClose takes three)
    QJSValueList invokeArgs {self, fn, QJSValue(int(args.size()))};
    invokeArgs.append(args);
    return watched(m_invoke, invokeArgs, what);
}

QJSValue JsRuntime::watched(const QJSValue &fn, const QJSValueList &args, const QString &what)
{
    if (m_depth > 0) { // the outermost call's watch covers this one
        const QScopedValueRollback nested(m_depth, m_depth + 1);
        return unwrap(fn.call(args), what);
    }
    const QScopedValueRollback outermost(m_depth, 1);
    JsWatchdog::Watch watch(m_engine);
    const QJSValue outcome = fn.call(args);
    if (const JsWatchdog::Reason fired = watch.finish(); fired != JsWatchdog::Reason::None) {
        m_engine.catchError();
        (void)takeFailure(); // the interruption, if the agent's code caught it
        throw limitError(fired, what);
    }
    return unwrap(outcome, what);
}

} // namespace Durable
