// OAuth login flows: one per provider (PKCE code pasted back or caught on a loopback callback, or device code).
import type { Credentials } from "../../accounts/pool.ts";
import type { UpstreamFetch } from "../../network/upstream-fetch.ts";

/** What the dashboard / API shows the user to complete a login. */
export interface FlowStart {
  flow: "pkce" | "device";
  state: string;
  /** PKCE: open this in a browser. */
  authorizeUrl?: string;
  /** PKCE: a listener on this machine catches the browser's return, so polling /complete (no code) finishes the login. */
  callback?: boolean;
  /** Device: where the user enters `userCode`. */
  verificationUri?: string;
  userCode?: string;
  /** Seconds until this login attempt expires. */
  expiresIn?: number;
  /** Device: seconds between polls. */
  interval?: number;
  /** A human hint (e.g. "paste the code shown after you approve"). */
  instructions?: string;
  /** PKCE: what the pasted text looks like, when it is not a code (Kiro: the kiro://… address). */
  pasteExample?: string;
}

/** Who the account is, shown beside the connection. Never secret. */
export interface AccountProfile {
  email?: string;
  plan?: string;
  name?: string;
  [field: string]: unknown;
}

export type FlowResult =
  | { status: "pending" }
  | { status: "connected"; credentials: Credentials; profile: AccountProfile }
  | { status: "failed"; error: string };

/** Opaque data a flow keeps between start and complete (verifier, device code...), held in memory only. */
export type PendingData = Record<string, unknown>;

export interface FlowContext {
  /** fetch through the outbound proxy set for this provider. */
  fetch: UpstreamFetch;
  /** Endpoints of this provider, possibly overridden in tests (see oauth/endpoints.ts). */
  endpoint(name: string): string;
  /** The home folder the official CLIs keep their credential files in (a temp folder in tests). */
  homeDir: string;
  signal?: AbortSignal;
  /** How a flow waits between polls (Bun.sleep; tests pass one that waits for nothing). */
  sleep(ms: number): Promise<void>;
}

/** One of several ways a provider lets its users sign in (Kiro: AWS Builder ID, Google, GitHub). */
export interface LoginMethod {
  id: string;
  label: string;
}

export interface OAuthFlow {
  /** The provider id it logs into (catalog id, e.g. "claude"). */
  provider: string;
  /** The kind of its default login (a method may be of another kind: the start answer's `flow` says). */
  kind: "pkce" | "device";
  /** Several sign-in methods, the first the default; unset: one. */
  methods?: readonly LoginMethod[];
  start(ctx: FlowContext, options?: { method?: string }): Promise<{ start: Omit<FlowStart, "state">; pending: PendingData }>;
  /** PKCE: `code` is what the user pasted (or the callback caught). Device: called repeatedly to poll. */
  complete(ctx: FlowContext, pending: PendingData, input: { code?: string }): Promise<FlowResult>;
  /** A fresh credential from a refresh token. Throws RefreshRevokedError when the user must log in again. */
  refresh(ctx: FlowContext, credentials: Credentials): Promise<Credentials>;
  /**
   * Credentials from the official CLI's own file: the parsed JSON given, or read from its default path
   * on this machine when `json` is undefined. Returns undefined when there is no such file.
   */
  importCli?(ctx: FlowContext, json: unknown | undefined): Promise<{ credentials: Credentials; profile: AccountProfile } | undefined>;
}

/** The refresh token was revoked or expired: the account needs a new login. */
export class RefreshRevokedError extends Error {
  override name = "RefreshRevokedError";
}
