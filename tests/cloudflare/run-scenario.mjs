#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Runs a scenario file (resources/scenarios/recruitment.json by default) against the unmodified
// JavaScript recruitment agent as a Cloudflare Durable Object under Miniflare, through HTTP only:
// resources/cloudflare/worker.js + durable-agent.js + resources/examples/js/recruitment.js, with
// a fake OpenAI-compatible endpoint on 127.0.0.1 that answers from the agent's scripted rules.
//
//   node tests/cloudflare/run-scenario.mjs [--persist DIR] [--scenario FILE] [--rules FILE]
//
// --persist DIR keeps the objects' state in DIR the way wrangler keeps .wrangler/state:
// DIR/v3/do/durable-recruitment-Recruitment/<object id>.sqlite. Without it a temporary folder
// is used and removed. Exits 0 when every step passed, 1 (with the failing step) otherwise.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { apiChecks } from "./api-checks.mjs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cloudflareDir = path.join(root, "resources", "cloudflare");
const SCRIPT_NAME = "durable-recruitment"; // wrangler.toml's name: the persist folder's prefix
const NOTEBOOK_SCRIPT_NAME = "durable-notebook";
const WAIT_MS = 15000;

class ScenarioFailure extends Error {}

function usage(message) {
    console.error(`${message}\nusage: node tests/cloudflare/run-scenario.mjs [--persist DIR] [--scenario FILE] [--rules FILE]`);
    process.exit(2);
}

function parseArguments(argv) {
    const options = {
        scenario: path.join(root, "resources", "scenarios", "recruitment.json"),
        agent: path.join(root, "resources", "examples", "js", "recruitment.js"),
        rules: path.join(root, "resources", "examples", "js", "recruitment-rules.json"),
        persist: null
    };
    for (let i = 0; i < argv.length; i++) {
        const key = argv[i].replace(/^--/, "");
        if (!["persist", "scenario", "rules", "agent"].includes(key) || argv[i + 1] === undefined)
            usage(`unknown or incomplete option ${argv[i]}`);
        options[key] = path.resolve(argv[++i]);
    }
    return options;
}

async function loadMiniflare() {
    if (!existsSync(path.join(cloudflareDir, "node_modules", "miniflare")))
        throw new ScenarioFailure("Miniflare is not installed in resources/cloudflare/node_modules: run packaging/install-deps.sh (or npm ci --prefix resources/cloudflare)");
    const require = createRequire(path.join(cloudflareDir, "package.json"));
    const module = await import(pathToFileURL(require.resolve("miniflare")).href);
    const version = JSON.parse(readFileSync(path.join(cloudflareDir, "node_modules", "miniflare", "package.json"), "utf8")).version;
    return { Miniflare: module.Miniflare ?? module.default.Miniflare, version };
}

// ---- the fake model: an OpenAI-compatible /chat/completions answering from scripted rules ----

function lastToolResult(messages) {
    for (let i = messages.length - 1; i >= 0; i--) {
        if (messages[i].role === "tool")
            return messages[i].content ?? "";
        if (messages[i].role === "user")
            break;
    }
    return null;
}

function conditionHolds(field, test, messages) {
    let subject;
    if (field === "system")
        subject = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n");
    else if (field === "lastUser")
        subject = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
    else if (field === "lastToolResult")
        subject = lastToolResult(messages);
    else
        throw new ScenarioFailure(`rules: unknown condition "${field}"`);
    if (subject === null)
        return false;
    const condition = typeof test === "string" ? { contains: test } : test;
    if (condition.contains && !subject.toLowerCase().includes(condition.contains.toLowerCase()))
        return false;
    if (condition.matches && !new RegExp(condition.matches).test(subject))
        return false;
    return true;
}

function substitute(value, variables) {
    if (typeof value === "string")
        return Object.entries(variables).reduce((text, [name, v]) => text.split(name).join(v), value);
    if (Array.isArray(value))
        return value.map((v) => substitute(v, variables));
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, variables)]));
    return value;
}

function startFakeModel(rulesFile) {
    const script = JSON.parse(readFileSync(rulesFile, "utf8"));
    const requests = []; // every request the agent sent, for the checks after the scenario
    let toolCallCount = 0;
    const server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk) => { body += chunk; });
        req.on("end", () => {
            if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
                res.writeHead(404).end("not found");
                return;
            }
            const request = JSON.parse(body);
            const messages = request.messages || [];
            const rule = script.rules.find((r) => Object.entries(r.when || {})
                .every(([field, test]) => conditionHolds(field, test, messages))) ?? script.fallback;
            requests.push({ request, rule: rule?.name ?? "fallback", authorization: req.headers.authorization });
            const raw = typeof rule.reply === "string" ? { content: rule.reply } : rule.reply;
            const reply = substitute(raw, {
                "{{last_tool_result}}": lastToolResult(messages) ?? "",
                "{{last_user}}": [...messages].reverse().find((m) => m.role === "user")?.content ?? "",
                "{{system}}": messages.filter((m) => m.role === "system").map((m) => m.content).join("\n"),
                "{{model}}": request.model ?? ""
            });
            const toolCalls = (reply.toolCalls || []).map((c) => ({
                id: c.id ?? `call-${++toolCallCount}`, type: "function",
                function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) } }));
            const message = { role: "assistant", content: reply.content ?? null };
            if (toolCalls.length)
                message.tool_calls = toolCalls;
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ id: `fake-${requests.length}`, object: "chat.completion",
                                     model: request.model, choices: [{ index: 0, message,
                                     finish_reason: reply.finishReason ?? (toolCalls.length ? "tool_calls" : "stop") }] }));
        });
    });
    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => resolve({ server, requests, port: server.address().port }));
    });
}

// ---- Miniflare: the Worker, started and restarted on one persist folder ----

function workerOptions(options, modelPort, doPersist) {
    const recruitment = {
        name: SCRIPT_NAME,
        compatibilityDate: "2025-07-01",
        modulesRoot: cloudflareDir,
        modules: [
            { type: "ESModule", path: path.join(cloudflareDir, "worker.js") },
            { type: "ESModule", path: path.join(cloudflareDir, "durable-agent.js") },
            // the agent file exactly as the studio runs it
            { type: "ESModule", path: path.join(cloudflareDir, "recruitment.js"),
              contents: readFileSync(options.agent, "utf8") }
        ],
        durableObjects: { RECRUITMENT: { className: "Recruitment", useSQLite: true } },
        bindings: { MODEL_BASE_URL: `http://127.0.0.1:${modelPort}/v1`, MODEL_NAME: "fake-model",
                    MODEL_API_KEY: "test-key", DURABLE_TEST_ROUTES: "1" }
    };
    // The API the recruitment agent does not use, on a test agent (api-checks.mjs).
    const testDir = path.join(root, "tests", "cloudflare");
    const notebook = {
        name: NOTEBOOK_SCRIPT_NAME,
        compatibilityDate: "2025-07-01",
        modulesRoot: cloudflareDir,
        modules: [
            { type: "ESModule", path: path.join(cloudflareDir, "notebook-worker.js"),
              contents: readFileSync(path.join(testDir, "notebook-worker.js"), "utf8") },
            { type: "ESModule", path: path.join(cloudflareDir, "durable-agent.js") },
            { type: "ESModule", path: path.join(cloudflareDir, "notebook.js"),
              contents: readFileSync(path.join(testDir, "notebook.js"), "utf8") }
        ],
        durableObjects: { NOTEBOOK: { className: "Notebook", useSQLite: true } },
        bindings: { DURABLE_TEST_ROUTES: "1" }
    };
    return { workers: [recruitment, notebook], durableObjectsPersist: doPersist };
}

// ---- the scenario ----

function parseDuration(by) {
    if (typeof by === "number")
        return by;
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)$/.exec(String(by).trim());
    if (!match)
        throw new ScenarioFailure(`advance: cannot read the duration "${by}"`);
    const unit = { ms: 1, s: 1000, m: 60000, min: 60000, h: 3600000, d: 86400000 }[match[2]];
    return Number(match[1]) * unit;
}

function dotted(object, dottedPath) {
    return dottedPath.split(".").reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), object);
}

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

class Runner {
    constructor(Miniflare, options, model, doPersist) {
        this.Miniflare = Miniflare;
        this.options = options;
        this.model = model;
        this.doPersist = doPersist;
        this.objects = new Map(); // "Class/name" -> {className, name}
    }

    async start() {
        this.mf = new this.Miniflare(workerOptions(this.options, this.model.port, this.doPersist));
        await this.mf.ready;
    }

    async stop() {
        if (this.mf)
            await this.mf.dispose();
        this.mf = null;
    }

    // worker: undefined for the recruitment worker, or another worker's name.
    async http(method, urlPath, body, worker) {
        const init = { method, headers: { "content-type": "application/json" },
                       body: body === undefined ? undefined : JSON.stringify(body) };
        const response = worker ? await (await this.mf.getWorker(worker)).fetch(`http://localhost${urlPath}`, init)
                                : await this.mf.dispatchFetch(`http://localhost${urlPath}`, init);
        const text = await response.text();
        let json;
        try {
            json = JSON.parse(text);
        } catch (e) {
            throw new ScenarioFailure(`${method} ${urlPath} answered ${response.status} with no JSON: ${text.slice(0, 500)}`);
        }
        return { status: response.status, json };
    }

    objectPath(step) {
        const className = step.class ?? this.defaults.class;
        const name = step.name ?? this.defaults.name;
        if (!className || !name)
            throw new ScenarioFailure("the step names no object (class and name, or defaults)");
        this.objects.set(`${className}/${name}`, { className, name });
        return `/objects/${encodeURIComponent(className)}/${encodeURIComponent(name)}`;
    }

    async snapshot(objectPath, worker) {
        const { status, json } = await this.http("GET", objectPath, undefined, worker);
        if (status !== 200)
            throw new ScenarioFailure(`GET ${objectPath} answered ${status}: ${JSON.stringify(json)}`);
        return json;
    }

    // Waits until the object has no model call or object call in flight and no schedule due:
    // every continuation the last step started has run (as the studio's runner waits for idle).
    async idle(objectPath, worker) {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
            const object = await this.snapshot(objectPath, worker);
            const failed = object.modelCalls.filter((c) => c.status === "failed");
            if (failed.length)
                throw new ScenarioFailure(`model call ${failed[0].id} failed: ${failed[0].lastError}`);
            const busy = object.modelCalls.length + object.calls.length
                + object.schedules.filter((s) => s.dueMs <= object.nowMs).length;
            if (busy === 0)
                return object;
            if (Date.now() > deadline)
                throw new ScenarioFailure(`the object did not become idle within ${WAIT_MS} ms: ${JSON.stringify({ modelCalls: object.modelCalls, calls: object.calls })}`);
            await sleep(25);
        }
    }

    async run(scenario) {
        this.defaults = scenario.defaults || {};
        const steps = scenario.steps || [];
        for (let i = 0; i < steps.length; i++) {
            const step = steps[i];
            const label = `step ${i + 1}/${steps.length} ${step.do}${step.title ? ` (${step.title})` : ""}`;
            try {
                await this.runStep(step);
            } catch (e) {
                if (e instanceof ScenarioFailure)
                    throw new ScenarioFailure(`${label}: ${e.message}`);
                throw e;
            }
            console.log(`ok   ${label}`);
        }
    }

    async runStep(step) {
        switch (step.do) {
        case "call": {
            const objectPath = this.objectPath(step);
            const { status, json } = await this.http("POST", `${objectPath}/${encodeURIComponent(step.method)}`, step.args ?? null);
            if (step.expectError !== undefined) {
                const want = typeof step.expectError === "string" ? { code: step.expectError } : step.expectError;
                if (!json.error)
                    throw new ScenarioFailure(`expected an error ${JSON.stringify(want)}, got ${status} ${JSON.stringify(json)}`);
                if (want.code && json.error.code !== want.code)
                    throw new ScenarioFailure(`expected the error code "${want.code}", got "${json.error.code}": ${json.error.message}`);
                if (want.message && !json.error.message.toLowerCase().includes(want.message.toLowerCase()))
                    throw new ScenarioFailure(`expected an error saying "${want.message}", got "${json.error.message}"`);
                if (want.code === "conflict" && status !== 409)
                    throw new ScenarioFailure(`a conflict should answer HTTP 409, got ${status}`);
                return;
            }
            if (status !== 200 || json.error)
                throw new ScenarioFailure(`${step.method} failed (${status}): ${JSON.stringify(json.error ?? json)}`);
            if (step.expect !== undefined && !same(json.result, step.expect))
                throw new ScenarioFailure(`expected ${JSON.stringify(step.expect)}, got ${JSON.stringify(json.result)}`);
            return;
        }
        case "assertState": {
            const object = await this.idle(this.objectPath(step));
            for (const [key, want] of Object.entries(step.state || {})) {
                const got = dotted(object.state, key);
                if (!same(got, want))
                    throw new ScenarioFailure(`state.${key} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (state ${JSON.stringify(object.state)})`);
            }
            return;
        }
        case "assertStep": {
            const object = await this.idle(this.objectPath(step));
            if (object.step !== step.step)
                throw new ScenarioFailure(`the step is "${object.step}", expected "${step.step}"`);
            return;
        }
        case "assertPending": {
            const object = await this.idle(this.objectPath(step));
            if (step.count !== undefined && object.pending.length !== step.count)
                throw new ScenarioFailure(`${object.pending.length} pending requests, expected ${step.count}: ${JSON.stringify(object.pending.map((r) => r.title))}`);
            if (step.titles && !same(object.pending.map((r) => r.title), step.titles))
                throw new ScenarioFailure(`pending ${JSON.stringify(object.pending.map((r) => r.title))}, expected ${JSON.stringify(step.titles)}`);
            return;
        }
        case "answer": {
            const objectPath = this.objectPath(step);
            await this.idle(objectPath);
            const { json: listed } = await this.http("GET", `${objectPath}/requests`);
            const wanted = String(step.request ?? "").toLowerCase();
            const request = listed.requests.find((r) => r.title === step.request || r.title.toLowerCase().includes(wanted));
            if (!request)
                throw new ScenarioFailure(`no pending request "${step.request}" (pending: ${JSON.stringify(listed.requests.map((r) => r.title))})`);
            const answer = { action: step.action };
            for (const field of ["text", "value", "answeredBy"]) {
                if (step[field] !== undefined)
                    answer[field] = step[field];
            }
            const { status, json } = await this.http("POST", `${objectPath}/requests/${encodeURIComponent(request.requestId)}`, answer);
            if (step.expectError !== undefined) {
                const code = typeof step.expectError === "string" ? step.expectError : step.expectError.code;
                if (json.error?.code !== code)
                    throw new ScenarioFailure(`expected the error "${code}", got ${status} ${JSON.stringify(json)}`);
                return;
            }
            if (status !== 200 || json.error)
                throw new ScenarioFailure(`answering "${request.title}" failed (${status}): ${JSON.stringify(json.error ?? json)}`);
            return;
        }
        case "restart":
            await this.stop();
            await this.start();
            return;
        case "advance": {
            // Virtual time does not exist on Workers: run every schedule due within "by" from now
            // on each object the scenario touched, through the test-only __advance route.
            const byMs = parseDuration(step.by);
            for (const { className, name } of this.objects.values()) {
                const objectPath = `/objects/${encodeURIComponent(className)}/${encodeURIComponent(name)}`;
                const { status, json } = await this.http("POST", `${objectPath}/__advance`, { byMs });
                if (status !== 200)
                    throw new ScenarioFailure(`__advance on ${className}/${name} answered ${status}: ${JSON.stringify(json)}`);
            }
            return;
        }
        default:
            throw new ScenarioFailure(`the step "${step.do}" is not supported under Miniflare`);
        }
    }
}

// Checks that go beyond the scenario file: what the fake model saw and what the agent kept.
async function checkRecruitment(runner, model, rules) {
    const grace = await runner.idle("/objects/Recruitment/grace");
    const followUp = rules.rules.find((r) => r.name === "follow-up").reply.content;
    const expect = (ok, message) => {
        if (!ok)
            throw new ScenarioFailure(`after the scenario: ${message}`);
    };
    expect(grace.state.followUpMessage === followUp,
           `grace's followUpMessage is ${JSON.stringify(grace.state.followUpMessage)}, expected the follow-up rule's reply`);
    expect(grace.state.slot?.interviewer === "Sam Rivera" && grace.state.slot?.durationMinutes === 45,
           `the proposeInterviewSlot tool did not record the slot: ${JSON.stringify(grace.state.slot)}`);
    expect(grace.state.interview === "Interview proposed: booked next Tuesday 10:00 for 45 minutes with Sam Rivera",
           `the interview confirmation is ${JSON.stringify(grace.state.interview)}`);
    expect(grace.schedules.length === 0 && grace.modelCalls.length === 0,
           `grace still has schedules or model calls: ${JSON.stringify({ s: grace.schedules, m: grace.modelCalls })}`);
    const byRule = (name) => model.requests.filter((r) => r.rule === name);
    expect(byRule("screen").length === 2 && byRule("screen").every((r) => !r.request.tools),
           "the screening calls (one per candidate) should offer no tools");
    const propose = byRule("propose-slot");
    expect(propose.length === 1 && propose[0].request.tools?.[0]?.function?.name === "proposeInterviewSlot",
           "the booking call should offer the proposeInterviewSlot tool, once");
    const booked = byRule("slot-booked");
    expect(booked.length === 1 && booked[0].request.messages.some((m) => m.role === "tool"),
           "the model should be called again with the tool's result");
    expect(byRule("follow-up").length === 1, "the follow-up should call the model once");
    expect(model.requests.length === 5, `the agent called the model ${model.requests.length} times, expected 5`);
    expect(model.requests.every((r) => r.authorization === "Bearer test-key" && r.request.model === "fake-model"),
           "every call should carry MODEL_API_KEY and MODEL_NAME");
    console.log(`ok   after the scenario: the follow-up text, the booked slot and the ${model.requests.length} model requests are as the rules say`);
}

async function main() {
    const options = parseArguments(process.argv.slice(2));
    const started = Date.now();
    const { Miniflare, version } = await loadMiniflare();
    const scenario = JSON.parse(readFileSync(options.scenario, "utf8"));
    const rules = JSON.parse(readFileSync(options.rules, "utf8"));
    const persistRoot = options.persist ?? mkdtempSync(path.join(tmpdir(), "durable-cloudflare-"));
    const doPersist = path.join(persistRoot, "v3", "do");
    // A kept folder from an earlier run would fail the scenario's first call (already
    // submitted): start this script's own objects afresh, and leave anything else there alone.
    for (const folder of [`${SCRIPT_NAME}-Recruitment`, `${NOTEBOOK_SCRIPT_NAME}-Notebook`])
        rmSync(path.join(doPersist, folder), { recursive: true, force: true });
    mkdirSync(doPersist, { recursive: true });
    console.log(`Miniflare ${version}, scenario ${path.relative(root, options.scenario)}, persist ${persistRoot}${options.persist ? "" : " (temporary)"}`);

    const model = await startFakeModel(options.rules);
    const runner = new Runner(Miniflare, options, model, doPersist);
    let failure = null;
    try {
        await runner.start();
        await runner.run(scenario);
        if (path.basename(options.scenario) === "recruitment.json")
            await checkRecruitment(runner, model, rules);
        await apiChecks(runner, NOTEBOOK_SCRIPT_NAME, ScenarioFailure);
    } catch (e) {
        failure = e;
    } finally {
        await runner.stop().catch(() => {});
        model.server.close();
    }
    if (!failure && options.persist) {
        for (const folder of readdirSync(doPersist))
            for (const file of readdirSync(path.join(doPersist, folder)).filter((f) => f.endsWith(".sqlite")))
                console.log(`kept ${path.join(doPersist, folder, file)}`);
    }
    if (!options.persist)
        rmSync(persistRoot, { recursive: true, force: true });
    if (failure) {
        console.error(`FAIL ${failure instanceof ScenarioFailure ? failure.message : failure.stack}`);
        process.exit(1);
    }
    console.log(`PASS ${scenario.name ?? "scenario"} under Miniflare in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
    console.error(`FAIL ${e instanceof ScenarioFailure ? e.message : e.stack}`);
    process.exit(1);
});
