// Kiro logins already on this machine: the Kiro IDE's token file, else the Kiro CLI's SQLite store (read-only).
//
// Kiro IDE: ~/.aws/sso/cache/kiro-auth-token.json {accessToken, refreshToken, expiresAt (ISO 8601), profileArn?, region?,
//   authMethod: "social" | "IdC", provider: "Google" | "Github" | "BuilderId" | ..., clientIdHash?}; for IdC logins the
//   client registration is ~/.aws/sso/cache/<clientIdHash>.json {clientId, clientSecret} (jwadow/kiro-gateway kiro/auth.py
//   _load_credentials_from_file / _load_enterprise_device_registration; AIClient-2-API claude-kiro.js).
// Kiro CLI: ~/.local/share/kiro-cli/data.sqlite3, table auth_kv(key, value): "kirocli:social:token" (Google/GitHub),
//   "kirocli:odic:token" (Builder ID) with {access_token, refresh_token, expires_at, region, profile_arn?}, and
//   "kirocli:odic:device-registration" {client_id, client_secret, region} (aws/amazon-q-developer-cli auth/builder_id.rs,
//   auth/social.rs SECRET_KEY constants; kiro-gateway SQLITE_TOKEN_KEYS).
import { Database } from "bun:sqlite";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayError } from "../../canonical/errors.ts";
import type { Credentials } from "../../accounts/pool.ts";
import type { AccountProfile, FlowContext } from "../oauth/types.ts";

type Imported = { credentials: Credentials; profile: AccountProfile };

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return record(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return undefined;
  }
}

function time(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const parsed = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The Kiro IDE's token file (as read from disk or pasted), with its client registration when it has one. */
export function fromIdeTokenFile(json: Record<string, unknown>, cacheDir: string | undefined): Imported {
  const refreshToken = str(json.refreshToken);
  if (!refreshToken)
    throw new GatewayError("invalid_request", "This is not a Kiro token file: it has no refreshToken.", { param: "credentials" });
  let clientId = str(json.clientId);
  let clientSecret = str(json.clientSecret);
  const hash = str(json.clientIdHash);
  if (!clientId && hash && cacheDir && /^[\w-]+$/.test(hash)) {
    const registration = readJson(join(cacheDir, `${hash}.json`));
    clientId = str(registration?.clientId);
    clientSecret = str(registration?.clientSecret);
  }
  const authMethod = str(json.authMethod) ?? (clientId ? "IdC" : "social");
  const credentials: Credentials = {
    accessToken: str(json.accessToken),
    refreshToken,
    expiresAt: time(json.expiresAt),
    authMethod,
    ...(str(json.provider) ? { loginProvider: str(json.provider) } : {}),
    ...(str(json.profileArn) ? { profileArn: str(json.profileArn) } : {}),
    ...(str(json.region) ? { region: str(json.region) } : {}),
    ...(clientId && clientSecret ? { clientId, clientSecret } : {}),
  };
  return { credentials, profile: { plan: `Kiro (${str(json.provider) ?? authMethod})`, authMethod, importedFrom: "Kiro IDE" } };
}

function kiroCliDb(home: string): string | undefined {
  const candidates = [join(home, ".local/share/kiro-cli/data.sqlite3"), join(home, "Library/Application Support/kiro-cli/data.sqlite3")];
  return candidates.find((p) => existsSync(p));
}

/** The Kiro CLI's own login, read without writing to its database. */
export function fromKiroCliDb(path: string): Imported | undefined {
  const db = new Database(path, { readonly: true });
  try {
    const value = (key: string) => {
      const row = db.query<{ value: string }, [string]>("SELECT value FROM auth_kv WHERE key = ?").get(key);
      try {
        return row ? record(JSON.parse(row.value)) : undefined;
      } catch {
        return undefined;
      }
    };
    const social = value("kirocli:social:token");
    const token = social ?? value("kirocli:odic:token") ?? value("codewhisperer:odic:token");
    const refreshToken = str(token?.refresh_token);
    if (!token || !refreshToken) return undefined;
    const registration = social
      ? undefined
      : (value("kirocli:odic:device-registration") ?? value("codewhisperer:odic:device-registration"));
    const authMethod = social ? "social" : "builder-id";
    const credentials: Credentials = {
      accessToken: str(token.access_token),
      refreshToken,
      expiresAt: time(token.expires_at),
      authMethod,
      ...(str(token.profile_arn) ? { profileArn: str(token.profile_arn) } : {}),
      ...(str(token.region) ? { region: str(token.region) } : {}),
      ...(str(registration?.client_id) && str(registration?.client_secret)
        ? { clientId: str(registration?.client_id), clientSecret: str(registration?.client_secret) }
        : {}),
    };
    return {
      credentials,
      profile: { plan: `Kiro (${social ? (str(social.provider) ?? "social") : "AWS Builder ID"})`, authMethod, importedFrom: "Kiro CLI" },
    };
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

/** OAuthFlow.importCli for Kiro: the pasted token file, else the IDE's file, else the CLI's store. */
export async function importKiroCli(ctx: FlowContext, json: unknown): Promise<Imported | undefined> {
  const cacheDir = join(ctx.homeDir, ".aws/sso/cache");
  if (json !== undefined) {
    const pasted = record(json);
    if (!pasted) throw new GatewayError("invalid_request", "Paste the JSON object of kiro-auth-token.json.", { param: "credentials" });
    return fromIdeTokenFile(pasted, cacheDir);
  }
  const ide = readJson(join(cacheDir, "kiro-auth-token.json"));
  if (ide) return fromIdeTokenFile(ide, cacheDir);
  const db = kiroCliDb(ctx.homeDir);
  return db ? fromKiroCliDb(db) : undefined;
}
