// The dashboard session: an HS256 JWT (jose) in the HttpOnly `auth_token` cookie naming a session id the server keeps.
// A token counts only while its id is live here: signing out ends that session, a password change ends them all.
import { jwtVerify, SignJWT } from "jose";
import type { Db } from "../db/client.ts";
import { readSetting, writeSetting } from "../db/queries/settings.ts";

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
  revokeAll(): void;
}

/** Live session id -> when it expires (ms). */
type SessionTable = Record<string, number>;

export function createSessionTokens(secret: string, db: Db): SessionTokens {
  const key = new TextEncoder().encode(secret);
  const stored = readSetting<SessionTable>(db, SESSIONS_SETTING);
  let live = new Map<string, number>(
    stored && typeof stored === "object" ? Object.entries(stored).filter(([, exp]) => typeof exp === "number") : [],
  );
  const save = () => writeSetting(db, SESSIONS_SETTING, Object.fromEntries(live));

  async function sessionOf(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], requiredClaims: ["exp", "iat", "sid"] });
      if (payload.sub !== "admin" || typeof payload.sid !== "string") return undefined;
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
      live = new Map([...live].filter(([, exp]) => exp > now));
      live.set(sid, now + SESSION_TTL_SECONDS * 1000);
      while (live.size > MAX_SESSIONS) live.delete(live.keys().next().value!);
      save();
      return new SignJWT({ sub: "admin", sid })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuedAt()
        .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
        .sign(key);
    },
    verify: async (token) => (await sessionOf(token)) !== undefined,
    async revoke(token) {
      const sid = await sessionOf(token);
      if (sid && live.delete(sid)) save();
    },
    revokeAll() {
      live = new Map();
      save();
    },
  };
}
