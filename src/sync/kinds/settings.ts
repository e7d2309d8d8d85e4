// The settings document as one sync item, minus what guards this gateway's own door (login, API keys, IP filter).
import { settingUpdatedAt } from "../../db/queries/settings.ts";
import { SettingsSchema, upgradeStoredSettings, type Settings } from "../../settings/schema.ts";
import type { SyncKind } from "./types.ts";

/** Settings each device keeps for itself: syncing them could lock a device out or open it up. */
export const DEVICE_SETTINGS = ["requireLogin", "requireApiKey", "requireApiKeyForModels", "ipFilter"] as const satisfies ReadonlyArray<
  keyof Settings
>;

const SETTINGS_KEY = "app";
const SyncedSettings = SettingsSchema.omit({
  requireLogin: true,
  requireApiKey: true,
  requireApiKeyForModels: true,
  ipFilter: true,
}).partial();

export const settingsKind: SyncKind = {
  kind: "settings",
  async list(services) {
    // Until something is saved, a gateway runs on defaults and has nothing to offer the others.
    const updatedAt = await settingUpdatedAt(services.store, SETTINGS_KEY);
    if (updatedAt === undefined) return [];
    const synced: Record<string, unknown> = { ...services.settings.get() };
    for (const key of DEVICE_SETTINGS) delete synced[key];
    return [{ localId: SETTINGS_KEY, label: "settings", updatedAt, payload: synced }];
  },
  async upsert(services, localId, payload) {
    if (localId !== SETTINGS_KEY) throw new Error(`unknown settings document "${localId}"`);
    // A device on an older version may still send names this one reads differently.
    const upgraded = payload && typeof payload === "object" && !Array.isArray(payload) ? upgradeStoredSettings({ ...payload }) : payload;
    await services.settings.update(SyncedSettings.parse(upgraded));
  },
  async remove() {
    /* settings are never deleted */
  },
  async reload() {
    /* the settings store updates its copy (and tells the other instances) when written */
  },
};
