// Outbound proxy settings: their shape, the sealed form kept in the settings table, and the redacted view.
import { z } from "zod";
import type { SecretBox } from "../auth/secret-box.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import { readSetting, readSettingForUpdate, writeSetting } from "../db/queries/settings.ts";
import type { Store } from "../db/store.ts";

const SETTING_KEY = "proxy";

export const PROXY_TYPES = ["http", "https", "socks5"] as const;
export type ProxyType = (typeof PROXY_TYPES)[number];

/** A proxy to send upstream traffic through. */
export interface ProxyServer {
  type: ProxyType;
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** A proxy, or `none`: connect directly, whatever a less specific level or the environment says. */
export type ProxyEntry = ProxyServer | { type: "none" };

export const ProxyServerSchema = z
  .object({
    type: z.enum(PROXY_TYPES),
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^\s/@?#]+$/, "must be a host name or IP address, without scheme, path or credentials")
      .refine((h) => !h.includes(":") || h.split(":").length > 2, "must not carry the port: put it in `port`")
      .transform((h) => h.replace(/^\[(.*)\]$/, "$1")),
    port: z.coerce.number().int().min(1).max(65535),
    username: z.string().min(1).max(255).optional(),
    /** Omitted on PUT: keep the stored password when type, host, port and username are unchanged. null: remove it. */
    password: z.string().max(1000).nullable().optional(),
  })
  .strict();

export const ProxyEntrySchema = z.union([z.object({ type: z.literal("none") }).strict(), ProxyServerSchema]);
export type ProxyEntryInput = z.infer<typeof ProxyEntrySchema>;

const entryMap = z.record(z.string().min(1).max(200), ProxyEntrySchema.nullable());

/** PUT /api/settings/proxy: merges; null removes an entry (or, for a whole map, every entry in it). */
export const ProxyPatchSchema = z
  .object({
    global: ProxyEntrySchema.nullable().optional(),
    providers: entryMap.nullable().optional(),
    combos: entryMap.nullable().optional(),
    keys: entryMap.nullable().optional(),
    /** Hosts that never go through a configured proxy, NO_PROXY syntax; added to the NO_PROXY environment variable. */
    noProxy: z.array(z.string().trim().min(1).max(255)).max(500).nullable().optional(),
  })
  .strict();
export type ProxyPatch = z.infer<typeof ProxyPatchSchema>;

export type ProxyLevel = "providers" | "combos" | "keys";
export const PROXY_LEVELS: readonly ProxyLevel[] = ["providers", "combos", "keys"];

/** The opened configuration, held in memory. Combo names are matched without regard to case. */
export interface ProxyConfig {
  global?: ProxyEntry;
  providers: Readonly<Record<string, ProxyEntry>>;
  combos: Readonly<Record<string, ProxyEntry>>;
  keys: Readonly<Record<string, ProxyEntry>>;
  noProxy: readonly string[];
}

export type ProxyEntryView = { type: "none" } | { type: ProxyType; host: string; port: number; username?: string; hasPassword: boolean };

export interface ProxyConfigView {
  global: ProxyEntryView | null;
  providers: Record<string, ProxyEntryView>;
  combos: Record<string, ProxyEntryView>;
  keys: Record<string, ProxyEntryView>;
  noProxy: string[];
}

/** As stored: host and port in clear, the credentials (username and password) sealed together. */
type StoredEntry = { type: "none" } | { type: ProxyType; host: string; port: number; auth?: string };
interface StoredConfig {
  global?: StoredEntry;
  providers?: Record<string, StoredEntry>;
  combos?: Record<string, StoredEntry>;
  keys?: Record<string, StoredEntry>;
  noProxy?: string[];
}

export interface ProxyStore {
  get(): ProxyConfig;
  view(): ProxyConfigView;
  update(patch: ProxyPatch): Promise<ProxyConfigView>;
  /** Re-read the stored configuration (another instance changed it, an import, or a configuration file's apply rolled back). */
  reload(): Promise<void>;
}

export function viewEntry(entry: ProxyEntry): ProxyEntryView {
  if (entry.type === "none") return { type: "none" };
  return {
    type: entry.type,
    host: entry.host,
    port: entry.port,
    ...(entry.username ? { username: entry.username } : {}),
    hasPassword: Boolean(entry.password),
  };
}

/** A connection's own proxy (sealed JSON in provider_connections.proxy); undefined when absent or unreadable. */
export function openConnectionProxy(secrets: SecretBox, sealed: string | null | undefined): ProxyServer | undefined {
  if (!sealed) return undefined;
  try {
    const parsed = ProxyServerSchema.safeParse(JSON.parse(secrets.open(sealed)));
    if (!parsed.success) return undefined;
    const { password, ...rest } = parsed.data;
    return password ? { ...rest, password } : rest;
  } catch {
    return undefined;
  }
}

export async function createProxyStore(
  store: Store,
  secrets: SecretBox,
  changed: (area: ChangeArea) => void = () => {},
): Promise<ProxyStore> {
  const seal = (entry: ProxyEntry): StoredEntry => {
    if (entry.type === "none") return { type: "none" };
    const { username, password } = entry;
    const auth = username || password ? secrets.seal(JSON.stringify({ username, password })) : undefined;
    return { type: entry.type, host: entry.host, port: entry.port, ...(auth ? { auth } : {}) };
  };
  const open = (stored: StoredEntry): ProxyEntry | undefined => {
    if (stored.type === "none") return { type: "none" };
    const entry: ProxyServer = { type: stored.type, host: stored.host, port: stored.port };
    if (stored.auth) {
      try {
        const { username, password } = JSON.parse(secrets.open(stored.auth)) as { username?: string; password?: string };
        if (username) entry.username = username;
        if (password) entry.password = password;
      } catch {
        // Sealed under another ENCRYPTION_KEY: the entry cannot be used as configured.
        return undefined;
      }
    }
    return entry;
  };
  const openMap = (stored: Record<string, StoredEntry> | undefined) =>
    Object.fromEntries(
      Object.entries(stored ?? {}).flatMap(([id, e]) => {
        const opened = open(e);
        return opened ? [[id, opened]] : [];
      }),
    );

  const opened = (stored: StoredConfig): ProxyConfig => {
    const global = stored.global && open(stored.global);
    return Object.freeze({
      ...(global ? { global } : {}),
      providers: openMap(stored.providers),
      combos: openMap(stored.combos),
      keys: openMap(stored.keys),
      noProxy: stored.noProxy ?? [],
    });
  };
  const load = async () => opened((await readSetting<StoredConfig>(store, SETTING_KEY)) ?? {});

  let current = await load();

  const sealed = (next: ProxyConfig): StoredConfig => {
    const sealMap = (m: Readonly<Record<string, ProxyEntry>>) => Object.fromEntries(Object.entries(m).map(([id, e]) => [id, seal(e)]));
    return {
      ...(next.global ? { global: seal(next.global) } : {}),
      providers: sealMap(next.providers),
      combos: sealMap(next.combos),
      keys: sealMap(next.keys),
      noProxy: [...next.noProxy],
    };
  };

  return {
    get: () => current,
    view: () => viewConfig(current),
    async reload() {
      current = await load();
    },
    async update(patch) {
      // The patch goes on what is stored now, not on this copy: another instance's change a moment ago is kept.
      const next = await store.transaction(async (tx) => {
        const latest = opened((await readSettingForUpdate<StoredConfig>(tx, SETTING_KEY)) ?? {});
        const merged: ProxyConfig = {
          global: patch.global === undefined ? latest.global : patch.global === null ? undefined : mergeEntry(latest.global, patch.global),
          providers: mergeMap(latest.providers, patch.providers),
          combos: mergeMap(latest.combos, patch.combos),
          keys: mergeMap(latest.keys, patch.keys),
          noProxy: patch.noProxy === undefined ? latest.noProxy : (patch.noProxy ?? []),
        };
        if (!merged.global) delete merged.global;
        await writeSetting(tx, SETTING_KEY, sealed(merged));
        return merged;
      });
      current = Object.freeze(next);
      changed("settings");
      return viewConfig(current);
    },
  };
}

function viewConfig(config: ProxyConfig): ProxyConfigView {
  const viewMap = (m: Readonly<Record<string, ProxyEntry>>) => Object.fromEntries(Object.entries(m).map(([id, e]) => [id, viewEntry(e)]));
  return {
    global: config.global ? viewEntry(config.global) : null,
    providers: viewMap(config.providers),
    combos: viewMap(config.combos),
    keys: viewMap(config.keys),
    noProxy: [...config.noProxy],
  };
}

/** A new entry replaces the old one, except that an omitted password is kept for the same proxy and username. */
function mergeEntry(previous: ProxyEntry | undefined, input: ProxyEntryInput): ProxyEntry {
  if (input.type === "none") return { type: "none" };
  const { password, username, ...server } = input;
  const entry: ProxyServer = { ...server, ...(username ? { username } : {}) };
  if (typeof password === "string" && password.length > 0) entry.password = password;
  const sameProxy =
    previous &&
    previous.type !== "none" &&
    previous.type === entry.type &&
    previous.host === entry.host &&
    previous.port === entry.port &&
    previous.username === entry.username;
  if (password === undefined && sameProxy && previous.password) entry.password = previous.password;
  return entry;
}

function mergeMap(
  current: Readonly<Record<string, ProxyEntry>>,
  patch: Record<string, ProxyEntryInput | null> | null | undefined,
): Record<string, ProxyEntry> {
  if (patch === undefined) return { ...current };
  if (patch === null) return {};
  const next = { ...current };
  for (const [id, input] of Object.entries(patch)) {
    if (input === null) delete next[id];
    else next[id] = mergeEntry(current[id], input);
  }
  return next;
}
