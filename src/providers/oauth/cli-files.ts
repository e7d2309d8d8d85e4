// Reading an official CLI's own credential file (and decoding JWT claims), in the home folder Services names.
import { join } from "node:path";
import { GatewayError } from "../../canonical/errors.ts";
import type { FlowContext } from "./types.ts";

/** The parsed JSON file at `relPath` under the home folder, or undefined when there is no such file. */
export async function readCliJson(ctx: FlowContext, relPath: string): Promise<unknown | undefined> {
  const file = Bun.file(join(ctx.homeDir, relPath));
  if (!(await file.exists())) return undefined;
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new GatewayError("invalid_request", `~/${relPath} is not valid JSON; log in again with the official CLI.`, {
      code: "cli_credentials_unreadable",
    });
  }
}

/** The claims of a JWT, unverified (only to read who the account is and when the token expires), or undefined. */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `exp` claim of a JWT as epoch ms. */
export function jwtExpiry(token: string | undefined): number | undefined {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : undefined;
}
