// Claude Code (Anthropic Messages) runs its Bash tool through the gateway to OpenAI Chat and Gemini upstreams.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGeminiUpstream } from "../fakes/gemini-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import {
  COMMAND,
  FINAL_PREFIX,
  MARKER,
  PROMPT,
  agentBinary,
  agentEnv,
  connectFake,
  geminiDialect,
  makeSandbox,
  openaiChatDialect,
  report,
  runAgent,
  markerResults,
  toolThenAnswer,
  type UpstreamDialect,
} from "./support.ts";

const CLAUDE = agentBinary("@anthropic-ai/claude-code-linux-x64/claude", "@anthropic-ai/claude-code-linux-arm64/claude", ".bin/claude");
const TIMEOUT_MS = 45_000;

let gw: TestGateway;
let key: string;
const fakes: FakeUpstream[] = [];

beforeAll(async () => {
  gw = await startGateway();
  key = (await gw.services.apiKeys.create("agent", [])).key;
});
afterAll(async () => {
  await gw.close();
  for (const fake of fakes) await fake.close();
});

/** Claude Code's shell tool is "Bash" with {command}. */
const bashCall = (names: string[]) =>
  names.includes("Bash") ? { name: "Bash", arguments: JSON.stringify({ command: COMMAND, description: "Print the marker" }) } : undefined;

async function runClaude(fake: FakeUpstream, dialect: UpstreamDialect, model: string, baseUrl = gw.url) {
  const box = makeSandbox("claude");
  try {
    const env = agentEnv(box, {
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_AUTH_TOKEN: key,
      ANTHROPIC_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
      CLAUDE_CODE_SUBAGENT_MODEL: model,
      DISABLE_TELEMETRY: "1",
      DISABLE_ERROR_REPORTING: "1",
      DISABLE_AUTOUPDATER: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      CLAUDE_CODE_MAX_RETRIES: "1",
    });
    const run = await runAgent(
      [CLAUDE, "-p", PROMPT, "--output-format", "json", "--model", model, "--allowedTools", "Bash(echo:*)", "--max-turns", "4"],
      { env, cwd: box.cwd, timeoutMs: TIMEOUT_MS },
    );
    let result: any;
    try {
      result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "");
    } catch {
      /* reported below */
    }
    const debug = report(run, fake, dialect);
    expect(run.timedOut, debug).toBe(false);
    expect(run.exitCode, debug).toBe(0);
    expect(result, debug).toBeDefined();
    expect(result.is_error, debug).toBe(false);
    expect(result.result, debug).toContain(FINAL_PREFIX);
    expect(result.result, debug).toContain(MARKER);
    // The tool really ran, and its output came back to the upstream as the answer to the call the upstream made.
    const results = markerResults(fake, dialect);
    expect(results.length, debug).toBeGreaterThan(0);
    expect(results[0].callId, debug).toMatch(/^call_fake_\d+$/);
    // The first request offering tools carried Claude Code's own Bash tool through the translation.
    expect(
      fake.requests.some((r) => dialect.toolNames(r.body).includes("Bash")),
      debug,
    ).toBe(true);
  } finally {
    box.cleanup();
  }
}

describe("Claude Code through the gateway", () => {
  test(
    "to an OpenAI Chat upstream: runs Bash, then answers from the tool result",
    async () => {
      const fake = startOpenAIUpstream(toolThenAnswer(openaiChatDialect, bashCall));
      fakes.push(fake);
      const model = await connectFake(gw, fake, "openai", "fakeoai");
      await runClaude(fake, openaiChatDialect, model);
    },
    TIMEOUT_MS + 10_000,
  );

  test(
    "to a Gemini upstream, with the guide's base URL (/v1, so it calls /v1/v1/messages): runs Bash, and the call's thought signature comes back",
    async () => {
      const signed = (names: string[]) => {
        const call = bashCall(names);
        return call && { ...call, signature: "agent-thought-sig" };
      };
      const fake = startGeminiUpstream(toolThenAnswer(geminiDialect, signed));
      fakes.push(fake);
      const model = await connectFake(gw, fake, "gemini", "fakegem");
      await runClaude(fake, geminiDialect, model, `${gw.url}/v1`);
      // Claude Code sent the thinking block that carried it back; Gemini got its own signature on its call, not the stand-in.
      const answered = fake.requests.find((r) => JSON.stringify(r.body).includes("functionResponse"))!;
      const calls = answered.body.contents.flatMap((c: any) => c.parts ?? []).filter((p: any) => p.functionCall);
      expect(calls[0].thoughtSignature).toBe("agent-thought-sig");
    },
    TIMEOUT_MS + 10_000,
  );
});
