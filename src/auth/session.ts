// The dashboard session: an HS256 JWT (jose) in the HttpOnly `auth_token` cookie naming a session id the server keeps.
// A token counts only while its id is live here: signing out ends that session, a password change ends them all.
import { jwtVerify, SignJWT } from "jose";
import type { ChangeArea } from "../db/change-feed.ts";
import { readSetting, readSettingForUpdate, writeSetting } from "../db/queries/settings.ts";
import type { Store } from "../db/store.ts";

export const SESSION_COOKIE = "auth_token";
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;
/** Kept under this settings key (and kept through a database import, see src/db/swap.ts). */
export const SESSIONS_SETTING = "auth.sessions";
/** Sessions kept at most; signing in past this ends the oldest. */
export const MAX_SESSIONS = 100;

export interface SessionTokens {
  issue(): Promise<string>;
  /** True when the token is ours, carries an expiry that has not passed, and its session was not ended. */
  verify(token: string): Promise<boolean>;
  /** End the session this token names (sign-out); a token that is not ours changes nothing. */
  revoke(token: string): Promise<void>;
  /** End every session (a password change). */
  revokeAll(): Promise<void>;
  /** Re-read the live sessions (another instance signed someone in or out). */
  reload(): Promise<void>;
}

/** Live session id -> when it expires (ms). */
type SessionTable = Record<string, number>;

const tableOf = (stored: SessionTable | undefined): Map<string, number> =>
  new Map(stored && typeof stored === "object" ? Object.entries(stored).filter(([, exp]) => typeof exp === "number") : []);

/**
 * Sessions live in the store, so every instance behind one load balancer honours them: each change re-reads the
 * stored table and edits it in one transaction (another instance's sign-ins are kept), then tells the others
 * (`changed`). A token whose session this instance does not know yet is checked against the store once.
 */
export async function createSessionTokens(
  secret: string,
  store: Store,
  changed: (area: ChangeArea) => void = () => {},
): Promise<SessionTokens> {
  const key = new TextEncoder().encode(secret);
  const load = async () => tableOf(await readSetting<SessionTable>(store, SESSIONS_SETTING));
  let live = await load();
  const rewrite = async (edit: (table: Map<string, number>) => boolean) => {
    const next = await store.transaction(async (tx) => {
      const table = tableOf(await readSettingForUpdate<SessionTable>(tx, SESSIONS_SETTING));
      if (edit(table)) await writeSetting(tx, SESSIONS_SETTING, Object.fromEntries(table));
      return table;
    });
    live = next;
    changed("settings");
  };

  async function sessionOf(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], requiredClaims: ["exp", "iat", "sid"] });
      if (payload.sub !== "admin" || typeof payload.sid !== "string") return undefined;
      // Signed in on another instance a moment ago: its notice may not have arrived yet.
      if (!live.has(payload.sid)) live = await load();
      const expires = live.get(payload.sid);
      return expires !== undefined && expires > Date.now() ? payload.sid : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    async issue() {
      const now = Date.now();
      const sid = crypto.randomUUID();
      await rewrite((table) => {
        for (const [id, exp] of table) if (exp <= now) table.delete(id);
        table.set(sid, now + SESSION_TTL_SECONDS * 1000);
        while (table.size > MAX_SESSIONS) table.delete(table.keys().next().value!);
        return true;
      });
      return new SignJWT({ sub: "admin", sid })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuedAt()
        .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
        .sign(key);
    },
    verify: async (token) => (await sessionOf(token)) !== undefined,
    async revoke(token) {
      const sid = await sessionOf(token);
      if (sid) await rewrite((table) => table.delete(sid));
    },
    async revokeAll() {
      await rewrite((table) => {
        table.clear();
        return true;
      });
    },
    async reload() {
      live = await load();
    },
  };
}
