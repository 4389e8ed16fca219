// SPDX-License-Identifier: MIT
// Runs a Durable Studio JavaScript agent (docs/WRITING_AGENTS.md, "Agents in JavaScript") as a
// Cloudflare Durable Object. Import this module before the agent file, so that the agent's
// `class X extends Agent` finds the global `Agent` defined here:
//
//   import { durableObjectFor, agentWorker } from "./durable-agent.js";
//   import { Recruitment as RecruitmentAgent } from "./recruitment.js";
//   export const Recruitment = durableObjectFor(RecruitmentAgent);
//   export default agentWorker({ Recruitment: "RECRUITMENT" });
//
// Where things live, all in the object's own SQLite database (a SQLite-backed Durable Object,
// `new_sqlite_classes`):
//   _durable_object       one row: class, name, state (JSON), step, id sequence
//   _durable_schedules    schedules; the object's alarm is set to the earliest due one
//   _durable_requests     askHuman requests (pending, answered, expired)
//   _durable_model_calls  model calls until their continuation ran (retried while recorded)
//   _durable_calls        callObject/sendTo calls until delivered
//   _durable_applied      idempotency keys of calls this object applied, with their reply
//   _cf_KV                the agent's get/put/remove (ctx.storage.put), values as JSON text
//   the agent's own tables (this.sql)
//
// A turn (a handler, a continuation, a tool, a person's answer) runs synchronously inside
// ctx.storage.transactionSync(): it commits all its writes or, when it throws, none of them.
// Network work (model calls, calls to other objects) happens outside turns, from alarm(), and
// its result runs the continuation as a turn of its own.

const RESERVED = /_durable_|_cf_/i;
const MAX_TOOL_ROUNDS = 8;
const MAX_ATTEMPTS = 3;
const MAX_SCHEDULE_ATTEMPTS = 5;

class AgentError extends Error {
    constructor(code, message) {
        super(message);
        this.code = code;
    }
}

// The base class of every agent: the same API as the prelude of the studio's engine
// (core/js/jsruntime.cpp). Its methods reach the object through this.__host.
export class Agent {
    constructor() {
        this.__host = Agent.__constructing;
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
        this.__tools.push({ name, description, parameters, fn });
    }
    readJson(relativePath) { return this.__host.readJson(relativePath); }
    fail(code, message) { throw new AgentError(code, message); }
    get id() { return this.__host.id(); }
    get objectName() { return this.__host.name(); }
    now() { return this.__host.nowMs(); }
    state() { return this.__host.state(); }
    setState(next) { this.__host.setState(next); }
    step() { return this.__host.step(); }
    setStep(step) { this.__host.setStep(step); }
    get(key) { return this.__host.get(key); }
    put(key, value) { this.__host.put(key, value); }
    remove(key) { return this.__host.remove(key); }
    sql(query, params) { return this.__host.sql(query, params === undefined ? [] : params); }
    schedule(when, continuation, payload) {
        if (typeof when === "number")
            return this.__host.scheduleAt(this.__host.nowMs() + when, continuation, payload, null);
        if (when instanceof Date)
            return this.__host.scheduleAt(when.getTime(), continuation, payload, null);
        if (typeof when === "string")
            return this.__host.scheduleCron(when, continuation, payload);
        throw new TypeError("schedule(when, continuation, payload): when is a delay in "
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
        return this.__host.callObject(className, name, method, args, null, null);
    }
    // To WebSocket clients, after the turn commits (a string as is, anything else as JSON).
    send(connectionId, message) { this.__host.send(connectionId, message); }
    broadcast(message, except) { this.__host.broadcast(message, except ?? []); }
}
globalThis.Agent = Agent;

// A message to a WebSocket client as text: a string as it is, anything else as JSON.
function messageText(message) {
    return typeof message === "string" ? message : JSON.stringify(message ?? null);
}

// ---- cron: 5 fields or a macro, evaluated in UTC, as Durable::CronExpression ----

const CRON_MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"
};
const CRON_FIELDS = [["minute", 0, 59], ["hour", 0, 23], ["day-of-month", 1, 31],
                     ["month", 1, 12], ["day-of-week", 0, 7]];

export function parseCron(text) {
    const expression = CRON_MACROS[String(text).trim()] ?? String(text).trim();
    const parts = expression.split(/\s+/);
    const bad = (why) => new AgentError("invalid-argument", `Invalid cron expression "${text}": ${why}`);
    if (parts.length !== 5)
        throw bad("expected 5 fields (minute hour day-of-month month day-of-week) or a macro");
    const sets = parts.map((part, index) => {
        const [name, lo, hi] = CRON_FIELDS[index];
        const set = new Set();
        for (const item of part.split(",")) {
            const [range, stepText] = item.split("/");
            const step = stepText === undefined ? 1 : Number(stepText);
            if (!Number.isInteger(step) || step < 1)
                throw bad(`${name} step "${stepText}" is not a positive number`);
            let from = lo, to = hi;
            if (range !== "*") {
                const bounds = range.split("-").map(Number);
                if (bounds.length > 2 || bounds.some((b) => !Number.isInteger(b)))
                    throw bad(`${name} token "${item}" is not a number, range or *`);
                from = bounds[0];
                to = bounds.length === 2 ? bounds[1] : (stepText === undefined ? from : hi);
            }
            if (from < lo || to > hi || from > to)
                throw bad(`${name} value ${from > to ? `${from}-${to}` : (from < lo ? from : to)} is out of range ${lo}-${hi}`);
            for (let v = from; v <= to; v += step)
                set.add(index === 4 && v === 7 ? 0 : v);
        }
        return set;
    });
    return { minutes: sets[0], hours: sets[1], days: sets[2], months: sets[3], weekdays: sets[4],
             dayRestricted: !parts[2].startsWith("*"), weekdayRestricted: !parts[4].startsWith("*") };
}

// The first matching minute strictly after afterMs, or null within five years.
export function cronNext(cron, afterMs) {
    let t = new Date(Math.floor(afterMs / 60000) * 60000 + 60000);
    const limit = afterMs + 5 * 366 * 86400000;
    while (t.getTime() <= limit) {
        const y = t.getUTCFullYear(), m = t.getUTCMonth(), d = t.getUTCDate(), h = t.getUTCHours();
        if (!cron.months.has(m + 1)) {
            t = new Date(Date.UTC(y, m + 1, 1));
            continue;
        }
        const dayOk = cron.days.has(d), weekdayOk = cron.weekdays.has(t.getUTCDay());
        const dayMatches = cron.dayRestricted && cron.weekdayRestricted ? (dayOk || weekdayOk)
                                                                         : (dayOk && weekdayOk);
        if (!dayMatches) {
            t = new Date(Date.UTC(y, m, d + 1));
            continue;
        }
        if (!cron.hours.has(h)) {
            t = new Date(Date.UTC(y, m, d, h + 1));
            continue;
        }
        if (!cron.minutes.has(t.getUTCMinutes())) {
            t = new Date(t.getTime() + 60000);
            continue;
        }
        return t.getTime();
    }
    return null;
}

// ---- a small JSON Schema check for tool arguments (type, required, properties, enum, bounds) ----

function schemaErrors(schema, value, path) {
    if (!schema || typeof schema !== "object")
        return [];
    const errors = [];
    const where = path || "arguments";
    const types = { object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
                    array: Array.isArray, string: (v) => typeof v === "string",
                    integer: Number.isInteger, number: (v) => typeof v === "number",
                    boolean: (v) => typeof v === "boolean", null: (v) => v === null };
    if (schema.type && types[schema.type] && !types[schema.type](value))
        return [`${where} should be ${schema.type === "integer" ? "an" : "a"} ${schema.type}`];
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
        errors.push(`${where} should be one of ${JSON.stringify(schema.enum)}`);
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum)
            errors.push(`${where} should be at least ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum)
            errors.push(`${where} should be at most ${schema.maximum}`);
    }
    if (typeof value === "string" && schema.minLength !== undefined && value.length < schema.minLength)
        errors.push(`${where} should have at least ${schema.minLength} characters`);
    if (types.object(value)) {
        for (const key of schema.required || []) {
            if (!(key in value))
                errors.push(`${where}.${key} is required`);
        }
        for (const [key, sub] of Object.entries(schema.properties || {})) {
            if (key in value)
                errors.push(...schemaErrors(sub, value[key], `${where}.${key}`));
        }
    }
    return errors;
}

// ---- the object ----

function json(value) { return value === undefined ? null : JSON.stringify(value); }
function parsed(text) { return text === null || text === undefined ? null : JSON.parse(text); }

const HTTP_STATUS = { "invalid-argument": 400, "reserved-table": 400, "sql-error": 400,
                      "not-found": 404, "unknown-method": 404, "conflict": 409,
                      "upgrade-required": 426, "unavailable": 503 };

// {code, message}: an AgentError's own, or "script-error" with the JavaScript error's name.
function errorJson(error) {
    const code = error?.code && typeof error.code === "string" ? error.code : "script-error";
    const message = error instanceof Error
        ? (code === "script-error" ? `${error.name}: ${error.message}` : error.message)
        : String(error);
    return { code, message };
}

function errorResponse(error) {
    const body = errorJson(error);
    return Response.json({ error: body }, { status: HTTP_STATUS[body.code] ?? 500 });
}

// One per Durable Object instance: the agent instance and everything its API reaches.
class AgentHost {
    constructor(ctx, env, AgentClass, options) {
        this.ctx = ctx;
        this.env = env;
        this.sqlStorage = ctx.storage.sql;
        this.AgentClass = AgentClass;
        this.className = options.className || AgentClass.name;
        this.files = options.files || {};
        this.bindings = options.bindings || {};
        this.kvCache = new Map();
        this.turn = null;
        this.busy = new Set(); // model calls and object calls being sent by this instance
    }

    // Runs once per instance, before any request or alarm reaches it.
    async load() {
        this.exec(`CREATE TABLE IF NOT EXISTS _durable_object (
                       one INTEGER PRIMARY KEY CHECK (one = 1), class TEXT NOT NULL, name TEXT,
                       state TEXT, step TEXT NOT NULL DEFAULT '', seq INTEGER NOT NULL DEFAULT 0,
                       updated_ms INTEGER);
                   CREATE TABLE IF NOT EXISTS _durable_schedules (
                       id TEXT PRIMARY KEY, due_ms INTEGER NOT NULL, continuation TEXT NOT NULL,
                       payload TEXT, cron TEXT, request_id TEXT, attempts INTEGER NOT NULL DEFAULT 0,
                       created_ms INTEGER NOT NULL);
                   CREATE TABLE IF NOT EXISTS _durable_requests (
                       id TEXT PRIMARY KEY, title TEXT NOT NULL, prompt TEXT, context TEXT,
                       actions TEXT NOT NULL, schema TEXT, deadline_ms INTEGER,
                       continuation TEXT NOT NULL, deadline_continuation TEXT,
                       deadline_schedule TEXT, status TEXT NOT NULL DEFAULT 'pending',
                       response TEXT, created_ms INTEGER NOT NULL, answered_ms INTEGER);
                   CREATE TABLE IF NOT EXISTS _durable_model_calls (
                       id TEXT PRIMARY KEY, continuation TEXT NOT NULL, payload TEXT,
                       request TEXT NOT NULL, messages TEXT NOT NULL, offer_tools INTEGER NOT NULL,
                       status TEXT NOT NULL DEFAULT 'model', attempt INTEGER NOT NULL DEFAULT 0,
                       rounds INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL,
                       last_error TEXT, created_ms INTEGER NOT NULL);
                   CREATE TABLE IF NOT EXISTS _durable_calls (
                       id TEXT PRIMARY KEY, class TEXT NOT NULL, name TEXT NOT NULL,
                       method TEXT NOT NULL, args TEXT, continuation TEXT, payload TEXT,
                       attempt INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL,
                       last_error TEXT, created_ms INTEGER NOT NULL);
                   CREATE TABLE IF NOT EXISTS _durable_applied (
                       key TEXT PRIMARY KEY, reply TEXT, applied_ms INTEGER NOT NULL);`);
        for (const [key, value] of await this.ctx.storage.list())
            this.kvCache.set(key, value);
        // A restart (or eviction) may have lost the alarm's timer: set it again from the tables.
        this.arm();
    }

    // ---- plumbing ----

    exec(query, ...params) { return this.sqlStorage.exec(query, ...params); }
    rows(query, ...params) { return this.exec(query, ...params).toArray(); }
    row(query, ...params) { return this.rows(query, ...params)[0] ?? null; }

    objectRow() {
        let row = this.row("SELECT * FROM _durable_object WHERE one = 1");
        if (!row) {
            this.exec("INSERT INTO _durable_object (one, class, name, updated_ms) VALUES (1, ?, ?, ?)",
                      this.className, this.pendingName ?? null, Date.now());
            row = this.row("SELECT * FROM _durable_object WHERE one = 1");
        }
        return row;
    }

    nextId(prefix) {
        const seq = this.objectRow().seq + 1;
        this.exec("UPDATE _durable_object SET seq = ? WHERE one = 1", seq);
        return `${prefix}-${seq}`;
    }

    rememberName(name) {
        if (!name)
            return;
        this.pendingName = name;
        const row = this.row("SELECT name FROM _durable_object WHERE one = 1");
        if (!row)
            this.objectRow();
        else if (row.name !== name)
            this.exec("UPDATE _durable_object SET name = ? WHERE one = 1", name);
    }

    instance() {
        if (!this.agent) {
            Agent.__constructing = this;
            try {
                this.agent = new this.AgentClass();
            } finally {
                Agent.__constructing = undefined;
            }
        }
        return this.agent;
    }

    inTurn(what) {
        if (!this.turn)
            throw new AgentError("invalid-argument", `${what} is only allowed inside a turn`);
    }

    // Runs fn(agent) as one turn: every write commits together or, if it throws, none does.
    // What it sends WebSocket clients leaves after the commit, its new state first.
    runTurn(fn) {
        const agent = this.instance();
        const turn = this.turn = { kv: new Map(), outbox: [], stateChanged: false };
        try {
            const value = this.ctx.storage.transactionSync(() => fn(agent));
            for (const [key, entry] of turn.kv) {
                if (entry.removed)
                    this.kvCache.delete(key);
                else
                    this.kvCache.set(key, entry.text);
            }
            this.releaseMessages(turn);
            return value;
        } finally {
            this.turn = null;
            this.arm();
        }
    }

    // ---- WebSocket clients (hibernatable: the runtime holds the sockets) ----

    send(connectionId, message) {
        this.inTurn("send");
        if (!connectionId)
            throw new AgentError("invalid-argument", "send() needs a connection id");
        this.turn.outbox.push({ to: [connectionId], data: messageText(message) });
    }

    broadcast(message, except) {
        this.inTurn("broadcast");
        this.turn.outbox.push({ except: except ?? [], data: messageText(message) });
    }

    sockets() {
        return this.ctx.getWebSockets().map((ws) => ({ ws, connection: ws.deserializeAttachment() }));
    }

    releaseMessages(turn) {
        if (!turn.stateChanged && turn.outbox.length === 0)
            return;
        const sockets = this.sockets();
        const deliver = (socket, text) => {
            try {
                socket.ws.send(text);
            } catch (e) {
                // closed meanwhile: its close turn follows
            }
        };
        if (turn.stateChanged) {
            const text = JSON.stringify({ type: "state", state: this.state() });
            for (const socket of sockets) {
                if (!turn.outbox.some((m) => m.hello === socket.connection.id))
                    deliver(socket, text); // a client being greeted gets the state in its hello
            }
        }
        for (const message of turn.outbox) {
            for (const socket of sockets) {
                const id = socket.connection.id;
                if (message.to ? message.to.includes(id) : !message.except.includes(id))
                    deliver(socket, message.data);
            }
        }
    }

    // GET /objects/{Class}/{name}/connect: the "connect" turn, then the client's hello.
    connect(request, url) {
        if ((request.headers.get("upgrade") ?? "").toLowerCase() !== "websocket")
            throw new AgentError("upgrade-required", "this route takes WebSocket clients only: send \"Upgrade: websocket\"");
        const [client, server] = Object.values(new WebSocketPair());
        const query = {};
        for (const [key, value] of url.searchParams) {
            if (key !== "access_token")
                query[key] = value;
        }
        const connection = { id: `c-${crypto.randomUUID()}`, query };
        this.ctx.acceptWebSocket(server);
        server.serializeAttachment(connection);
        try {
            this.runTurn((agent) => {
                if (typeof agent.onConnect === "function")
                    agent.onConnect(connection);
                this.turn.outbox.unshift({
                    to: [connection.id], hello: connection.id,
                    data: JSON.stringify({ type: "hello", connectionId: connection.id, className: this.className,
                                           name: this.name(), id: this.id(), state: this.state() }) });
            });
        } catch (e) {
            server.send(JSON.stringify({ type: "error", error: errorJson(e) }));
            server.close(1011, String(e.message ?? e).slice(0, 60));
        }
        return new Response(null, { status: 101, webSocket: client });
    }

    onSocketMessage(ws, message) {
        const connection = ws.deserializeAttachment();
        if (typeof message !== "string") {
            ws.close(1003, "Only text messages are taken");
            return;
        }
        let callId;
        try {
            this.runTurn((agent) => {
                if (typeof agent.onMessage === "function")
                    return agent.onMessage(connection, message);
                // Without onMessage, a call {"type": "call", "id", "method", "args"} runs a handler.
                let call;
                try {
                    call = JSON.parse(message);
                } catch (e) {
                    call = null;
                }
                if (!call || call.type !== "call")
                    throw new AgentError("invalid-argument", `${this.className} takes calls {"type": "call", "id", "method", "args"} over its connections; override onMessage() to take other messages`);
                callId = call.id;
                const fn = agent.__handlers[call.method];
                if (!fn)
                    throw new AgentError("unknown-method", `${this.className} has no method "${call.method}"`);
                const result = fn.call(agent, call.args ?? null);
                this.turn.outbox.push({ to: [connection.id],
                                        data: JSON.stringify({ type: "reply", id: call.id ?? null, result: result ?? null }) });
            });
        } catch (e) {
            const frame = { type: "error", error: errorJson(e) };
            if (callId !== undefined)
                frame.id = callId;
            try {
                ws.send(JSON.stringify(frame));
            } catch (ignored) {
                // closed meanwhile
            }
        }
    }

    onSocketClose(ws, code, reason) {
        const connection = ws.deserializeAttachment();
        try {
            ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
        } catch (e) {
            // already closed
        }
        try {
            this.runTurn((agent) => {
                if (typeof agent.onClose === "function")
                    agent.onClose(connection, code, reason);
            });
        } catch (e) {
            console.log(`${this.className}: the close turn of ${connection.id} failed: ${e.message ?? e}`);
        }
    }

    continuationOf(agent, name) {
        const fn = agent.__continuations[name];
        if (!fn)
            throw new AgentError("not-found", `${this.className} has no continuation "${name}"`);
        return fn;
    }

    checkContinuation(name) {
        if (typeof name !== "string" || !this.instance().__continuations[name])
            throw new AgentError("invalid-argument",
                                 `${this.className} has no continuation "${name}" (register it with this.continuation)`);
    }

    // The alarm goes off at the earliest due schedule or the next model/object call to send.
    arm() {
        const due = this.row(`SELECT min(t) AS t FROM (
                                  SELECT min(due_ms) AS t FROM _durable_schedules
                                  UNION ALL SELECT min(next_ms) FROM _durable_model_calls WHERE status != 'failed'
                                  UNION ALL SELECT min(next_ms) FROM _durable_calls)`)?.t;
        if (due === null || due === undefined)
            this.ctx.storage.deleteAlarm();
        else
            this.ctx.storage.setAlarm(Math.max(due, Date.now()));
    }

    // ---- the API behind Agent ----

    id() { return this.ctx.id.toString(); }
    name() { return this.objectRow().name ?? this.pendingName ?? ""; }
    nowMs() { return Date.now(); }

    readJson(relativePath) {
        if (!(relativePath in this.files))
            throw new AgentError("not-found",
                                 `readJson("${relativePath}"): a Worker has no files; pass it to durableObjectFor(Class, { files: { "${relativePath}": importedJson } })`);
        return JSON.parse(JSON.stringify(this.files[relativePath]));
    }

    state() {
        const row = this.objectRow();
        if (row.state !== null)
            return JSON.parse(row.state);
        const agent = this.instance();
        return typeof agent.initialState === "function" ? (agent.initialState() ?? {}) : {};
    }

    setState(next) {
        this.inTurn("setState");
        if (next === null || typeof next !== "object" || Array.isArray(next))
            throw new AgentError("invalid-argument", "setState(next): next is an object");
        const agent = this.instance();
        if (typeof agent.validateState === "function") {
            const verdict = agent.validateState(JSON.parse(JSON.stringify(next)));
            if (typeof verdict === "string" && verdict)
                throw new AgentError("invalid-argument", verdict);
        }
        this.objectRow();
        this.exec("UPDATE _durable_object SET state = ?, updated_ms = ? WHERE one = 1",
                  JSON.stringify(next), Date.now());
        this.turn.stateChanged = true;
    }

    step() { return this.objectRow().step; }

    setStep(step) {
        this.inTurn("setStep");
        const declared = this.AgentClass.steps;
        if (Array.isArray(declared) && !declared.includes(step))
            throw new AgentError("invalid-argument",
                                 `"${step}" is not a declared step of ${this.className} (${declared.join(", ")})`);
        this.objectRow();
        this.exec("UPDATE _durable_object SET step = ?, updated_ms = ? WHERE one = 1", String(step), Date.now());
    }

    checkKey(key) {
        if (typeof key !== "string" || !key)
            throw new AgentError("invalid-argument", "a key is a non-empty string");
        if (key.startsWith("_durable_"))
            throw new AgentError("invalid-argument", `the key "${key}" is reserved (_durable_*)`);
    }

    get(key) {
        const entry = this.turn?.kv.get(key);
        const text = entry ? (entry.removed ? undefined : entry.text) : this.kvCache.get(key);
        return text === undefined ? null : JSON.parse(text);
    }

    put(key, value) {
        this.inTurn("put");
        this.checkKey(key);
        const text = JSON.stringify(value === undefined ? null : value);
        this.ctx.storage.put(key, text);
        this.turn.kv.set(key, { text });
    }

    remove(key) {
        this.inTurn("remove");
        this.checkKey(key);
        const existed = this.get(key) !== null;
        this.ctx.storage.delete(key);
        this.turn.kv.set(key, { removed: true });
        return existed;
    }

    sql(query, params) {
        if (RESERVED.test(query))
            throw new AgentError("reserved-table", "user SQL may not touch _durable_* or _cf_* tables");
        let cursor;
        try {
            cursor = this.exec(query, ...(Array.isArray(params) ? params : [params]));
            const rows = cursor.raw().toArray();
            return { columns: cursor.columnNames, rows };
        } catch (e) {
            throw new AgentError("sql-error", `${e.message} (in: ${query})`);
        }
    }

    scheduleAt(dueMs, continuation, payload, cron) {
        this.inTurn("schedule");
        this.checkContinuation(continuation);
        if (!Number.isFinite(dueMs))
            throw new AgentError("invalid-argument", "schedule(): the time is not a number");
        const id = this.nextId("schedule");
        this.exec(`INSERT INTO _durable_schedules (id, due_ms, continuation, payload, cron, created_ms)
                   VALUES (?, ?, ?, ?, ?, ?)`, id, Math.round(dueMs), continuation, json(payload), cron, Date.now());
        return id;
    }

    scheduleCron(text, continuation, payload) {
        const next = cronNext(parseCron(text), Date.now());
        if (next === null)
            throw new AgentError("invalid-argument", `cron expression "${text}" never fires`);
        return this.scheduleAt(next, continuation, payload, text);
    }

    cancelSchedule(id) {
        this.inTurn("cancelSchedule");
        return this.exec("DELETE FROM _durable_schedules WHERE id = ? AND request_id IS NULL", String(id))
            .rowsWritten > 0;
    }

    askHuman(request, continuation) {
        this.inTurn("askHuman");
        this.checkContinuation(continuation);
        if (!request || typeof request.title !== "string" || !request.title)
            throw new AgentError("invalid-argument", "askHuman(request): request.title is required");
        const actions = Array.isArray(request.actions) && request.actions.length
            ? Array.from(new Set(request.actions)) : ["approve", "reject"];
        let deadlineMs = null;
        if (request.deadline !== undefined && request.deadline !== null) {
            deadlineMs = request.deadline instanceof Date ? request.deadline.getTime()
                : typeof request.deadline === "number" ? request.deadline : Date.parse(request.deadline);
            if (!Number.isFinite(deadlineMs) || deadlineMs <= Date.now())
                throw new AgentError("invalid-argument",
                                     `askHuman("${request.title}"): the deadline is invalid or in the past`);
        } else if (request.deadlineContinuation) {
            throw new AgentError("invalid-argument",
                                 `askHuman("${request.title}"): a deadline continuation but no deadline`);
        }
        if (request.deadlineContinuation)
            this.checkContinuation(request.deadlineContinuation);
        const id = this.nextId("request");
        let deadlineSchedule = null;
        if (deadlineMs !== null) {
            deadlineSchedule = this.nextId("schedule");
            this.exec(`INSERT INTO _durable_schedules (id, due_ms, continuation, payload, request_id, created_ms)
                       VALUES (?, ?, ?, NULL, ?, ?)`,
                      deadlineSchedule, deadlineMs, request.deadlineContinuation || "", id, Date.now());
        }
        this.exec(`INSERT INTO _durable_requests (id, title, prompt, context, actions, schema, deadline_ms,
                       continuation, deadline_continuation, deadline_schedule, created_ms)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
                  id, request.title, request.prompt ?? "", json(request.context), JSON.stringify(actions),
                  json(request.schema), deadlineMs, continuation, request.deadlineContinuation ?? null,
                  deadlineSchedule, Date.now());
        return id;
    }

    callModel(request, continuation, payload, offerTools) {
        this.inTurn("callModel");
        this.checkContinuation(continuation);
        if (!request || !Array.isArray(request.messages) || request.messages.length === 0)
            throw new AgentError("invalid-argument", "callModel(request): request.messages is required");
        const id = this.nextId("mc");
        this.exec(`INSERT INTO _durable_model_calls (id, continuation, payload, request, messages, offer_tools,
                       next_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
                  id, continuation, json(payload), JSON.stringify(request), JSON.stringify(request.messages),
                  offerTools ? 1 : 0, Date.now(), Date.now());
        return id;
    }

    callObject(className, name, method, args, continuation, payload) {
        this.inTurn("callObject");
        if (continuation !== null)
            this.checkContinuation(continuation);
        if (!className || !name || !method)
            throw new AgentError("invalid-argument", "callObject(className, name, method, ...) needs all three");
        const id = this.nextId("call");
        this.exec(`INSERT INTO _durable_calls (id, class, name, method, args, continuation, payload, next_ms,
                       created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
                  id, className, name, method, json(args), continuation, json(payload), Date.now(), Date.now());
        return id;
    }

    // ---- turns started from outside ----

    handleRequest(method, args, idempotencyKey) {
        return this.runTurn((agent) => {
            if (idempotencyKey) {
                const applied = this.row("SELECT reply FROM _durable_applied WHERE key = ?", idempotencyKey);
                if (applied)
                    return parsed(applied.reply);
            }
            const fn = agent.__handlers[method];
            if (!fn)
                throw new AgentError("not-found", `${this.className} has no method "${method}"`);
            const result = fn.call(agent, args);
            if (idempotencyKey)
                this.exec("INSERT INTO _durable_applied (key, reply, applied_ms) VALUES (?, ?, ?)",
                          idempotencyKey, json(result), Date.now());
            return result;
        });
    }

    requestInfo(row) {
        return { requestId: row.id, objectId: this.id(), className: this.className, objectName: this.name(),
                 title: row.title, prompt: row.prompt, context: parsed(row.context),
                 actions: JSON.parse(row.actions), schema: parsed(row.schema), deadlineMs: row.deadline_ms ?? -1,
                 continuation: row.continuation, deadlineContinuation: row.deadline_continuation ?? "",
                 createdMs: row.created_ms, status: row.status, response: parsed(row.response) };
    }

    answer(requestId, response) {
        return this.runTurn((agent) => {
            const row = this.row("SELECT * FROM _durable_requests WHERE id = ?", requestId);
            if (!row)
                throw new AgentError("not-found", `${this.className}/${this.name()} has no request "${requestId}"`);
            if (row.status !== "pending")
                throw new AgentError("conflict", `the request "${row.title}" was already ${row.status}`);
            const actions = JSON.parse(row.actions);
            if (!actions.includes(response.action))
                throw new AgentError("invalid-argument",
                                     `"${response.action}" is not an action of "${row.title}" (${actions.join(", ")})`);
            const answer = { action: response.action, text: response.text ?? "", value: response.value ?? null,
                             answeredBy: response.answeredBy ?? "" };
            this.exec("UPDATE _durable_requests SET status = 'answered', response = ?, answered_ms = ? WHERE id = ?",
                      JSON.stringify(answer), Date.now(), requestId);
            if (row.deadline_schedule)
                this.exec("DELETE FROM _durable_schedules WHERE id = ?", row.deadline_schedule);
            const info = this.requestInfo(Object.assign({}, row, { status: "answered" }));
            return this.continuationOf(agent, row.continuation).call(agent, info, answer);
        });
    }

    // Runs the schedules due at or before untilMs, each as its own turn, earliest first.
    runDueSchedules(untilMs) {
        let ran = 0;
        const failures = [];
        for (;;) {
            const schedule = this.row(`SELECT * FROM _durable_schedules WHERE due_ms <= ?
                                       ${failures.length ? `AND id NOT IN (${failures.map(() => "?").join(",")})` : ""}
                                       ORDER BY due_ms, id LIMIT 1`, untilMs, ...failures);
            if (!schedule)
                return ran;
            try {
                this.runTurn((agent) => this.fireSchedule(agent, schedule));
                ran++;
            } catch (e) {
                failures.push(schedule.id);
                console.error(`${this.className}/${this.name()}: schedule ${schedule.id} (${schedule.continuation}) failed: ${e}`);
                // The turn rolled back; count the attempt in a write of its own and back off.
                const attempts = schedule.attempts + 1;
                if (attempts >= MAX_SCHEDULE_ATTEMPTS)
                    this.exec("DELETE FROM _durable_schedules WHERE id = ?", schedule.id);
                else
                    this.exec("UPDATE _durable_schedules SET attempts = ?, due_ms = ? WHERE id = ?",
                              attempts, Date.now() + 1000 * 2 ** attempts, schedule.id);
                this.arm();
            }
        }
    }

    fireSchedule(agent, schedule) {
        if (schedule.request_id) { // an askHuman deadline
            this.exec("DELETE FROM _durable_schedules WHERE id = ?", schedule.id);
            const row = this.row("SELECT * FROM _durable_requests WHERE id = ?", schedule.request_id);
            if (!row || row.status !== "pending")
                return undefined;
            this.exec("UPDATE _durable_requests SET status = 'expired', answered_ms = ? WHERE id = ?",
                      Date.now(), row.id);
            if (!row.deadline_continuation)
                return undefined;
            const info = this.requestInfo(Object.assign({}, row, { status: "expired" }));
            return this.continuationOf(agent, row.deadline_continuation).call(agent, info);
        }
        if (schedule.cron) {
            const next = cronNext(parseCron(schedule.cron), Math.max(schedule.due_ms, Date.now()));
            if (next === null)
                this.exec("DELETE FROM _durable_schedules WHERE id = ?", schedule.id);
            else
                this.exec("UPDATE _durable_schedules SET due_ms = ?, attempts = 0 WHERE id = ?", next, schedule.id);
        } else {
            this.exec("DELETE FROM _durable_schedules WHERE id = ?", schedule.id);
        }
        return this.continuationOf(agent, schedule.continuation).call(agent, parsed(schedule.payload));
    }

    // ---- network work, outside turns ----

    async onAlarm() {
        for (let round = 0; round < 50; round++) {
            const ran = this.runDueSchedules(Date.now());
            const now = Date.now();
            const calls = this.rows("SELECT id FROM _durable_model_calls WHERE status != 'failed' AND next_ms <= ?", now)
                .concat(this.rows("SELECT id FROM _durable_calls WHERE next_ms <= ?", now));
            const work = calls.filter((c) => !this.busy.has(c.id));
            if (ran === 0 && work.length === 0)
                break;
            await Promise.all(work.map((c) => (c.id.startsWith("mc-") ? this.sendModelCall(c.id)
                                                                      : this.sendObjectCall(c.id))));
        }
        this.arm();
    }

    async sendModelCall(id) {
        this.busy.add(id);
        try {
            for (;;) {
                const call = this.row("SELECT * FROM _durable_model_calls WHERE id = ?", id);
                if (!call || call.status === "failed" || call.next_ms > Date.now())
                    return;
                const messages = JSON.parse(call.messages);
                const request = JSON.parse(call.request);
                const tools = call.offer_tools ? this.instance().__tools : [];
                let reply;
                try {
                    this.exec("UPDATE _durable_model_calls SET attempt = attempt + 1 WHERE id = ?", id);
                    reply = await this.fetchModel(request, messages, tools);
                } catch (e) {
                    const attempt = call.attempt + 1;
                    console.error(`${this.className}/${this.name()}: model call ${id} attempt ${attempt} failed: ${e.message}`);
                    if (attempt < MAX_ATTEMPTS) {
                        this.exec("UPDATE _durable_model_calls SET next_ms = ?, last_error = ? WHERE id = ?",
                                  Date.now() + 1000 * 2 ** attempt, e.message, id);
                        return;
                    }
                    reply = { content: e.message, toolCalls: [], finishReason: "error" };
                }
                if (reply.toolCalls.length && tools.length && reply.finishReason !== "error") {
                    if (call.rounds + 1 > MAX_TOOL_ROUNDS) {
                        reply = { content: `the model still called tools after ${MAX_TOOL_ROUNDS} rounds`,
                                  toolCalls: [], finishReason: "error" };
                    } else {
                        this.runToolRound(call, messages, reply);
                        continue; // call the model again with the tools' results
                    }
                }
                this.deliverModelReply(call, reply);
                return;
            }
        } finally {
            this.busy.delete(id);
        }
    }

    async fetchModel(request, messages, tools) {
        const base = this.env.MODEL_BASE_URL;
        if (!base)
            throw new Error("MODEL_BASE_URL is not set (an OpenAI-compatible endpoint, e.g. https://api.openai.com/v1)");
        const body = { model: this.env.MODEL_NAME || request.model || "gpt-4o-mini", messages };
        if (request.temperature !== undefined)
            body.temperature = request.temperature;
        if (tools.length) {
            body.tools = tools.map((t) => ({ type: "function",
                                             function: { name: t.name, description: t.description, parameters: t.parameters } }));
        }
        const headers = { "content-type": "application/json" };
        if (this.env.MODEL_API_KEY)
            headers.authorization = `Bearer ${this.env.MODEL_API_KEY}`;
        const response = await fetch(`${base.replace(/\/+$/, "")}/chat/completions`,
                                     { method: "POST", headers, body: JSON.stringify(body) });
        const text = await response.text();
        if (!response.ok)
            throw new Error(`the model endpoint answered ${response.status}: ${text.slice(0, 300)}`);
        const choice = JSON.parse(text).choices?.[0];
        if (!choice?.message)
            throw new Error(`the model endpoint answered without a choice: ${text.slice(0, 300)}`);
        const toolCalls = (choice.message.tool_calls || []).map((c) => {
            let args = c.function?.arguments ?? "{}";
            try {
                args = typeof args === "string" ? JSON.parse(args || "{}") : args;
            } catch (e) {
                args = { __unparsed: args };
            }
            return { id: c.id, name: c.function?.name, arguments: args };
        });
        return { content: choice.message.content ?? "", toolCalls,
                 finishReason: choice.finish_reason || (toolCalls.length ? "tool_calls" : "stop") };
    }

    // One turn: run the tools the model asked for and keep their results with the call.
    runToolRound(call, messages, reply) {
        this.runTurn((agent) => {
            messages.push({ role: "assistant", content: reply.content || null,
                            tool_calls: reply.toolCalls.map((c) => ({
                                id: c.id, type: "function",
                                function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) });
            for (const toolCall of reply.toolCalls) {
                const tool = agent.__tools.find((t) => t.name === toolCall.name);
                let result;
                if (!tool) {
                    result = `error: there is no tool "${toolCall.name}"`;
                } else {
                    const errors = schemaErrors(tool.parameters, toolCall.arguments, "");
                    if (errors.length) {
                        result = `error: ${errors.join("; ")}`;
                    } else {
                        // A tool that fails tells the model, as in the engine; its writes are undone.
                        try {
                            this.ctx.storage.transactionSync(() => {
                                result = tool.fn.call(agent, toolCall.arguments);
                            });
                        } catch (e) {
                            result = `error: ${e.message}`;
                        }
                    }
                }
                messages.push({ role: "tool", tool_call_id: toolCall.id,
                                content: typeof result === "string" ? result : JSON.stringify(result ?? null) });
            }
            this.exec("UPDATE _durable_model_calls SET messages = ?, rounds = rounds + 1, status = 'model' WHERE id = ?",
                      JSON.stringify(messages), call.id);
        });
    }

    deliverModelReply(call, reply) {
        try {
            this.runTurn((agent) => {
                this.exec("DELETE FROM _durable_model_calls WHERE id = ?", call.id);
                return this.continuationOf(agent, call.continuation).call(agent, parsed(call.payload), reply);
            });
        } catch (e) {
            console.error(`${this.className}/${this.name()}: continuation ${call.continuation} of ${call.id} failed: ${e}`);
            this.exec("UPDATE _durable_model_calls SET status = 'failed', last_error = ? WHERE id = ?",
                      `${call.continuation}: ${e.message}`, call.id);
        }
    }

    async sendObjectCall(id) {
        this.busy.add(id);
        try {
            const call = this.row("SELECT * FROM _durable_calls WHERE id = ?", id);
            if (!call)
                return;
            const to = `${call.class}/${call.name}.${call.method}`;
            let outcome;
            try {
                const namespace = this.env[this.bindings[call.class] ?? call.class];
                if (!namespace?.idFromName)
                    throw new AgentError("not-found", `no Durable Object binding for class "${call.class}"`);
                const stub = namespace.get(namespace.idFromName(call.name));
                const response = await stub.fetch(
                    `https://agent/objects/${encodeURIComponent(call.class)}/${encodeURIComponent(call.name)}/${encodeURIComponent(call.method)}`,
                    { method: "POST", body: call.args ?? "null",
                      headers: { "content-type": "application/json", "x-durable-object-name": call.name,
                                 "x-durable-call-id": `${this.id()}/${call.id}` } });
                const body = await response.json();
                outcome = response.ok ? { reply: body.result ?? null } : { error: body.error?.message ?? `HTTP ${response.status}` };
            } catch (e) {
                const attempt = call.attempt + 1;
                if (!(e instanceof AgentError) && attempt < MAX_ATTEMPTS) {
                    this.exec("UPDATE _durable_calls SET attempt = ?, next_ms = ?, last_error = ? WHERE id = ?",
                              attempt, Date.now() + 1000 * 2 ** attempt, e.message, id);
                    return;
                }
                outcome = { error: e.message };
            }
            try {
                this.runTurn((agent) => {
                    this.exec("DELETE FROM _durable_calls WHERE id = ?", id);
                    if (!call.continuation) {
                        if (outcome.error)
                            console.error(`${this.className}/${this.name()}: sendTo ${to} failed: ${outcome.error}`);
                        return undefined;
                    }
                    return this.continuationOf(agent, call.continuation).call(
                        agent, Object.assign({ callId: call.id, to, payload: parsed(call.payload) }, outcome));
                });
            } catch (e) {
                console.error(`${this.className}/${this.name()}: continuation ${call.continuation} of ${id} failed: ${e}`);
                this.exec("DELETE FROM _durable_calls WHERE id = ?", id);
            }
        } finally {
            this.busy.delete(id);
        }
    }

    // ---- HTTP ----

    snapshot() {
        const row = this.objectRow();
        return {
            className: this.className, name: row.name ?? "", id: this.id(), step: row.step, state: this.state(),
            pending: this.rows("SELECT * FROM _durable_requests WHERE status = 'pending' ORDER BY created_ms, id")
                .map((r) => this.requestInfo(r)),
            schedules: this.rows("SELECT id, due_ms, continuation, payload, cron, request_id FROM _durable_schedules ORDER BY due_ms")
                .map((s) => ({ id: s.id, dueMs: s.due_ms, continuation: s.continuation, payload: parsed(s.payload),
                               cron: s.cron, requestId: s.request_id })),
            modelCalls: this.rows("SELECT id, continuation, status, attempt, rounds, next_ms, last_error FROM _durable_model_calls ORDER BY id")
                .map((c) => ({ id: c.id, continuation: c.continuation, status: c.status, attempt: c.attempt,
                               rounds: c.rounds, nextMs: c.next_ms, lastError: c.last_error })),
            calls: this.rows("SELECT id, class, name, method, continuation, attempt, last_error FROM _durable_calls ORDER BY id")
                .map((c) => ({ id: c.id, to: `${c.class}/${c.name}.${c.method}`, continuation: c.continuation,
                               attempt: c.attempt, lastError: c.last_error })),
            nowMs: Date.now()
        };
    }

    async route(request) {
        const url = new URL(request.url);
        const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
        // parts: "objects", Class, name, ...rest
        if (parts[0] !== "objects" || parts.length < 3)
            return errorResponse(new AgentError("not-found", `no route ${url.pathname}`));
        this.rememberName(request.headers.get("x-durable-object-name") || parts[2]);
        const rest = parts.slice(3);
        const body = async () => {
            const text = await request.text();
            if (!text)
                return null;
            try {
                return JSON.parse(text);
            } catch (e) {
                throw new AgentError("invalid-argument", `the body is not JSON: ${e.message}`);
            }
        };
        try {
            if (request.method === "GET" && rest.length === 0)
                return Response.json(this.snapshot());
            if (request.method === "GET" && rest.length === 1 && rest[0] === "connect")
                return this.connect(request, url);
            if (request.method === "GET" && rest.length === 1 && rest[0] === "requests")
                return Response.json({ requests: this.snapshot().pending });
            if (request.method === "POST" && rest.length === 2 && rest[0] === "requests") {
                const answer = await body();
                if (!answer || typeof answer.action !== "string")
                    throw new AgentError("invalid-argument", 'an answer is {"action": ..., "text": ...}');
                return Response.json({ result: this.answer(rest[1], answer) ?? null });
            }
            if (request.method === "POST" && rest.length === 1 && rest[0] === "__advance") {
                if (this.env.DURABLE_TEST_ROUTES !== "1")
                    throw new AgentError("not-found", "__advance is a test route (DURABLE_TEST_ROUTES = \"1\")");
                const byMs = Number((await body())?.byMs ?? 0);
                if (!Number.isFinite(byMs) || byMs < 0)
                    throw new AgentError("invalid-argument", "__advance needs {\"byMs\": a delay >= 0}");
                return Response.json({ result: { ran: this.runDueSchedules(Date.now() + byMs) } });
            }
            if (request.method === "POST" && rest.length === 1 && !rest[0].startsWith("__")) {
                const args = await body();
                const result = this.handleRequest(rest[0], args, request.headers.get("x-durable-call-id"));
                return Response.json({ result: result ?? null });
            }
            return errorResponse(new AgentError("not-found", `no route ${request.method} ${url.pathname}`));
        } catch (e) {
            return errorResponse(e);
        }
    }
}

// The Durable Object class for an agent class. options: className (default AgentClass.name),
// files ({path: parsed JSON} for readJson), bindings ({className: env binding} for callObject;
// by default the binding is named like the class).
export function durableObjectFor(AgentClass, options = {}) {
    if (!(typeof AgentClass === "function" && AgentClass.prototype instanceof Agent))
        throw new TypeError("durableObjectFor(AgentClass): AgentClass does not extend Agent (import durable-agent.js first)");
    const DurableAgent = class {
        constructor(ctx, env) {
            this.host = new AgentHost(ctx, env, AgentClass, options);
            ctx.blockConcurrencyWhile(() => this.host.load());
        }
        fetch(request) { return this.host.route(request); }
        alarm() { return this.host.onAlarm(); }
        webSocketMessage(ws, message) { return this.host.onSocketMessage(ws, message); }
        webSocketClose(ws, code, reason) { return this.host.onSocketClose(ws, code, reason); }
        webSocketError(ws) { return this.host.onSocketClose(ws, 1006, "error"); }
    };
    Object.defineProperty(DurableAgent, "name", { value: options.className || AgentClass.name });
    return DurableAgent;
}

// The Worker's fetch handler: /objects/{Class}/{name}[/...] goes to that object.
// bindings: {className: env binding name}.
export function agentWorker(bindings) {
    return {
        async fetch(request, env) {
            const url = new URL(request.url);
            const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
            if (request.method === "GET" && parts.length === 0)
                return Response.json({ classes: Object.keys(bindings) });
            if (parts[0] !== "objects" || parts.length < 3)
                return errorResponse(new AgentError("not-found", `no route ${url.pathname}; use /objects/{Class}/{name}[/method]`));
            const binding = bindings[parts[1]];
            const namespace = binding && env[binding];
            if (!namespace)
                return errorResponse(new AgentError("not-found", `no agent class "${parts[1]}"`));
            const forwarded = new Request(request);
            forwarded.headers.set("x-durable-object-name", parts[2]);
            forwarded.headers.delete("x-durable-call-id"); // only objects send idempotency keys
            return namespace.get(namespace.idFromName(parts[2])).fetch(forwarded);
        }
    };
}
