// The config files "Write config" writes really work: Claude Code, Codex CLI and Gemini CLI answer through the gateway from them alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeToolConfig } from "../../src/cli-tools/write-config.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { agentBinary, agentEnv, connectFake, makeSandbox, openaiChatDialect, report, runAgent } from "../agents/support.ts";

const ANSWER = "Configured through OmniRoute.";
const TIMEOUT_MS = 45_000;

let gw: TestGateway;
let fake: FakeUpstream;
let model: string;
let key: string;

beforeAll(async () => {
  gw = await startGateway();
  fake = startOpenAIUpstream({ kind: "text", text: ANSWER });
  model = await connectFake(gw, fake, "openai");
  key = (await gw.services.apiKeys.create("cli-tools", [])).key;
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});

describe("written configs, used by the real clients", () => {
  test(
    "Claude Code from ~/.claude/settings.json alone",
    async () => {
      const box = makeSandbox("cfg-claude");
      try {
        writeToolConfig("claude-code", { baseUrl: gw.url, apiKey: key, model }, { home: box.home });
        // No ANTHROPIC_* variable: base URL, token and model come from the file.
        const env = agentEnv(box, {
          DISABLE_TELEMETRY: "1",
          DISABLE_ERROR_REPORTING: "1",
          DISABLE_AUTOUPDATER: "1",
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          CLAUDE_CODE_MAX_RETRIES: "1",
        });
        const claude = agentBinary(
          "@anthropic-ai/claude-code-linux-x64/claude",
          "@anthropic-ai/claude-code-linux-arm64/claude",
          ".bin/claude",
        );
        const run = await runAgent([claude, "-p", "Say something.", "--output-format", "json", "--max-turns", "1"], {
          env,
          cwd: box.cwd,
          timeoutMs: TIMEOUT_MS,
        });
        const debug = report(run, fake, openaiChatDialect);
        expect(run.exitCode, debug).toBe(0);
        expect(JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}").result, debug).toContain(ANSWER);
      } finally {
        box.cleanup();
      }
    },
    TIMEOUT_MS + 10_000,
  );

  test(
    "Codex CLI from ~/.codex/config.toml and OMNIROUTE_API_KEY",
    async () => {
      const box = makeSandbox("cfg-codex");
      try {
        const r = writeToolConfig("codex", { baseUrl: gw.url, apiKey: key, model }, { home: box.home });
        const last = join(box.root, "last.txt");
        const env = agentEnv(box, { CODEX_HOME: join(box.home, ".codex"), OMNIROUTE_API_KEY: key, RUST_LOG: "warn" });
        const run = await runAgent(
          [
            agentBinary(".bin/codex"),
            "exec",
            "--skip-git-repo-check",
            "-c",
            "check_for_update_on_startup=false",
            "-c",
            "analytics.enabled=false",
            "-c",
            "feedback.enabled=false",
            "--disable",
            "plugins",
            "--disable",
            "remote_plugin",
            "--disable",
            "apps",
            "-o",
            last,
            "Say something.",
          ],
          { env, cwd: box.cwd, timeoutMs: TIMEOUT_MS },
        );
        const debug = `${report(run, fake, openaiChatDialect)}\n--- config.toml\n${readFileSync(r.path, "utf8")}`;
        expect(run.exitCode, debug).toBe(0);
        expect(existsSync(last) ? readFileSync(last, "utf8") : "", debug).toContain(ANSWER);
      } finally {
        box.cleanup();
      }
    },
    TIMEOUT_MS + 10_000,
  );

  test(
    "Gemini CLI from ~/.gemini/settings.json (merged into one that silences telemetry) and the two variables",
    async () => {
      const box = makeSandbox("cfg-gemini");
      try {
        mkdirSync(join(box.home, ".gemini"), { recursive: true });
        writeFileSync(
          join(box.home, ".gemini", "settings.json"),
          JSON.stringify({
            general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
            privacy: { usageStatisticsEnabled: false },
            telemetry: { enabled: false },
          }),
        );
        writeToolConfig("gemini-cli", { baseUrl: gw.url, apiKey: key, model }, { home: box.home });
        const env = agentEnv(box, { GEMINI_API_KEY: key, GOOGLE_GEMINI_BASE_URL: gw.url, GEMINI_CLI_TRUST_WORKSPACE: "true" });
        // No -m: the model comes from settings.json.
        const run = await runAgent([agentBinary(".bin/gemini"), "-p", "Say something.", "--output-format", "json"], {
          env,
          cwd: box.cwd,
          timeoutMs: TIMEOUT_MS,
        });
        const debug = report(run, fake, openaiChatDialect);
        expect(run.exitCode, debug).toBe(0);
        expect(JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))).response, debug).toContain(ANSWER);
      } finally {
        box.cleanup();
      }
    },
    TIMEOUT_MS + 10_000,
  );
});
