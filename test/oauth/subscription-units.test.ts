// Pure pieces of the Claude Code and Codex providers and of the quota store: header parsing, pasted codes, the SSE fold, local counting.
import { describe, expect, test } from "bun:test";
import { MemoryCooldowns } from "../../src/accounts/cooldowns.ts";
import { DEFAULT_RESILIENCE } from "../../src/accounts/profiles.ts";
import { declareLocalQuota, isExhausted, localWindowEnd, QuotaStore } from "../../src/accounts/quota.ts";
import { claudeQuotaWindows } from "../../src/providers/claude-code/quota.ts";
import { withClaudeCodeIdentity, CLAUDE_CODE_IDENTITY } from "../../src/providers/claude-code/adapter.ts";
import { codexBody } from "../../src/providers/codex/request.ts";
import { codexQuotaWindows, usageLimitReset } from "../../src/providers/codex/quota.ts";
import { sseToResponseJson } from "../../src/providers/codex/sse-json.ts";
import { challengeOf, parsePastedCode } from "../../src/providers/oauth/pkce.ts";

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);

describe("pasted codes and PKCE", () => {
  test("a redirect URL, a query string, Anthropic's code#state, or the bare code", () => {
    expect(parsePastedCode("http://localhost:1455/auth/callback?code=abc&state=xyz")).toEqual({ code: "abc", state: "xyz" });
    expect(parsePastedCode("  code=abc&state=xyz ")).toEqual({ code: "abc", state: "xyz" });
    expect(parsePastedCode("abc#xyz")).toEqual({ code: "abc", state: "xyz" });
    expect(parsePastedCode("abc")).toEqual({ code: "abc" });
    expect(parsePastedCode("http://localhost:1455/auth/callback?error=access_denied&error_description=no&state=s")).toEqual({
      state: "s",
      error: "access_denied: no",
    });
  });

  test("S256 challenge is BASE64URL(SHA256(verifier)) (RFC 7636 appendix B)", () => {
    expect(challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
});

describe("Claude unified rate-limit headers", () => {
  test("5h and 7d utilization (fractions) and resets (unix seconds) become windows", () => {
    const reset = Math.floor(NOW / 1000) + 3600;
    const windows = claudeQuotaWindows(
      new Headers({
        "anthropic-ratelimit-unified-5h-utilization": "0.257",
        "anthropic-ratelimit-unified-5h-reset": String(reset),
        "anthropic-ratelimit-unified-5h-status": "allowed",
        "anthropic-ratelimit-unified-7d-utilization": "0.9",
        "anthropic-ratelimit-unified-7d-status": "allowed_warning",
      }),
    );
    expect(windows).toEqual([
      { name: "5h", usedPercent: 25.7, resetsAt: reset * 1000 },
      { name: "weekly", usedPercent: 90 },
    ]);
    expect(claudeQuotaWindows(new Headers({ "content-type": "application/json" }))).toEqual([]);
  });

  test("a rejection marks the binding window used up, with the overall reset when the window has none", () => {
    const reset = Math.floor(NOW / 1000) + 86_400;
    const windows = claudeQuotaWindows(
      new Headers({
        "anthropic-ratelimit-unified-status": "rejected",
        "anthropic-ratelimit-unified-representative-claim": "seven_day",
        "anthropic-ratelimit-unified-reset": String(reset),
      }),
    );
    expect(windows).toEqual([{ name: "weekly", exhausted: true, resetsAt: reset * 1000 }]);
  });

  test("the identity block goes first, once", () => {
    expect(withClaudeCodeIdentity(undefined)).toEqual([{ type: "text", text: CLAUDE_CODE_IDENTITY }]);
    expect(withClaudeCodeIdentity("Be terse.")).toEqual([
      { type: "text", text: CLAUDE_CODE_IDENTITY },
      { type: "text", text: "Be terse." },
    ]);
    const already = [
      { type: "text", text: CLAUDE_CODE_IDENTITY },
      { type: "text", text: "x", cache_control: { type: "ephemeral" } },
    ];
    expect(withClaudeCodeIdentity(already)).toEqual(already);
  });
});

describe("Codex", () => {
  test("x-codex headers: window by its length, reset-at or reset-after-seconds", () => {
    const windows = codexQuotaWindows(
      new Headers({
        "x-codex-primary-used-percent": "12.5",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-at": String(NOW / 1000 + 60),
        "x-codex-secondary-used-percent": "40",
        "x-codex-secondary-reset-after-seconds": "3600",
      }),
      NOW,
    );
    expect(windows).toEqual([
      { name: "5h", usedPercent: 12.5, resetsAt: NOW + 60_000 },
      { name: "weekly", usedPercent: 40, resetsAt: NOW + 3_600_000 },
    ]);
  });

  test("usage_limit_reached gives the reset; other errors none", () => {
    expect(usageLimitReset({ error: { type: "usage_limit_reached", resets_at: NOW / 1000 + 100 } }, NOW)).toBe(NOW + 100_000);
    expect(usageLimitReset({ error: { type: "usage_limit_reached", resets_in_seconds: 30 } }, NOW)).toBe(NOW + 30_000);
    expect(usageLimitReset({ error: { type: "rate_limit_exceeded" } }, NOW)).toBeUndefined();
  });

  test("the body the backend accepts: streamed, not stored, instructions, no refused fields, no stored item ids", () => {
    const body = codexBody({
      model: "m",
      input: [
        { type: "message", id: "msg_1", role: "user", content: "hi" },
        { type: "item_reference", id: "rs_1" },
      ],
      max_output_tokens: 5,
      stream: false,
      store: true,
      stream_options: {},
    });
    expect(body).toEqual({
      model: "m",
      input: [{ type: "message", role: "user", content: "hi" }],
      stream: true,
      store: false,
      instructions: "",
      include: ["reasoning.encrypted_content"],
    });
  });

  const sse = (events: object[]) =>
    new Response(events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join(""), {
      headers: { "content-type": "text/event-stream", "x-codex-primary-used-percent": "3" },
    });

  test("the folded stream: response.completed's object, its empty output filled from output_item.done by index", async () => {
    const a = { id: "msg_a", type: "message", role: "assistant", content: [{ type: "output_text", text: "first" }] };
    const b = { id: "fc_b", type: "function_call", call_id: "c1", name: "f", arguments: "{}" };
    const res = await sseToResponseJson(
      sse([
        { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
        { type: "response.output_item.done", output_index: 1, item: b },
        { type: "response.output_item.done", output_index: 0, item: a },
        {
          type: "response.completed",
          response: {
            id: "resp_1",
            object: "response",
            status: "completed",
            output: [],
            usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
          },
        },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-codex-primary-used-percent")).toBe("3");
    expect(await res.json()).toEqual({
      id: "resp_1",
      object: "response",
      status: "completed",
      output: [a, b],
      usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    });
  });

  test("response.failed, an error event, or a stream cut before completion become error bodies", async () => {
    const failed = await sseToResponseJson(
      sse([{ type: "response.failed", response: { status: "failed", error: { code: "context_length_exceeded", message: "too long" } } }]),
    );
    expect(failed.status).toBe(400);
    expect(await failed.json()).toEqual({
      error: { message: "too long", type: "invalid_request_error", param: null, code: "context_length_exceeded" },
    });
    const error = await sseToResponseJson(sse([{ type: "error", code: "usage_limit_reached", message: "limit" }]));
    expect(error.status).toBe(429);
    const cut = await sseToResponseJson(sse([{ type: "response.created", response: {} }]));
    expect(cut.status).toBe(502);
    expect((await cut.json()).error.message).toContain("before response.completed");
  });
});

describe("quota store", () => {
  const profile = DEFAULT_RESILIENCE.defaults;

  test("an exhausted window cools the whole account until its reset; a success in flight does not end it", () => {
    const cooldowns = new MemoryCooldowns();
    const store = new QuotaStore({ cooldowns, profile: () => profile });
    const account = { id: "a1", provider: "claude" };
    store.report(account, [{ name: "5h", usedPercent: 40, resetsAt: NOW + 3_600_000 }], NOW);
    expect(cooldowns.until("a1", "m", NOW)).toBe(0);
    store.report(account, [{ name: "5h", usedPercent: 100, resetsAt: NOW + 3_600_000 }], NOW);
    expect(cooldowns.until("a1", "m", NOW)).toBe(NOW + 3_600_000);
    cooldowns.succeeded("a1", "m", NOW);
    expect(cooldowns.until("a1", "m", NOW)).toBe(NOW + 3_600_000);
    // A shorter penalty afterwards does not shorten it either.
    cooldowns.penalize("a1", null, { kind: "rate_limit", status: 429, message: "slow" }, profile, NOW);
    expect(cooldowns.until("a1", "m", NOW)).toBe(NOW + 3_600_000);
    expect(store.windowsOf("a1", NOW + 3_600_001)).toEqual([]); // reset: gone
    expect(isExhausted({ name: "5h", usedPercent: 100, resetsAt: NOW - 1 }, NOW)).toBe(false);
  });

  test("local counting: requests per calendar day (UTC), the limit reached cools the account until midnight", () => {
    declareLocalQuota("test-local", [{ name: "daily", limit: 2, unit: "requests" }]);
    const cooldowns = new MemoryCooldowns();
    const store = new QuotaStore({ cooldowns, profile: () => profile });
    const account = { id: "a2", provider: "test-local" };
    store.countLocal(account, { requests: 1, tokens: 10 }, NOW);
    expect(store.windowsOf("a2", NOW)).toEqual([
      expect.objectContaining({ name: "daily", used: 1, limit: 2, source: "local", resetsAt: Date.UTC(2026, 0, 16) }),
    ]);
    store.countLocal(account, { requests: 1, tokens: 10 }, NOW + 1000);
    expect(cooldowns.until("a2", "any", NOW + 1000)).toBe(Date.UTC(2026, 0, 16));
    store.countLocal(account, { requests: 1, tokens: 10 }, Date.UTC(2026, 0, 16, 1));
    expect(store.windowsOf("a2", Date.UTC(2026, 0, 16, 1))[0]).toMatchObject({ used: 1, resetsAt: Date.UTC(2026, 0, 17) });
    expect(localWindowEnd("monthly", NOW)).toBe(Date.UTC(2026, 1, 1));
  });
});
