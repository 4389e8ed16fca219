// SPDX-License-Identifier: MIT
// The Worker for the Notebook test agent (notebook.js); run-scenario.mjs loads it beside the
// recruitment worker. A readJson file comes in as an option, as a bundled JSON import would.
import { agentWorker, durableObjectFor } from "./durable-agent.js";
import { Notebook as NotebookAgent } from "./notebook.js";

const bindings = { Notebook: "NOTEBOOK" };
export const Notebook = durableObjectFor(NotebookAgent, {
    bindings, files: { "notebook.json": { title: "Notes", pages: 3 } } });
export default agentWorker(bindings);
