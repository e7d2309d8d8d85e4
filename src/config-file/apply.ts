// Applies a parsed configuration in one transaction: objects by natural key, then the settings-like sections, then prune.
// Every item is tried so that every refusal is reported; any problem rolls the whole apply back, as does a dry run.
import { deleteConnectionById } from "../accounts/connection-service.ts";
import { normalizePatch } from "../api/settings-proxy.ts";
import { GatewayError } from "../canonical/errors.ts";
import { listConnections } from "../db/queries/connections.ts";
import { replaceConfigFileObjects } from "../db/queries/config-file-objects.ts";
import { withSavepoint } from "../db/ambient-store.ts";
import type { ProxyPatch } from "../network/proxy-config.ts";
import { removeCustomModel } from "../providers/model-service.ts";
import { deleteNodeById, listNodeViews } from "../providers/node-service.ts";
import type { Services } from "../services.ts";
import { applyCombos, applyConnections, applyKeys, applyModels, applyNodes } from "./apply-objects.ts";
import { changedFields, createContext, pick, same, type ApplyContext, type ApplyReport, type Section } from "./context.ts";
import type { LoadedConfig } from "./load.ts";
import { ConfigFileError, sortProblems } from "./problems.ts";
import type { ConfigFile } from "./schema.ts";

export type { ApplyReport, ConfigChange } from "./context.ts";

const DRY_RUN = Symbol("dry run");

/**
 * Apply (or, with dryRun, only report) a configuration. Throws ConfigFileError listing every refusal; then nothing
 * changed. One store transaction: the services' writes join it (ambient-store.ts), and the other instances hear of
 * the changed areas only once it committed.
 */
export async function applyConfig(services: Services, loaded: LoadedConfig, options: { dryRun?: boolean } = {}): Promise<ApplyReport> {
  const dryRun = options.dryRun === true;
  const ctx = createContext(services, loaded.text, dryRun);
  try {
    await services.store.transaction(async (tx) => {
      await applyAll(ctx, loaded.config);
      if (ctx.problems.length) throw new ConfigFileError(loaded.source, sortProblems(ctx.problems));
      await replaceConfigFileObjects(tx, ctx.declared);
      if (dryRun) throw DRY_RUN;
    });
  } catch (err) {
    // Rolled back: every cache built from the rows goes back to what the database holds.
    await reloadConfiguration(services);
    if (err === DRY_RUN) return ctx.report;
    throw err;
  }
  const { created, updated, removed } = ctx.report;
  if (created.length + updated.length + removed.length) {
    await reloadConfiguration(services);
    services.sync.noteLocalChange();
  }
  return ctx.report;
}

/** Re-read what an apply writes (and nothing else: live breakers, sync state and usage stay as they are). */
async function reloadConfiguration(services: Services): Promise<void> {
  for (const service of [
    services.providers,
    services.models,
    services.accounts,
    services.combos,
    services.settings,
    services.apiKeys,
    services.budgets,
    services.resilience,
    services.pricing,
    services.proxies,
  ]) {
    // Awaited whether a service reloads synchronously yet or not (budgets move in the other half of issue 17).
    await service.reload();
  }
  // Answers cached under the previous providers or combos are not replayed.
  services.cache.clear();
}

async function applyAll(ctx: ApplyContext, config: ConfigFile): Promise<void> {
  // Nodes before what names their prefix; settings (aliases) before combos that may name an alias; proxy entries last.
  if (config.nodes) await applyNodes(ctx, config.nodes);
  if (config.models) await applyModels(ctx, config.models);
  if (config.providers) await applyConnections(ctx, config.providers);
  if (config.keys) await applyKeys(ctx, config.keys);
  if (config.settings) await applySettings(ctx, config.settings);
  if (config.combos) await applyCombos(ctx, config.combos);
  const { services } = ctx;
  if (config.resilience)
    await applySection(
      ctx,
      "resilience",
      () => services.resilience.get(),
      () => services.resilience.update(config.resilience!),
      () => services.resilience.reload(),
    );
  if (config.pricing)
    await applySection(
      ctx,
      "pricing",
      () => services.pricing.overrides(),
      () => services.pricing.update(config.pricing!),
      () => services.pricing.reload(),
    );
  if (config.proxy)
    await applySection(
      ctx,
      "proxy",
      () => proxyByKeyName(services),
      () => services.proxies.update(proxyPatch(ctx, config.proxy!)),
      () => services.proxies.reload(),
    );
  if (config.prune) await prune(ctx, config);
}

async function applySettings(ctx: ApplyContext, settings: NonNullable<ConfigFile["settings"]>): Promise<void> {
  await ctx.attempt({ section: "settings", key: "settings" }, async () => {
    const fields = changedFields(ctx.services.settings.get(), settings);
    if (!fields.length) return void ctx.report.unchanged++;
    await ctx.services.settings.update(pick(settings, fields));
    ctx.report.updated.push({ section: "settings", key: "settings", fields });
  });
}

const UNCHANGED = Symbol("unchanged");

/** A section written through its own update (a merge, as its API does), kept only when it changes something. */
async function applySection(
  ctx: ApplyContext,
  section: Section,
  read: () => object,
  write: () => Promise<unknown>,
  reload: () => Promise<void>,
): Promise<void> {
  await ctx.attempt({ section, key: section }, async () => {
    const before = structuredClone(read());
    try {
      // A savepoint: an update that changes nothing leaves no write behind (nor a newer updated_at).
      await withSavepoint(ctx.services.store, "config_section", async () => {
        await write();
        if (same(before, read())) throw UNCHANGED;
      });
    } catch (err) {
      await reload();
      if (err !== UNCHANGED) throw err;
      ctx.report.unchanged++;
      return;
    }
    ctx.report.updated.push({ section, key: section, fields: changedPaths(before, read()) });
  });
}

/** `providers.openai`, `defaults` ...: what differs, two levels deep. */
function changedPaths(before: object, after: object, prefix = "", depth = 2): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => {
    if (same(a[k], b[k])) return [];
    const bothObjects = [a[k], b[k]].every((v) => v && typeof v === "object" && !Array.isArray(v));
    return depth > 1 && bothObjects ? changedPaths(a[k] as object, b[k] as object, `${prefix}${k}.`, depth - 1) : [`${prefix}${k}`];
  });
}

/** The proxy configuration with key entries under the key's name, as the file and the report name them. */
function proxyByKeyName(services: Services): object {
  const config = services.proxies.get();
  const names = new Map(services.apiKeys.list().map((k) => [k.id, k.name]));
  return { ...config, keys: Object.fromEntries(Object.entries(config.keys).map(([id, e]) => [names.get(id) ?? id, e])) };
}

/** Proxy entries for keys are named by the key's name in the file; the API's own normalization does the rest. */
function proxyPatch(ctx: ApplyContext, patch: ProxyPatch): ProxyPatch {
  const keys =
    patch.keys &&
    Object.fromEntries(
      Object.entries(patch.keys).map(([name, entry]) => {
        const matches = ctx.services.apiKeys.list().filter((k) => k.name === name);
        if (matches.length !== 1) {
          throw new GatewayError(
            "invalid_request",
            matches.length
              ? `${matches.length} API keys are named "${name}".`
              : `no API key named "${name}" (name keys by their name here).`,
            { param: `keys.${name}` },
          );
        }
        return [matches[0]!.id, entry];
      }),
    );
  return normalizePatch(ctx.services, { ...patch, ...(keys ? { keys } : {}) });
}

/** In each list section the file has, remove what it does not name (OAuth logins, which a file cannot declare, stay). */
async function prune(ctx: ApplyContext, config: ConfigFile): Promise<void> {
  const { services } = ctx;
  const declared = new Set(ctx.declared.map((d) => `${d.kind}:${d.objectId}`));
  const remove = (section: Section, key: string, del: () => Promise<unknown>) =>
    ctx.attempt({ section, key }, async () => {
      await del();
      ctx.report.removed.push({ section, key });
    });
  if (config.combos !== undefined) {
    for (const c of services.combos.list())
      if (!declared.has(`combo:${c.id}`)) await remove("combos", c.name, () => services.combos.remove(c.id));
  }
  if (config.keys !== undefined) {
    for (const k of services.apiKeys.list()) {
      if (!declared.has(`key:${k.id}`))
        await remove("keys", k.name, async () => {
          await services.apiKeys.remove(k.id);
          // Awaited whether budgets are synchronous yet or not (the other half of issue 17 moves them).
          await services.budgets.forgetKey(k.id);
        });
    }
  }
  if (config.providers !== undefined) {
    for (const r of await listConnections(services.store)) {
      if (!declared.has(`connection:${r.id}`) && r.authType !== "oauth")
        await remove("providers", r.name, () => deleteConnectionById(services, r.id));
    }
  }
  if (config.models !== undefined) {
    for (const m of [...services.models.list()]) {
      if (!declared.has(`model:${m.provider}/${m.modelId}`))
        await remove("models", `${m.provider}/${m.modelId}`, () => removeCustomModel(services, m.provider, m.modelId));
    }
  }
  if (config.nodes !== undefined) {
    for (const n of await listNodeViews(services))
      if (!declared.has(`node:${n.id}`)) await remove("nodes", n.prefix, () => deleteNodeById(services, n.id));
  }
}
