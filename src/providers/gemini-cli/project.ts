// Code Assist project setup on first use: loadCodeAssist, else onboardUser polled until done -> project id.
//
// Follows google-gemini/gemini-cli packages/core/src/code_assist/setup.ts (setupUser) and types.ts:
// - POST <base>/v1internal:loadCodeAssist {cloudaicompanionProject?, metadata: ClientMetadata}.
// - A `currentTier` means the user is already onboarded: the project is `cloudaicompanionProject`.
// - Otherwise onboard into the default tier of `allowedTiers` (`isDefault`), or "legacy-tier" when none is
//   marked: POST <base>/v1internal:onboardUser {tierId, cloudaicompanionProject, metadata}. For the free
//   tier the project must be left out ("causes a Precondition Failed error"): Google manages one.
// - onboardUser answers a long-running operation {name, done?, response?: {cloudaicompanionProject: {id}}};
//   gemini-cli polls every 5 s until `done` (GET <base>/v1internal/<name>, or the same POST again in its
//   earlier releases, used here when the operation has no name).
// - No project and `ineligibleTiers` -> their reasonMessage(s); none at all -> the account needs a project.
import { GatewayError } from "../../canonical/errors.ts";

/** gemini-cli's `coreClientMetadata`. */
const CLIENT_METADATA = { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" } as const;

export interface CodeAssistProject {
  projectId: string;
  tierId: string;
  tierName?: string;
}

interface Tier {
  id?: unknown;
  name?: unknown;
  isDefault?: unknown;
}

interface LoadCodeAssistAnswer {
  currentTier?: Tier | null;
  allowedTiers?: Tier[] | null;
  ineligibleTiers?: { reasonMessage?: unknown }[] | null;
  cloudaicompanionProject?: unknown;
  paidTier?: Tier | null;
}

interface Operation {
  name?: unknown;
  done?: unknown;
  response?: { cloudaicompanionProject?: { id?: unknown } };
}

export interface SetupOptions {
  base: string;
  accessToken: string;
  signal?: AbortSignal;
  /** Waits between operation polls, ms (gemini-cli waits 5 s each time). */
  pollDelaysMs?: number[];
  /** How a poll waits (Bun.sleep; tests wait for nothing). */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_POLL_DELAYS_MS = [1_000, 2_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000];

const text = (v: unknown) => (typeof v === "string" && v ? v : undefined);

async function codeAssistCall<T>(o: SetupOptions, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${o.base}/v1internal${path}`, {
    method,
    headers: { authorization: `Bearer ${o.accessToken}`, "content-type": "application/json", accept: "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
  });
  const raw = await res.text();
  if (!res.ok) {
    let message = raw.slice(0, 300);
    try {
      message = String((JSON.parse(raw) as { error?: { message?: unknown } }).error?.message ?? message);
    } catch {
      /* keep raw */
    }
    const kind = res.status === 401 || res.status === 403 ? "authentication" : res.status === 429 ? "rate_limit" : "upstream";
    throw new GatewayError(kind, `Code Assist ${path.replace(/^[:/]/, "")} answered ${res.status}: ${message}`);
  }
  return JSON.parse(raw) as T;
}

function ineligible(load: LoadCodeAssistAnswer): never {
  const reasons = (load.ineligibleTiers ?? []).map((t) => text(t.reasonMessage)).filter(Boolean);
  if (reasons.length) throw new GatewayError("authentication", `This Google account cannot use Gemini Code Assist: ${reasons.join(", ")}`);
  throw new GatewayError(
    "authentication",
    "This Google account needs a Google Cloud project for Gemini Code Assist (a Workspace account: see https://goo.gle/gemini-cli-auth-docs#workspace-gca).",
  );
}

/** The account's Code Assist project, onboarding it into its default tier when it has none yet. */
export async function setupCodeAssist(o: SetupOptions): Promise<CodeAssistProject> {
  const load = await codeAssistCall<LoadCodeAssistAnswer>(o, "POST", ":loadCodeAssist", { metadata: CLIENT_METADATA });
  if (load.currentTier) {
    const projectId = text(load.cloudaicompanionProject);
    if (!projectId) ineligible(load);
    const tier = load.paidTier ?? load.currentTier;
    return { projectId, tierId: text(tier.id) ?? "unknown", ...(text(tier.name) ? { tierName: text(tier.name) } : {}) };
  }

  const tier = (load.allowedTiers ?? []).find((t) => t.isDefault === true) ?? { id: "legacy-tier", name: "" };
  const tierId = text(tier.id) ?? "legacy-tier";
  const request = { tierId, cloudaicompanionProject: undefined, metadata: CLIENT_METADATA };
  let op = await codeAssistCall<Operation>(o, "POST", ":onboardUser", request);
  for (const delay of o.pollDelaysMs ?? DEFAULT_POLL_DELAYS_MS) {
    if (op.done === true) break;
    await (o.sleep ?? Bun.sleep)(delay);
    if (o.signal?.aborted) throw new GatewayError("timeout", "Code Assist onboarding was abandoned");
    const name = text(op.name);
    op = name
      ? await codeAssistCall<Operation>(o, "GET", `/${name.split("/").map(encodeURIComponent).join("/")}`)
      : await codeAssistCall<Operation>(o, "POST", ":onboardUser", request);
  }
  if (op.done !== true) throw new GatewayError("timeout", "Code Assist onboarding did not finish in time; try again in a minute.");
  const projectId = text(op.response?.cloudaicompanionProject?.id);
  if (!projectId) ineligible(load);
  return { projectId, tierId, ...(text(tier.name) ? { tierName: text(tier.name) } : {}) };
}
