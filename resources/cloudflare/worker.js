// SPDX-License-Identifier: MIT
// The Worker for the recruitment agent: deploy it with recruitment.js beside it (see README.md).
// durable-agent.js comes first: it defines the global Agent that recruitment.js extends.
import { agentWorker, durableObjectFor } from "./durable-agent.js";
import { Recruitment as RecruitmentAgent } from "./recruitment.js";

const bindings = { Recruitment: "RECRUITMENT" };

// The Durable Object class; its name must match class_name in wrangler.toml.
export const Recruitment = durableObjectFor(RecruitmentAgent, { bindings });

// POST /objects/Recruitment/{name}/{method}, GET /objects/Recruitment/{name}, and the requests
// routes, each sent to the object with that name.
export default agentWorker(bindings);
