// The dashboard session: an HS256 JWT in the HttpOnly `auth_token` cookie, signed and checked with jose.
import { jwtVerify, SignJWT } from "jose";

export const SESSION_COOKIE = "auth_token";
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

export interface SessionTokens {
  issue(): Promise<string>;
  /** True when the token is ours and unexpired (and was issued after the last password change). */
  verify(token: string): Promise<boolean>;
}

export function createSessionTokens(secret: string, notBefore: () => number): SessionTokens {
  const key = new TextEncoder().encode(secret);
  return {
    async issue() {
      return new SignJWT({ sub: "admin" })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuedAt()
        .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"] });
        return payload.sub === "admin" && (payload.iat ?? 0) * 1000 >= notBefore() - 1000;
      } catch {
        return false;
      }
    },
  };
}
