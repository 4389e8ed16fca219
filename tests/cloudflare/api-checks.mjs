// SPDX-License-Identifier: MIT
// Checks of the adapter's Agent API beyond the recruitment scenario, through HTTP against the
// Notebook test agent (notebook.js): key/value in _cf_KV, SQL, rollback of a failed turn,
// validateState, declared steps, reserved tables, cron schedules, cancelSchedule, askHuman
// deadlines and answers, calls between objects, readJson and WebSocket clients. Called by
// run-scenario.mjs.

export async function apiChecks(runner, worker, Failure) {
    let count = 0;
    const check = (ok, what, detail) => {
        if (!ok)
            throw new Failure(`api check: ${what}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
        count++;
    };
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const base = (name) => `/objects/Notebook/${name}`;
    const call = (name, method, args) => runner.http("POST", `${base(name)}/${method}`, args ?? null, worker);
    const get = (name) => runner.idle(base(name), worker);

    // initial state, then one write: SQL, key/value, state and step in one turn
    let object = await get("ada");
    check(same(object.state, { count: 0, ticks: 0 }) && object.step === "", "initialState and no step at first", object);
    let reply = await call("ada", "write", { key: "profile", value: { lang: "en", n: 1 }, line: "first" });
    check(reply.status === 200 && reply.json.result === 1, "write returns the new count", reply.json);
    await call("ada", "write", { key: "kept", value: "stays in _cf_KV", line: "second" });
    reply = await call("ada", "read", { key: "profile" });
    check(same(reply.json.result, { value: { lang: "en", n: 1 }, columns: ["line"], rows: [["first"], ["second"]] }),
          "get returns what put stored and sql returns {columns, rows}", reply.json);

    // a turn that throws after writing leaves nothing behind
    reply = await call("ada", "writeThenFail", { key: "profile", value: "overwritten", line: "bad" });
    check(reply.status === 500 && reply.json.error?.code === "script-error" &&
          reply.json.error.message.includes("failed after writing"), "an exception fails the turn with its message", reply.json);
    reply = await call("ada", "read", { key: "profile" });
    object = await get("ada");
    check(same(reply.json.result.value, { lang: "en", n: 1 }) && reply.json.result.rows.length === 2 &&
          object.state.count === 2 && object.schedules.length === 0,
          "the failed turn's put, SQL insert, state and schedule were rolled back", { read: reply.json, object });

    // refusals keep their codes and HTTP statuses
    reply = await call("ada", "setCount", { count: 101 });
    check(reply.status === 400 && reply.json.error?.code === "invalid-argument" &&
          reply.json.error.message === "count stops at 100", "validateState refuses with invalid-argument", reply.json);
    reply = await call("ada", "setStep", { step: "flying" });
    check(reply.status === 400 && /not a declared step/.test(reply.json.error?.message), "an undeclared step is refused", reply.json);
    reply = await call("ada", "touchReserved");
    check(reply.status === 400 && reply.json.error?.code === "reserved-table", "user SQL may not read _durable_ tables", reply.json);
    reply = await call("ada", "nothingLikeThis");
    check(reply.status === 404 && reply.json.error?.code === "not-found", "an unknown method is not-found", reply.json);
    reply = await runner.http("POST", `${base("ada")}/write`, undefined, worker);
    check(reply.status === 500 || reply.status === 400, "a call without arguments fails the turn", reply.json);

    // key/value removal
    await call("ada", "write", { key: "scratch", value: 42, line: "third" });
    reply = await call("ada", "erase", { key: "scratch" });
    check(reply.json.result === true, "remove returns true for a key that was there", reply.json);
    reply = await call("ada", "erase", { key: "scratch" });
    check(reply.json.result === false, "remove returns false the second time", reply.json);

    // cron: "*/5 * * * *" advanced by 10 minutes fires twice and stays scheduled
    reply = await call("ada", "every5Minutes");
    const scheduleId = reply.json.result;
    object = await get("ada");
    const cron = object.schedules.find((s) => s.id === scheduleId);
    check(cron && cron.cron === "*/5 * * * *" && cron.dueMs > object.nowMs && cron.dueMs <= object.nowMs + 300000 &&
          new Date(cron.dueMs).getUTCMinutes() % 5 === 0 && cron.dueMs % 60000 === 0,
          "a cron schedule is due at the next 5-minute mark", object.schedules);
    reply = await runner.http("POST", `${base("ada")}/__advance`, { byMs: 600000 }, worker);
    object = await get("ada");
    check(reply.json.result?.ran === 2 && object.state.ticks === 2 && same(object.state.tickPayload, { every: "5 minutes" }),
          "advancing 10 minutes runs the 5-minute cron twice with its payload", { reply: reply.json, state: object.state });
    const next = object.schedules.find((s) => s.id === scheduleId);
    check(next && next.dueMs > object.nowMs + 600000 - 60000, "the cron schedule is due again later", object.schedules);
    reply = await call("ada", "cancel", { id: scheduleId });
    check(reply.json.result === true, "cancelSchedule returns true", reply.json);
    reply = await call("ada", "cancel", { id: scheduleId });
    object = await get("ada");
    check(reply.json.result === false && object.schedules.length === 0, "a cancelled schedule is gone", object.schedules);

    // askHuman: an answer runs the continuation once; a deadline expires the request
    reply = await call("ada", "ask", { title: "Keep note one" });
    const firstId = reply.json.result;
    object = await get("ada");
    check(object.pending.length === 1 && object.pending[0].deadlineMs > object.nowMs &&
          object.schedules.length === 1, "a request with a deadline is pending, its deadline scheduled", object);
    reply = await runner.http("POST", `${base("ada")}/requests/${firstId}`, { action: "respond" }, worker);
    check(reply.status === 400 && reply.json.error?.code === "invalid-argument", "an action the request does not offer is refused", reply.json);
    reply = await runner.http("POST", `${base("ada")}/requests/${firstId}`, { action: "approve", text: "yes" }, worker);
    object = await get("ada");
    check(reply.status === 200 && same(object.state.answer, { title: "Keep note one", action: "approve", text: "yes" }) &&
          object.pending.length === 0 && object.schedules.length === 0,
          "the answer ran onAnswer and removed the deadline", object);
    reply = await runner.http("POST", `${base("ada")}/requests/${firstId}`, { action: "approve" }, worker);
    check(reply.status === 409 && reply.json.error?.code === "conflict", "a second answer is a conflict (409)", reply.json);
    await call("ada", "ask", { title: "Keep note two" });
    await runner.http("POST", `${base("ada")}/__advance`, { byMs: 2 * 3600000 }, worker);
    object = await get("ada");
    check(object.state.expired === "Keep note two" && object.pending.length === 0, "the deadline expired the request", object);

    // calls between objects: the reply (or the error) comes back as a continuation turn
    reply = await call("ada", "askOther", { other: "bob" });
    check(reply.json.result === true, "askOther returns at once", reply.json);
    object = await get("ada");
    const replies = object.state.replies || {};
    // the call and the sendTo are sent together: either may reach bob first
    check([1, 2].includes(replies.first?.reply) && replies.first?.to === "Notebook/bob.write" && replies.first?.payload === "first",
          "callObject's reply arrives in the continuation", replies);
    check(typeof replies.second?.error === "string" && replies.second.error.includes("noSuchMethod") && !("reply" in replies.second),
          "a call to a missing method arrives as an error", replies);
    const bob = await get("bob");
    reply = await call("bob", "read", { key: "from" });
    check(bob.state.count === 2 && reply.json.result.value === "ada" && bob.name === "bob",
          "the callee applied the call and the sendTo once each", { state: bob.state, read: reply.json });

    // readJson reads the files given to durableObjectFor; the id and name are the object's
    reply = await call("ada", "config");
    check(same(reply.json.result, { title: "Notes", pages: 3 }), "readJson returns a bundled file", reply.json);
    reply = await call("ada", "whoAmI");
    check(reply.json.result?.name === "ada" && /^[0-9a-f]{64}$/.test(reply.json.result?.id ?? ""), "id and objectName", reply.json);

    // the state survives a restart
    await runner.stop();
    await runner.start();
    reply = await call("ada", "read", { key: "kept" });
    object = await get("ada");
    check(reply.json.result.value === "stays in _cf_KV" && object.state.count === 3 && object.step === "open",
          "key/value, state and step survive a restart", { read: reply.json, object });

    // leave one alarm set, for readers of the persist folder (a Date schedule a day ahead)
    reply = await call("ada", "remindTomorrow");
    object = await get("ada");
    check(object.schedules.length === 1 && Math.abs(object.schedules[0].dueMs - object.nowMs - 86400000) < 5000,
          "a Date schedule a day ahead", object.schedules);
    // WebSocket clients: the hello, calls and their replies, the state after commit to every
    // client, errors to the caller only, the close turn.
    const open = async (user) => {
        const target = await runner.mf.getWorker(worker);
        const response = await target.fetch(`http://localhost${base("room")}/connect?user=${user}`,
                                            { headers: { Upgrade: "websocket" } });
        const ws = response.webSocket;
        check(response.status === 101 && ws, `the connect route upgrades (${user})`, response.status);
        const frames = [];
        ws.addEventListener("message", (event) => frames.push(JSON.parse(event.data)));
        ws.accept();
        return { ws, frames, send: (value) => ws.send(typeof value === "string" ? value : JSON.stringify(value)) };
    };
    const until = async (client, test, what) => {
        for (let i = 0; i < 500; i++) {
            const found = client.frames.find(test);
            if (found)
                return found;
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        check(false, what, client.frames);
    };
    const annSocket = await open("ann");
    const hello = await until(annSocket, (f) => f.type === "hello", "a client's first message is its hello");
    check(hello.className === "Notebook" && hello.name === "room" && hello.state.clients === 1 &&
          /^c-/.test(hello.connectionId), "the hello names the object and carries the state", hello);
    const bobSocket = await open("bob");
    await until(bobSocket, (f) => f.type === "hello" && f.state.clients === 2, "the second client's hello");
    await until(annSocket, (f) => f.joined === "bob", "onConnect's broadcast reaches the others");
    await until(annSocket, (f) => f.type === "state" && f.state.clients === 2, "the state reaches every client after commit");
    annSocket.send({ type: "call", id: 1, method: "write", args: { key: "k", value: 1, line: "via a socket" } });
    await until(annSocket, (f) => f.type === "reply" && f.id === 1 && f.result === 1, "a call is answered to its caller");
    await until(bobSocket, (f) => f.type === "state" && f.state.count === 1, "the call's state reaches the other client");
    check(!bobSocket.frames.some((f) => f.type === "reply"), "the reply is the caller's only", bobSocket.frames);
    bobSocket.send({ type: "call", id: 2, method: "noSuchMethod" });
    await until(bobSocket, (f) => f.type === "error" && f.id === 2 && f.error.code === "unknown-method", "an unknown method is an error to the caller");
    bobSocket.send("just text");
    await until(bobSocket, (f) => f.type === "error" && f.id === undefined && /override onMessage/.test(f.error.message),
                "a message that is not a call fails its turn and says why");
    check(!annSocket.frames.some((f) => f.type === "error"), "errors are the caller's only", annSocket.frames);
    annSocket.ws.close(1000, "bye");
    await until(bobSocket, (f) => f.type === "state" && f.state.clients === 1 && f.state.lastClose === 1000,
                "the close turn runs onClose and its state reaches the others");
    bobSocket.ws.close(1000, "done");

    console.log(`ok   api checks on the Notebook test agent: ${count} checks passed`);
}
