// SPDX-License-Identifier: MIT
// The reference recruitment workflow as a JavaScript agent: the same steps, prompts and state
// as the C++ Recruitment (resources/examples/recruitment.cpp), so the same scenario file runs
// against either. Load it with `durable test --agents resources/examples/js/recruitment.js`.
//
//   submitResume {candidate, role, resume}
//     -> step "screening": callModel (screening prompt) -> onScreened
//     -> step "awaiting-recruiter": askHuman (approve / reject / respond) -> onDecision
//        reject: step "rejected"
//        approve or respond: callModel with the proposeInterviewSlot tool -> onInterviewBooked
//     -> step "follow-up-scheduled": schedule(24 h, "followUp")
//     -> followUp: callModel (follow-up prompt) -> onFollowUpDrafted -> step "closed"

const DAY_MS = 24 * 3600 * 1000;

export class Recruitment extends Agent {
    static get description() {
        return "Screens a resume with a model, asks a recruiter, books an interview and follows up (JavaScript)";
    }
    static get steps() {
        return ["received", "screening", "awaiting-recruiter", "interview-scheduled",
                "follow-up-scheduled", "closed", "rejected"];
    }

    constructor() {
        super();
        this.handle("submitResume", this.submitResume);
        this.handle("status", this.status);
        this.continuation("onScreened", this.onScreened);
        this.continuation("onDecision", this.onDecision);
        this.continuation("onInterviewBooked", this.onInterviewBooked);
        this.continuation("followUp", this.followUp);
        this.continuation("onFollowUpDrafted", this.onFollowUpDrafted);
        this.tool("proposeInterviewSlot", "Book an interview slot with the candidate and record it.",
                  {
                      type: "object",
                      properties: {
                          start: { type: "string", minLength: 1 },
                          durationMinutes: { type: "integer", minimum: 15, maximum: 240 },
                          interviewer: { type: "string" }
                      },
                      required: ["start", "durationMinutes"]
                  },
                  this.proposeInterviewSlot);
    }

    // With no model configured, the model answers from these rules (no network).
    scriptedRules() { return this.readJson("recruitment-rules.json"); }

    update(key, value) {
        const next = this.state();
        next[key] = value;
        this.setState(next);
    }

    submitResume(args) {
        const candidate = (args.candidate || "").trim();
        const role = args.role || "Engineer";
        if (!candidate)
            this.fail("invalid-argument", 'submitResume needs a "candidate"');
        if (this.step())
            this.fail("conflict", `${candidate} was already submitted (step ${this.step()})`);
        this.setStep("received");
        this.setState({ candidate: candidate, role: role, resume: args.resume || "" });
        const callId = this.callModel({
            messages: [
                { role: "system", content: "You are a recruiting assistant. You screen resumes. "
                    + "Answer only with JSON: {\"score\": 1-10, \"strengths\": [..], "
                    + "\"concerns\": [..], \"recommendation\": \"interview\" or \"reject\"}." },
                { role: "user", content: `Role: ${role}\nCandidate: ${candidate}\nResume:\n${args.resume || ""}` }
            ],
            temperature: 0
        }, "onScreened", null, false); // screening offers no tools
        this.setStep("screening");
        return { step: this.step(), modelCall: callId };
    }

    onScreened(payload, reply) {
        let assessment;
        if (reply.finishReason === "error") {
            assessment = { error: reply.content };
        } else {
            try {
                assessment = JSON.parse(reply.content);
            } catch (e) {
                assessment = { summary: reply.content };
            }
            if (typeof assessment !== "object" || assessment === null)
                assessment = { summary: reply.content };
        }
        this.update("assessment", assessment);
        const s = this.state();
        this.askHuman({
            title: `Review ${s.candidate}`,
            prompt: `**${s.candidate}** applied for **${s.role}**. The screening scored `
                + `${assessment.score ?? 0}/10. Approve to book an interview, reject, or respond `
                + "with notes for the interview.",
            context: { candidate: s.candidate, role: s.role, assessment: assessment },
            actions: ["approve", "reject", "respond"]
        }, "onDecision");
        this.setStep("awaiting-recruiter");
        return assessment;
    }

    onDecision(request, response) {
        if (response.action === "reject") {
            this.update("decision", "rejected");
            this.setStep("rejected");
            return "rejected";
        }
        this.update("decision", "interview");
        if (response.text)
            this.update("notes", response.text);
        const s = this.state();
        const notes = response.text ? ` Recruiter notes: ${response.text}` : "";
        this.callModel({
            messages: [
                { role: "system", content: "You schedule interviews for a recruiting team. Call "
                    + "proposeInterviewSlot once to book a slot, then confirm it in one sentence." },
                { role: "user", content: `Book an interview with ${s.candidate} for the ${s.role} role.${notes}` }
            ]
        }, "onInterviewBooked");
        return "interview";
    }

    proposeInterviewSlot(args) {
        const slot = Object.assign({}, args, { bookedAtMs: this.now() });
        this.update("slot", slot);
        return `booked ${args.start} for ${args.durationMinutes} minutes with `
            + `${args.interviewer || "the team"}`;
    }

    onInterviewBooked(payload, reply) {
        if (reply.finishReason === "error") {
            this.update("bookingError", reply.content);
            return { error: reply.content };
        }
        this.update("interview", reply.content);
        this.setStep("interview-scheduled");
        this.schedule(DAY_MS, "followUp");
        this.setStep("follow-up-scheduled");
        return { followUpAtMs: this.now() + DAY_MS };
    }

    followUp(payload) {
        const s = this.state();
        return this.callModel({
            messages: [
                { role: "system", content: "You write short, warm follow-up messages to candidates "
                    + "for a recruiting team." },
                { role: "user", content: `Draft a follow-up message to ${s.candidate} about the `
                    + `${s.role} interview: ${s.interview}` }
            ]
        }, "onFollowUpDrafted", null, false);
    }

    onFollowUpDrafted(payload, reply) {
        this.update("followUpMessage", reply.content);
        this.setStep("closed");
        return reply.content;
    }

    status() {
        const s = this.state();
        s.step = this.step();
        return s;
    }
}
