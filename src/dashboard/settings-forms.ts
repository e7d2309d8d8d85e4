// Settings page forms -> the patches PUT /api/settings and PATCH /api/resilience take, validated by the same zod schemas.
import { ResiliencePatchSchema, type ResilienceConfig } from "../accounts/profiles.ts";
import { invalidIpEntries } from "../auth/ip-filter.ts";
import { ProxyPatchSchema, ProxyServerSchema, type ProxyConfigView } from "../network/proxy-config.ts";
import type { Services } from "../services.ts";
import { SettingsPatchSchema, type Settings } from "../settings/schema.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import { optional, validateForm, type readForm } from "./forms.ts";

export type Form = Awaited<ReturnType<typeof readForm>>;
export type Saved<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export const PROFILE_FIELDS = [
  "failureThreshold",
  "breakerCooldownMs",
  "backoffBaseMs",
  "backoffCapMs",
  "timeoutMs",
  "streamIdleMs",
  "rateLimitStrikes",
] as const;
export const LIMIT_FIELDS = ["rpm", "minIntervalMs", "maxConcurrent"] as const;

/** zod's messages, as a person filling a form reads them. */
export function friendly(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(errors)) {
    out[field] = message
      .replace(/^Too small: expected number to be >=?(\S+)$/, "Must be at least $1")
      .replace(/^Too big: expected number to be <=?(\S+)$/, "Must be at most $1")
      .replace(/^Too small: expected string to have >=1 characters$/, "Required")
      .replace(/^Too big: expected string to have <=(\d+) characters$/, "At most $1 characters")
      .replace(/^Too small: expected array to have >=1 items$/, "Add at least one")
      .replace(/^Too big: expected array to have <=(\d+) items$/, "At most $1 entries")
      .replace(/^Invalid input: expected int, received number$/, "Must be a whole number")
      .replace(/^Invalid input: expected number, received NaN$/, "Enter a number")
      .replace(/^Invalid option: expected one of .*$/, "Choose one of the options")
      .replace(/^[a-z]/, (ch) => ch.toUpperCase());
  }
  return out;
}

/** A required whole-number input; a blank or non-numeric value is reported under its name. */
export function wholeNumber(form: Form, name: string, errors: FieldErrors): number | undefined {
  const raw = optional(form.get(name));
  if (raw === undefined) {
    errors[name] = "Enter a number";
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) errors[name] = "Enter a number";
  else if (!Number.isInteger(n)) errors[name] = "Must be a whole number";
  return Number.isFinite(n) ? n : undefined;
}

/** Non-empty trimmed lines of a textarea. */
export function lines(value: string | undefined): string[] {
  return (value ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Validates the patch with SettingsPatchSchema (as PUT /api/settings does) and writes it only if it and the form's own checks pass. */
export async function saveSettings(
  services: Services,
  patch: Record<string, unknown>,
  formErrors: FieldErrors = {},
): Promise<Saved<Settings>> {
  const parsed = validateForm(SettingsPatchSchema, patch);
  if (!parsed.ok || Object.keys(formErrors).length)
    return { ok: false, errors: friendly({ ...(parsed.ok ? {} : parsed.errors), ...formErrors }) };
  return { ok: true, value: await services.settings.update(parsed.data) };
}

export function accessPatch(form: Form) {
  const tri = (name: string) => {
    const value = form.get(name);
    return value === "on" ? true : value === "off" ? false : null;
  };
  return {
    requireLogin: Boolean(form.get("requireLogin")),
    requireApiKey: tri("requireApiKey"),
    requireApiKeyForModels: tri("requireApiKeyForModels"),
  };
}

export function ipFilterPatch(form: Form, errors: FieldErrors) {
  const list = lines(form.get("ipFilter.list"));
  const bad = invalidIpEntries(list);
  if (bad.length) errors["ipFilter.list"] = `Not an IP address or CIDR range: ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? "…" : ""}`;
  return { ipFilter: { mode: form.get("ipFilter.mode"), list } };
}

export function strategyPatch(form: Form, providerIds: string[], errors: FieldErrors) {
  const providerStrategies: Record<string, string> = {};
  for (const id of providerIds) {
    const value = optional(form.get(`providerStrategies.${id}`));
    if (value) providerStrategies[id] = value;
  }
  return {
    routingStrategy: form.get("routingStrategy"),
    stickyRoundRobinLimit: wholeNumber(form, "stickyRoundRobinLimit", errors),
    providerStrategies,
  };
}

export interface AliasRow {
  pattern: string;
  target: string;
}
export interface ChainRow {
  name: string;
  models: string[];
}

/** Repeated pattern/target inputs, in order; rows left blank are dropped. */
export function aliasRows(form: Form): AliasRow[] {
  const patterns = form.all("pattern"),
    targets = form.all("target");
  return patterns.map((p, i) => ({ pattern: p.trim(), target: (targets[i] ?? "").trim() })).filter((r) => r.pattern || r.target);
}

export function chainRows(form: Form): ChainRow[] {
  const names = form.all("chainName"),
    models = form.all("chainModels");
  return names.map((n, i) => ({ name: n.trim(), models: lines(models[i]) })).filter((r) => r.name || r.models.length);
}

export function aiPatch(form: Form, errors: FieldErrors) {
  return {
    thinkingBudget: wholeNumber(form, "thinkingBudget", errors),
    systemPrompt: (form.get("systemPrompt") ?? "").replace(/\r\n/g, "\n"),
  };
}

export function cachePatch(form: Form, errors: FieldErrors) {
  return { cache: { enabled: Boolean(form.get("cache.enabled")), ttlSeconds: wholeNumber(form, "cache.ttlSeconds", errors) } };
}

/** Errors on list items (`ipFilter.list.3`) belong to the list's one field. */
export function foldListErrors(errors: FieldErrors, field: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const key = k.startsWith(`${field}.`) ? field : k;
    out[key] ??= v;
  }
  return out;
}

/**
 * The resilience edit form: defaults and limits (all required), and one row per provider override
 * (`override` lists the rows; a blank cell inherits the default; `remove` drops the row).
 */
export function resiliencePatch(form: Form, errors: FieldErrors) {
  const defaults: Record<string, number | undefined> = {};
  for (const f of PROFILE_FIELDS) defaults[f] = wholeNumber(form, `defaults.${f}`, errors);
  const limits: Record<string, number | undefined> = {};
  for (const f of LIMIT_FIELDS) limits[f] = wholeNumber(form, `limits.${f}`, errors);
  const providers: Record<string, Record<string, number | undefined> | null> = {};
  for (const id of new Set(form.all("override"))) {
    const row: Record<string, number | undefined> = {};
    for (const f of PROFILE_FIELDS) {
      const name = `providers.${id}.${f}`;
      if (optional(form.get(name)) !== undefined) row[f] = wholeNumber(form, name, errors);
    }
    providers[id] = form.get(`providers.${id}.remove`) || !Object.keys(row).length ? null : row;
  }
  return { defaults, limits, providers };
}

/**
 * Validates with ResiliencePatchSchema (as PATCH /api/resilience does) and saves. A provider row replaces that
 * provider's override whole (update() merges), so rows are cleared first and then written, after validation.
 */
export async function saveResilience(
  services: Services,
  patch: ReturnType<typeof resiliencePatch>,
  formErrors: FieldErrors,
): Promise<Saved<ResilienceConfig>> {
  const parsed = validateForm(ResiliencePatchSchema, patch);
  if (!parsed.ok || Object.keys(formErrors).length)
    return { ok: false, errors: friendly({ ...(parsed.ok ? {} : parsed.errors), ...formErrors }) };
  const current = services.resilience.get();
  const clear = Object.keys(parsed.data.providers ?? {}).filter((id) => current.providers[id]);
  if (clear.length) await services.resilience.update({ providers: Object.fromEntries(clear.map((id) => [id, null])) });
  return { ok: true, value: await services.resilience.update(parsed.data) };
}

/**
 * The global proxy form -> PUT /api/settings/proxy's patch: `global` (null = none set, follow the environment)
 * and `noProxy`. The server part is checked with ProxyServerSchema first so each error lands on its field.
 */
export function proxyPatch(form: Form, errors: FieldErrors) {
  const type = form.get("proxy.type") ?? "";
  const noProxy = lines(form.get("noProxy"));
  if (type === "") return { global: null, noProxy };
  if (type === "none") return { global: { type: "none" }, noProxy };
  const server = {
    type,
    host: form.get("proxy.host") ?? "",
    port: optional(form.get("proxy.port")) ?? Number.NaN,
    username: optional(form.get("proxy.username")),
    password: form.get("proxy.clearPassword") ? null : optional(form.get("proxy.password")),
  };
  const checked = validateForm(ProxyServerSchema, server);
  if (!checked.ok) for (const [field, message] of Object.entries(checked.errors)) errors[`proxy.${field}`] ??= message;
  return { global: server, noProxy };
}

/** Validates with ProxyPatchSchema (as PUT /api/settings/proxy does) and saves; only global and noProxy are sent. */
export async function saveProxy(
  services: Services,
  patch: ReturnType<typeof proxyPatch>,
  formErrors: FieldErrors,
): Promise<Saved<ProxyConfigView>> {
  const parsed = validateForm(ProxyPatchSchema, patch);
  if (!parsed.ok || Object.keys(formErrors).length) {
    const errors = foldListErrors(parsed.ok ? {} : parsed.errors, "noProxy");
    // A union's failure is reported on "global": the per-field errors above say more.
    if (Object.keys(formErrors).length) delete errors.global;
    return { ok: false, errors: friendly({ ...errors, ...formErrors }) };
  }
  return { ok: true, value: await services.proxies.update(parsed.data) };
}
