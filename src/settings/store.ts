// Settings held in memory for the hot path, written through to the store.
import type { ChangeArea } from "../db/change-feed.ts";
import { readSetting, readSettingForUpdate, writeSetting } from "../db/queries/settings.ts";
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
  const parse = (stored: Partial<Settings> | undefined): Settings => {
    const merged = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...upgradeStoredSettings(stored ?? {}) });
    return Object.freeze(merged.success ? merged.data : DEFAULT_SETTINGS);
  };
  const load = async () => parse(await readSetting<Partial<Settings>>(store, KEY));
  let current = await load();

  return {
    get: () => current,
    async update(patch) {
      // The patch goes on what is stored now, not on this copy: another instance's change a moment ago is kept.
      const next = await store.transaction(async (tx) => {
        const latest = parse(await readSettingForUpdate<Partial<Settings>>(tx, KEY));
        const merged = SettingsSchema.parse({ ...latest, ...patch });
        await writeSetting(tx, KEY, merged);
        return merged;
      });
      current = Object.freeze(next);
      changed("settings");
      return current;
    },
    async reload() {
      current = await load();
    },
  };
}
