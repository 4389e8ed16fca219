// SPDX-License-Identifier: MIT
// A test agent for the parts of the Agent API the recruitment agent does not use, run as a
// Durable Object by tests/cloudflare/run-scenario.mjs (api-checks.mjs drives it): key/value,
// SQL, a turn that fails and rolls back, validateState, steps, cron schedules, askHuman with a
// deadline, calls to other objects, readJson and WebSocket clients.
export class Notebook extends Agent {
    static get steps() { return ["open", "closed"]; }

    constructor() {
        super();
        this.handle("write", this.write);
        this.handle("read", this.read);
        this.handle("erase", this.erase);
        this.handle("writeThenFail", this.writeThenFail);
        this.handle("setCount", this.setCount);
        this.handle("setStep", this.changeStep);
        this.handle("touchReserved", this.touchReserved);
        this.handle("every5Minutes", this.every5Minutes);
        this.handle("cancel", this.cancel);
        this.handle("ask", this.ask);
        this.handle("askOther", this.askOther);
        this.handle("config", this.config);
        this.handle("whoAmI", this.whoAmI);
        this.handle("remindTomorrow", this.remindTomorrow);
        this.continuation("tick", this.tick);
        this.continuation("onAnswer", this.onAnswer);
        this.continuation("onExpired", this.onExpired);
        this.continuation("onWritten", this.onWritten);
    }

    initialState() { return { count: 0, ticks: 0 }; }
    validateState(next) { return next.count > 100 ? "count stops at 100" : undefined; }

    update(key, value) {
        const next = this.state();
        next[key] = value;
        this.setState(next);
    }

    write(args) {
        this.sql("CREATE TABLE IF NOT EXISTS lines (line TEXT NOT NULL, at INTEGER NOT NULL)");
        this.sql("INSERT INTO lines (line, at) VALUES (?, ?)", [args.line, this.now()]);
        this.put(args.key, args.value);
        this.update("count", this.state().count + 1);
        this.setStep("open");
        return this.state().count;
    }

    read(args) {
        const lines = this.sql("SELECT line FROM lines ORDER BY rowid");
        return { value: this.get(args.key), columns: lines.columns, rows: lines.rows };
    }

    erase(args) { return this.remove(args.key); }

    writeThenFail(args) {
        this.write(args);
        this.schedule(60000, "tick");
        throw new Error("failed after writing");
    }

    setCount(args) { this.update("count", args.count); return args.count; }
    changeStep(args) { this.setStep(args.step); return this.step(); }
    touchReserved() { return this.sql("SELECT * FROM _durable_object"); }
    every5Minutes() { return this.schedule("*/5 * * * *", "tick", { every: "5 minutes" }); }
    remindTomorrow() { return this.schedule(new Date(this.now() + 24 * 3600000), "tick", { reminder: true }); }
    cancel(args) { return this.cancelSchedule(args.id); }
    tick(payload) { this.update("ticks", this.state().ticks + 1); this.update("tickPayload", payload); }

    ask(args) {
        return this.askHuman({ title: args.title, prompt: "Keep the note?", actions: ["approve", "reject"],
                               deadline: this.now() + 3600000, deadlineContinuation: "onExpired" },
                             "onAnswer");
    }
    onAnswer(request, response) { this.update("answer", { title: request.title, action: response.action, text: response.text }); }
    onExpired(request) { this.update("expired", request.title); }

    askOther(args) {
        this.callObject("Notebook", args.other, "write", { key: "from", value: this.objectName, line: "called" },
                        "onWritten", "first");
        this.callObject("Notebook", args.other, "noSuchMethod", {}, "onWritten", "second");
        this.sendTo("Notebook", args.other, "write", { key: "sent", value: true, line: "sent" });
        return true;
    }
    onWritten(reply) {
        const replies = this.state().replies || {};
        replies[reply.payload] = reply;
        this.update("replies", replies);
    }

    config() { return this.readJson("notebook.json"); }
    whoAmI() { return { id: this.id, name: this.objectName }; }

    // WebSocket clients (the socket checks of api-checks.mjs): how many are connected, in the state.
    onConnect(connection) {
        this.update("clients", (this.state().clients ?? 0) + 1);
        this.broadcast({ joined: connection.query.user ?? "?" }, [connection.id]);
    }
    onClose(connection, code) {
        this.update("clients", this.state().clients - 1);
        this.update("lastClose", code);
    }
}
