// Gemini CLI (Gemini generateContent) runs its shell tool through the gateway to an OpenAI Chat upstream.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
  makeSandbox,
  openaiChatDialect,
  report,
  runAgent,
  markerResults,
  toolThenAnswer,
} from "./support.ts";

const GEMINI = agentBinary(".bin/gemini");
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

/** Gemini CLI's shell tool is "run_shell_command" with {command}. */
const shellCall = (names: string[]) =>
  names.includes("run_shell_command")
    ? { name: "run_shell_command", arguments: JSON.stringify({ command: COMMAND, description: "Print the marker" }) }
    : undefined;

/** API-key auth (without it the CLI exits 41), and nothing that phones home. */
const SETTINGS = {
  security: { auth: { selectedType: "gemini-api-key" } },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
};

describe("Gemini CLI through the gateway", () => {
  test(
    "to an OpenAI Chat upstream: runs run_shell_command, then answers from the tool result",
    async () => {
      fake = startOpenAIUpstream(toolThenAnswer(openaiChatDialect, shellCall));
      const model = await connectFake(gw, fake, "openai");
      const key = (await gw.services.apiKeys.create("agent", [])).key;
      const box = makeSandbox("gemini");
      try {
        mkdirSync(join(box.home, ".gemini"), { recursive: true });
        writeFileSync(join(box.home, ".gemini", "settings.json"), JSON.stringify(SETTINGS));
        const env = agentEnv(box, {
          GEMINI_API_KEY: key,
          GOOGLE_GEMINI_BASE_URL: gw.url,
          GEMINI_CLI_TRUST_WORKSPACE: "true",
        });
        const run = await runAgent([GEMINI, "-m", model, "-p", PROMPT, "--output-format", "json", "--yolo"], {
          env,
          cwd: box.cwd,
          timeoutMs: TIMEOUT_MS,
        });
        let result: any;
        try {
          result = JSON.parse(run.stdout.slice(run.stdout.indexOf("{")));
        } catch {
          /* reported below */
        }
        const debug = report(run, fake, openaiChatDialect);
        expect(run.timedOut, debug).toBe(false);
        expect(run.exitCode, debug).toBe(0);
        expect(result?.response, debug).toContain(FINAL_PREFIX);
        expect(result?.response, debug).toContain(MARKER);
        // The tool really ran, and its output came back to the upstream as the answer to the call the upstream made.
        const results = markerResults(fake, openaiChatDialect);
        expect(results.length, debug).toBeGreaterThan(0);
        expect(results[0].callId, debug).toMatch(/^call_fake_\d+$/);
      } finally {
        box.cleanup();
      }
    },
    TIMEOUT_MS + 10_000,
  );
});
