// Codex CLI (OpenAI Responses) runs its shell tool through the gateway to an Anthropic Messages upstream.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import {
  COMMAND,
  FINAL_PREFIX,
  MARKER,
  PROMPT,
  agentBinary,
  agentEnv,
  anthropicDialect,
  connectFake,
  makeSandbox,
  report,
  runAgent,
  markerResults,
  toolThenAnswer,
} from "./support.ts";

const CODEX = agentBinary(".bin/codex");
const TIMEOUT_MS = 45_000;

let gw: TestGateway;
let fake: FakeUpstream;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
  await fake?.close();
});

/**
 * Codex's shell tool: `exec_command` with {cmd} in current versions, `shell` with an argv
 * {command: [...]} in older ones; whichever the request offers.
 */
function codexShellCall(names: string[]) {
  if (names.includes("exec_command")) return { name: "exec_command", arguments: JSON.stringify({ cmd: COMMAND }) };
  if (names.includes("shell")) return { name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", COMMAND] }) };
  if (names.includes("shell_command")) return { name: "shell_command", arguments: JSON.stringify({ command: COMMAND }) };
  return undefined;
}

describe("Codex CLI through the gateway", () => {
  test(
    "to an Anthropic upstream: runs its shell tool, then answers from the tool result",
    async () => {
      fake = startAnthropicUpstream(toolThenAnswer(anthropicDialect, codexShellCall));
      const model = await connectFake(gw, fake, "anthropic");
      const key = (await gw.services.apiKeys.create("agent", [])).key;
      const box = makeSandbox("codex");
      try {
        const codexHome = join(box.home, ".codex");
        mkdirSync(codexHome, { recursive: true });
        const last = join(box.root, "last.txt");
        const env = agentEnv(box, { CODEX_HOME: codexHome, OMNIROUTE_KEY: key, RUST_LOG: "warn" });
        const provider = `{name="gateway",base_url="${gw.url}/v1",env_key="OMNIROUTE_KEY",wire_api="responses",request_max_retries=0,stream_max_retries=0}`;
        const run = await runAgent(
          [
            CODEX,
            "exec",
            "--skip-git-repo-check",
            "--dangerously-bypass-approvals-and-sandbox",
            "-m",
            model,
            "-c",
            'model_provider="gw"',
            "-c",
            `model_providers.gw=${provider}`,
            "-c",
            "check_for_update_on_startup=false",
            "-c",
            "analytics.enabled=false",
            "-c",
            "feedback.enabled=false",
            // Plugins and apps sync from GitHub and chatgpt.com at start-up: off, the run stays on loopback.
            "--disable",
            "plugins",
            "--disable",
            "remote_plugin",
            "--disable",
            "apps",
            "-o",
            last,
            PROMPT,
          ],
          { env, cwd: box.cwd, timeoutMs: TIMEOUT_MS },
        );
        const answer = existsSync(last) ? readFileSync(last, "utf8") : "";
        const debug = report(run, fake, anthropicDialect);
        expect(run.timedOut, debug).toBe(false);
        expect(run.exitCode, debug).toBe(0);
        expect(answer, debug).toContain(FINAL_PREFIX);
        expect(answer, debug).toContain(MARKER);
        // The tool really ran, and its output came back to the upstream as the answer to the call the upstream made.
        const results = markerResults(fake, anthropicDialect);
        expect(results.length, debug).toBeGreaterThan(0);
        expect(results[0].callId, debug).toMatch(/^call_fake_\d+$/);
      } finally {
        box.cleanup();
      }
    },
    TIMEOUT_MS + 10_000,
  );
});
