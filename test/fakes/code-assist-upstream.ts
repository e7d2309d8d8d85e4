// A fake Google Code Assist API (cloudcode-pa.googleapis.com/v1internal) as gemini-cli sees it: loadCodeAssist,
// onboardUser returning a long-running operation polled at GET /v1internal/<operation name>, and generateContent /
// streamGenerateContent?alt=sse taking {model, project, user_prompt_id, request} and answering {response, traceId}
// (one envelope per `data:` frame). The Gemini answer inside comes from a fake Gemini upstream fed the inner request,
// so every Scenario works here too. Bearer tokens are checked with `isAuthorized`; errors use Google's error shape.
import { startGeminiUpstream } from "./gemini-upstream.ts";
import { startFake, type FakeUpstream, type RecordedRequest, type Scenario, type ScenarioSource } from "./scenario.ts";

export interface CodeAssistOptions {
  isAuthorized(token: string | undefined): boolean;
  /** The account already has a tier and project (loadCodeAssist answers currentTier), else it is onboarded on first use. */
  onboarded?: boolean;
  /** How many operation polls answer done:false before the onboarding finishes. */
  pendingPolls?: number;
  projectId?: string;
  scenario?: ScenarioSource;
}

export interface FakeCodeAssist extends FakeUpstream {
  /** Requests to generateContent / streamGenerateContent only. */
  generations(): RecordedRequest[];
  /** Make every later generation answer this Google error (e.g. a 429 QUOTA_EXHAUSTED body); no arguments: answer again. */
  failWith(status?: number, body?: unknown): void;
  onboarded: boolean;
}

const googleError = (status: number, message: string, name: string) =>
  Response.json({ error: { code: status, message, status: name } }, { status });

const FREE_TIER = {
  id: "free-tier",
  name: "Gemini Code Assist for individuals",
  description: "Free tier",
  isDefault: true,
  userDefinedCloudaicompanionProject: false,
};

export function startCodeAssistUpstream(o: CodeAssistOptions): FakeCodeAssist {
  const gemini = startGeminiUpstream(o.scenario ?? { kind: "text", text: "Hello from Code Assist." });
  const projectId = o.projectId ?? "brave-sun-4f2k1";
  let polls = 0;
  let failure: { status: number; body: unknown } | undefined;

  async function answer(_scenario: Scenario, req: RecordedRequest, signal: AbortSignal): Promise<Response> {
    const url = new URL(req.path, "http://fake");
    const token = req.headers.authorization?.replace(/^Bearer /, "");
    if (!o.isAuthorized(token))
      return googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.", "UNAUTHENTICATED");

    if (url.pathname === "/v1internal:loadCodeAssist") {
      if (fake.onboarded) return Response.json({ currentTier: FREE_TIER, allowedTiers: [FREE_TIER], cloudaicompanionProject: projectId });
      return Response.json({ allowedTiers: [FREE_TIER, { id: "standard-tier", name: "Gemini Code Assist", isDefault: false }] });
    }
    if (url.pathname === "/v1internal:onboardUser") {
      if (req.body?.tierId !== "free-tier" || req.body?.cloudaicompanionProject !== undefined)
        return googleError(400, "Precondition Failed", "FAILED_PRECONDITION");
      polls = 0;
      if ((o.pendingPolls ?? 1) === 0) {
        fake.onboarded = true;
        return Response.json({
          name: "operations/onboard-1",
          done: true,
          response: { cloudaicompanionProject: { id: projectId, name: projectId } },
        });
      }
      return Response.json({ name: "operations/onboard-1", done: false });
    }
    if (req.method === "GET" && url.pathname === "/v1internal/operations/onboard-1") {
      polls++;
      if (polls < (o.pendingPolls ?? 1)) return Response.json({ name: "operations/onboard-1", done: false });
      fake.onboarded = true;
      return Response.json({
        name: "operations/onboard-1",
        done: true,
        response: {
          "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse",
          cloudaicompanionProject: { id: projectId, name: projectId },
        },
      });
    }

    const method = /^\/v1internal:(generateContent|streamGenerateContent)$/.exec(url.pathname)?.[1];
    if (!method) return googleError(404, `Method not found: ${url.pathname}`, "NOT_FOUND");
    const body = req.body ?? {};
    if (typeof body.model !== "string" || typeof body.request !== "object")
      return googleError(400, "Invalid JSON payload: model and request are required", "INVALID_ARGUMENT");
    if (body.project !== projectId) return googleError(403, `Permission denied on resource project ${body.project}.`, "PERMISSION_DENIED");
    if (failure) return Response.json(failure.body, { status: failure.status });

    const inner = await fetch(`${gemini.url}/v1beta/models/${encodeURIComponent(body.model)}:${method}${url.search}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body.request),
      signal,
    });
    if (!inner.ok || !inner.body)
      return new Response(await inner.text(), { status: inner.status, headers: { "content-type": "application/json" } });
    const traceId = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    if (method === "generateContent") {
      const { responseId: _id, ...response } = await inner.json();
      return Response.json({ response, traceId });
    }
    // Re-frame each Gemini `data:` chunk inside the Code Assist envelope, as it arrives.
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let buffer = "";
    const framed = inner.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
            const data = frame
              .split(/\r?\n/)
              .filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trim())
              .join("\n");
            if (!data) continue;
            const { responseId: _id, ...response } = JSON.parse(data);
            controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response, traceId })}\r\n\r\n`));
          }
        },
      }),
    );
    return new Response(framed, { headers: { "content-type": "text/event-stream" } });
  }

  const base = startFake(answer, o.scenario ?? { kind: "text", text: "unused" });
  // startFake's setScenario and close are replaced: the inner Gemini fake answers generations and closes too.
  const closeBase = base.close.bind(base);
  const fake: FakeCodeAssist = Object.assign(base, {
    onboarded: o.onboarded ?? false,
    generations: () => base.requests.filter((r) => /:(generateContent|streamGenerateContent)/.test(r.path)),
    failWith(status?: number, body?: unknown) {
      failure = status === undefined ? undefined : { status, body };
    },
    setScenario(s: ScenarioSource) {
      gemini.setScenario(s);
    },
    async close() {
      await closeBase();
      await gemini.close();
    },
  });
  return fake;
}
