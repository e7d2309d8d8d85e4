// Shared pieces for the real-agent tests: a sandboxed spawn, the tool-then-answer scenario, and failure reports.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FakeToolCall, FakeUpstream, RecordedRequest, Scenario } from "../fakes/scenario.ts";
import type { TestGateway } from "../support/gateway.ts";

/** What the agent's shell tool prints; the fake's final answer quotes it back. */
export const MARKER = "omniroute-agent-ok";
export const COMMAND = `echo ${MARKER}`;
export const PROMPT = `Run the shell command \`${COMMAND}\` with your shell tool, then tell me exactly what it printed.`;
/** The opening of the fake's answer once it has seen the tool result. */
export const FINAL_PREFIX = "The command printed:";

const ROOT = resolve(import.meta.dir, "../..");

/** A CLI installed as a devDependency: the first existing path wins (native binary before its JS shim). */
export function agentBinary(...candidates: string[]): string {
  for (const rel of candidates) {
    const path = join(ROOT, "node_modules", rel);
    if (existsSync(path)) return path;
  }
  throw new Error(`agent binary not found (run bun install): tried ${candidates.join(", ")}`);
}

/** A throw-away HOME, TMPDIR and working folder for one run. */
export interface Sandbox {
  root: string;
  home: string;
  tmp: string;
  cwd: string;
  cleanup(): void;
}

export function makeSandbox(name: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `omniroute-agent-${name}-`));
  const box = { root, home: join(root, "home"), tmp: join(root, "tmp"), cwd: join(root, "work") };
  for (const dir of [box.home, box.tmp, box.cwd]) mkdirSync(dir, { recursive: true });
  return { ...box, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const DEAD_PROXY = "http://127.0.0.1:9";

/**
 * The environment of an agent run, built from nothing: only PATH is inherited, so no key or base URL
 * of the machine's own clients leaks into the run.
 */
export function agentEnv(box: Sandbox, vars: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: box.home,
    TMPDIR: box.tmp,
    XDG_CONFIG_HOME: join(box.home, ".config"),
    XDG_CACHE_HOME: join(box.home, ".cache"),
    XDG_DATA_HOME: join(box.home, ".local", "share"),
    XDG_STATE_HOME: join(box.home, ".local", "state"),
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    SHELL: "/bin/bash",
    // Anything not on loopback goes to a dead proxy and fails at once: the run never leaves the machine.
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    NO_PROXY: "127.0.0.1,localhost",
    ...vars,
  };
}

export interface AgentRun {
  command: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Run an agent in its own process group with no stdin; on timeout the whole group is killed, and
 * anything the agent left running in its group is killed after it exits.
 */
export function runAgent(command: string[], opts: { env: Record<string, string>; cwd: string; timeoutMs: number }): Promise<AgentRun> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command[0], command.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      killGroup();
      done({ command, exitCode, signal, timedOut, stdout, stderr, ms: Math.round(performance.now() - started) });
    };
    child.on("error", (err) => {
      stderr += `\nspawn error: ${err.message}`;
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/** How one wire format carries tools and tool results, as the fake upstream receives them. */
export interface UpstreamDialect {
  /** Names of the function tools the request offers. */
  toolNames(body: any): string[];
  /** Every tool result in the conversation: the call id it answers (where the format has one) and its text. */
  toolResults(body: any): ToolResult[];
}

export interface ToolResult {
  callId: string | undefined;
  text: string;
}

const textOf = (content: unknown): string => {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p: any) => (typeof p === "string" ? p : (p?.text ?? textOf(p?.content)))).join("");
  return content === undefined || content === null ? "" : JSON.stringify(content);
};

export const openaiChatDialect: UpstreamDialect = {
  toolNames: (body) => (body?.tools ?? []).map((t: any) => t?.function?.name).filter(Boolean),
  toolResults: (body) =>
    (body?.messages ?? []).filter((m: any) => m?.role === "tool").map((m: any) => ({ callId: m.tool_call_id, text: textOf(m.content) })),
};

export const anthropicDialect: UpstreamDialect = {
  toolNames: (body) => (body?.tools ?? []).map((t: any) => t?.name).filter(Boolean),
  toolResults: (body) =>
    (body?.messages ?? []).flatMap((m: any) =>
      Array.isArray(m?.content)
        ? m.content.filter((b: any) => b?.type === "tool_result").map((b: any) => ({ callId: b.tool_use_id, text: textOf(b.content) }))
        : [],
    ),
};

export const geminiDialect: UpstreamDialect = {
  toolNames: (body) => (body?.tools ?? []).flatMap((t: any) => (t?.functionDeclarations ?? []).map((f: any) => f?.name)).filter(Boolean),
  toolResults: (body) =>
    (body?.contents ?? []).flatMap((c: any) =>
      (c?.parts ?? [])
        .filter((p: any) => p?.functionResponse)
        .map((p: any) => ({ callId: p.functionResponse.id, text: JSON.stringify(p.functionResponse.response ?? null) })),
    ),
};

/**
 * The scenario of one agent turn: a request offering tools and holding no tool result gets a call to
 * the agent's own shell tool; once a tool result carries the marker, the answer quotes it; side
 * requests (titles, quota probes, anything without tools) get a short plain text.
 */
export function toolThenAnswer(dialect: UpstreamDialect, shellCall: (toolNames: string[]) => Omit<FakeToolCall, "id"> | undefined) {
  let calls = 0;
  return (req: RecordedRequest): Scenario => {
    const results = dialect.toolResults(req.body);
    const withMarker = results.find((r) => r.text.includes(MARKER));
    if (withMarker)
      return { kind: "text", text: `${FINAL_PREFIX} ${MARKER} (tool output: ${JSON.stringify(withMarker.text.trim().slice(0, 300))})` };
    const names = dialect.toolNames(req.body);
    if (results.length)
      return { kind: "text", text: `The tool ran but did not print the marker: ${JSON.stringify(results).slice(0, 500)}` };
    const call = names.length ? shellCall(names) : undefined;
    if (!call) return { kind: "text", text: "ok" };
    return { kind: "tool-calls", calls: [{ id: `call_fake_${++calls}`, ...call }] };
  };
}

/** Connect a fake upstream as the custom provider node "fake" and return the model id to ask for. */
export async function connectFake(
  gw: TestGateway,
  fake: FakeUpstream,
  apiType: "openai" | "anthropic" | "responses" | "gemini",
  prefix = "fake",
): Promise<string> {
  const baseUrl = apiType === "openai" || apiType === "responses" ? `${fake.url}/v1` : fake.url;
  const node = await gw.api("/api/provider-nodes", { body: { name: `Fake ${apiType}`, prefix, apiType, baseUrl } });
  if (node.status !== 201) throw new Error(`provider node: ${node.status} ${await node.text()}`);
  const conn = await gw.api("/api/providers", { body: { provider: prefix, apiKey: "k-upstream" } });
  if (conn.status !== 201) throw new Error(`provider connection: ${conn.status} ${await conn.text()}`);
  return `${prefix}/fake-model`;
}

/**
 * The tool results carrying the tool's real output that reached the fake: each should answer the
 * call id the fake itself issued (`call_fake_N`), proving the id survived both translations.
 */
export function markerResults(fake: FakeUpstream, dialect: UpstreamDialect): ToolResult[] {
  return fake.requests.flatMap((r) => dialect.toolResults(r.body).filter((t) => t.text.includes(MARKER)));
}

/**
 * Everything needed to debug a failed run: the agent's output and what the fake upstream received,
 * for expect messages (AGENT_DEBUG=1 also prints it for a passing run).
 */
export function report(run: AgentRun, fake: FakeUpstream, dialect: UpstreamDialect): string {
  // AGENT_DUMP=<file> keeps every full request the fake received, for reading at leisure.
  if (process.env.AGENT_DUMP) writeFileSync(process.env.AGENT_DUMP, JSON.stringify(fake.requests, null, 1));
  const clip = (s: string, n = 6000) => (s.length > n ? `${s.slice(0, n)}\n... (${s.length - n} more chars)` : s);
  const requests = fake.requests.map((r, i) => {
    const body = r.body && typeof r.body === "object" ? { ...r.body, tools: dialect.toolNames(r.body) } : r.body;
    return `#${i + 1} ${r.method} ${r.path}\n${clip(JSON.stringify(body, null, 1), 4000)}`;
  });
  const text = [
    `command: ${run.command.join(" ")}`,
    `exit: ${run.exitCode} signal: ${run.signal} timedOut: ${run.timedOut} after ${run.ms} ms`,
    `--- stdout\n${clip(run.stdout)}`,
    `--- stderr\n${clip(run.stderr)}`,
    `--- fake upstream received ${fake.requests.length} request(s)`,
    ...requests,
  ].join("\n");
  if (process.env.AGENT_DEBUG) console.error(text);
  return text;
}
