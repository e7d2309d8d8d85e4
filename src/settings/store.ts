// Settings held in memory for the hot path, written through to the store.
import type { ChangeArea } from "../db/change-feed.ts";
import { readSetting, writeSetting } from "../db/queries/settings.ts";
import type { Store } from "../db/store.ts";
import { DEFAULT_SETTINGS, SettingsSchema, upgradeStoredSettings, type Settings } from "./schema.ts";

const KEY = "app";

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Promise<Settings>;
  /** Re-read the stored settings (another instance changed them, or a database import). */
  reload(): Promise<void>;
}

/** `changed` tells the other instances after a write (services.ts passes the change feed's publish). */
export async function createSettingsStore(store: Store, changed: (area: ChangeArea) => void = () => {}): Promise<SettingsStore> {
  async function load(): Promise<Settings> {
    const stored = (await readSetting<Partial<Settings>>(store, KEY)) ?? {};
    const merged = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...upgradeStoredSettings(stored) });
    return Object.freeze(merged.success ? merged.data : DEFAULT_SETTINGS);
  }
  let current = await load();

  return {
    get: () => current,
    async update(patch) {
      const next = SettingsSchema.parse({ ...current, ...patch });
      await writeSetting(store, KEY, next);
      current = Object.freeze(next);
      changed("settings");
      return current;
    },
    async reload() {
      current = await load();
    },
  };
}
