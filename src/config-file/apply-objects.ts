// Creates or updates, by natural key, the list sections' objects: custom nodes, custom models, connections, keys and combos.
import { createConnection, updateConnectionById } from "../accounts/connection-service.ts";
import { openCredentials } from "../accounts/pool.ts";
import { GatewayError } from "../canonical/errors.ts";
import { listConnections } from "../db/queries/connections.ts";
import { openConnectionProxy } from "../network/proxy-config.ts";
import { addCustomModel, requireProviderId } from "../providers/model-service.ts";
import { createNode, listNodesWithHeaders, updateNodeById, type NodeInput } from "../providers/node-service.ts";
import { createCombo, updateComboById } from "../routing/combo-service.ts";
import type { ComboInput } from "../routing/combos.ts";
import type { CustomModelInput } from "../providers/model-service.ts";
import { changedFields, pick, type ApplyContext, type Section } from "./context.ts";
import type { FileConnection, FileKey } from "./schema.ts";

function record(ctx: ApplyContext, section: Section, key: string, created: boolean, fields: string[]) {
  if (created) ctx.report.created.push({ section, key });
  else if (fields.length) ctx.report.updated.push({ section, key, fields });
  else ctx.report.unchanged++;
}

export async function applyNodes(ctx: ApplyContext, items: NodeInput[]): Promise<void> {
  const { services } = ctx;
  const existing = await listNodesWithHeaders(services);
  for (const [index, input] of items.entries())
    await ctx.attempt({ section: "nodes", index, key: input.prefix }, async () => {
      const current = existing.find((n) => n.prefix.toLowerCase() === input.prefix.toLowerCase());
      const desired = { ...input, baseUrl: input.baseUrl.replace(/\/+$/, "") };
      const id = current?.id ?? (await createNode(services, input)).id;
      const fields = current ? changedFields(current, desired) : [];
      if (current && fields.length) await updateNodeById(services, current.id, pick(desired, fields));
      record(ctx, "nodes", input.prefix, !current, fields);
      ctx.declared.push({ kind: "node", objectId: id });
    });
}

export async function applyModels(ctx: ApplyContext, items: CustomModelInput[]): Promise<void> {
  const { services } = ctx;
  for (const [index, input] of items.entries())
    await ctx.attempt({ section: "models", index, key: `${input.provider}/${input.modelId}` }, async () => {
      const provider = requireProviderId(services, input.provider);
      const current = services.models.list(provider).find((m) => m.modelId === input.modelId);
      const fields = current ? changedFields(current, { modelName: input.modelName, type: input.type }) : [];
      if (!current || fields.length)
        await addCustomModel(services, { ...input, modelName: input.modelName ?? current?.modelName, type: input.type ?? current?.type });
      record(ctx, "models", `${input.provider}/${input.modelId}`, !current, fields);
      ctx.declared.push({ kind: "model", objectId: `${provider}/${input.modelId}` });
    });
}

export async function applyConnections(ctx: ApplyContext, items: FileConnection[]): Promise<void> {
  const { services } = ctx;
  const existing = await listConnections(services.store);
  for (const [index, input] of items.entries())
    await ctx.attempt({ section: "providers", index, key: input.name }, async () => {
      const named = existing.filter((r) => r.name === input.name);
      if (named.length > 1) {
        throw new GatewayError(
          "conflict",
          `${named.length} connections are named "${input.name}" (${named.map((r) => r.provider).join(", ")}): rename all but one in the dashboard so the file can tell which it means.`,
          { param: "name" },
        );
      }
      const row = named[0];
      if (!row) {
        ctx.declared.push({ kind: "connection", objectId: (await createConnection(services, input)).id });
        record(ctx, "providers", input.name, true, []);
        return;
      }
      const spec = services.providers.get(input.provider);
      if (spec?.id !== row.provider) {
        throw new GatewayError(
          "conflict",
          `"${input.name}" is a connection of provider "${row.provider}", not "${input.provider}": rename one of them (a connection cannot change provider).`,
          { param: "provider" },
        );
      }
      const { provider: _p, name: _n, ...desired } = input;
      const current = {
        apiKey: openCredentials(services.secrets, row.credentials).apiKey,
        baseUrl: row.baseUrl,
        priority: row.priority,
        isActive: row.isActive,
        limits: row.limits,
        proxy: openConnectionProxy(services.secrets, row.proxy) ?? null,
      };
      const fields = changedFields(current, desired);
      if (fields.length) await updateConnectionById(services, row.id, pick(desired, fields));
      record(ctx, "providers", input.name, false, fields);
      ctx.declared.push({ kind: "connection", objectId: row.id });
    });
}

export async function applyKeys(ctx: ApplyContext, items: FileKey[]): Promise<void> {
  const { services } = ctx;
  for (const [index, input] of items.entries())
    await ctx.attempt({ section: "keys", index, key: input.name }, async () => {
      const all = services.apiKeys.list();
      const named = all.filter((k) => k.name === input.name);
      if (named.length > 1)
        throw new GatewayError(
          "conflict",
          `${named.length} API keys are named "${input.name}": rename or revoke all but one in the dashboard.`,
          { param: "name" },
        );
      const row = named[0];
      const holder = all.find((k) => k.id !== row?.id && services.apiKeys.matches(k, input.key));
      if (holder)
        throw new GatewayError("conflict", `this value is already the key named "${holder.name}": give each key its own value.`, {
          param: "key",
        });
      const fields: string[] = [];
      let id: string;
      if (!row) {
        id = (await services.apiKeys.createWithKey(input.name, input.scopes ?? [], input.key)).id;
      } else {
        id = row.id;
        const patch: { scopes?: string[]; key?: string } = {};
        if (input.scopes !== undefined && !sameList(row.scopes, input.scopes)) patch.scopes = input.scopes;
        if (!services.apiKeys.matches(row, input.key)) patch.key = input.key;
        fields.push(...Object.keys(patch));
        if (fields.length) await services.apiKeys.update(row.id, patch);
      }
      if (input.budget !== undefined && (await applyBudgets(ctx, id, input.budget))) fields.push("budget");
      record(ctx, "keys", input.name, !row, fields);
      ctx.declared.push({ kind: "key", objectId: id });
    });
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The key's budgets become exactly those given; true when any changed. */
async function applyBudgets(ctx: ApplyContext, keyId: string, budget: NonNullable<FileKey["budget"]> | null): Promise<boolean> {
  const { budgets } = ctx.services;
  const desired = budget === null ? [] : Array.isArray(budget) ? budget : [budget];
  const current = budgets.list().filter((b) => b.keyId === keyId);
  let changed = false;
  for (const d of desired) {
    const cur = current.find((b) => b.period === d.period);
    if (cur && cur.limit === d.limit && (d.warnAt === undefined || cur.warnAt === d.warnAt)) continue;
    // Awaited whether the budgets service is synchronous yet or not (the other half of issue 17 moves it).
    await budgets.set(keyId, d.period, d.limit, d.warnAt ?? cur?.warnAt);
    changed = true;
  }
  for (const cur of current) {
    if (desired.some((d) => d.period === cur.period)) continue;
    await budgets.remove(keyId, cur.period);
    changed = true;
  }
  return changed;
}

/** Combos that name other combos of the file come after them, so every member resolves when each is saved. */
function comboOrder(items: ComboInput[]): number[] {
  const names = new Map(items.map((c, i) => [c.name.toLowerCase(), i]));
  const deps = items.map((c) =>
    c.models.map((m) => (typeof m === "string" ? m : m.model).toLowerCase()).filter((m) => names.has(m) && m !== c.name.toLowerCase()),
  );
  const order: number[] = [];
  const done = new Set<number>();
  let progressed = true;
  while (progressed) {
    progressed = false;
    items.forEach((_, i) => {
      if (done.has(i) || !deps[i]!.every((d) => done.has(names.get(d)!))) return;
      done.add(i);
      order.push(i);
      progressed = true;
    });
  }
  // What is left names itself through others: saved as written, the store refuses it with the cycle spelled out.
  items.forEach((_, i) => {
    if (!done.has(i)) order.push(i);
  });
  return order;
}

export async function applyCombos(ctx: ApplyContext, items: ComboInput[]): Promise<void> {
  const { services } = ctx;
  for (const index of comboOrder(items)) {
    const input = items[index]!;
    await ctx.attempt({ section: "combos", index, key: input.name }, async () => {
      const current = services.combos.byName(input.name);
      if (!current) {
        ctx.declared.push({ kind: "combo", objectId: (await createCombo(services, input)).id });
        record(ctx, "combos", input.name, true, []);
        return;
      }
      const desired = {
        name: input.name,
        strategy: input.strategy,
        models: input.models.map((m) => (typeof m === "string" ? { model: m, weight: 1 } : { model: m.model, weight: m.weight ?? 1 })),
      };
      const fields = changedFields({ name: current.name, strategy: current.strategy, models: current.members }, desired);
      if (fields.length) await updateComboById(services, current.id, pick({ ...input, name: input.name }, fields));
      record(ctx, "combos", input.name, false, fields);
      ctx.declared.push({ kind: "combo", objectId: current.id });
    });
  }
}
