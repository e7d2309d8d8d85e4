// Settings held in memory for the hot path, written through to SQLite.
import type { Db } from "../db/client.ts";
import { readSetting, writeSetting } from "../db/queries/settings.ts";
import { DEFAULT_SETTINGS, SettingsSchema, upgradeStoredSettings, type Settings } from "./schema.ts";

const KEY = "app";

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
  reload(): void;
}

export function createSettingsStore(db: Db): SettingsStore {
  let current = load();

  function load(): Settings {
    const stored = readSetting<Partial<Settings>>(db, KEY) ?? {};
    const merged = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...upgradeStoredSettings(stored) });
    return Object.freeze(merged.success ? merged.data : DEFAULT_SETTINGS);
  }

  return {
    get: () => current,
    update(patch) {
      const next = SettingsSchema.parse({ ...current, ...patch });
      writeSetting(db, KEY, next);
      current = Object.freeze(next);
      return current;
    },
    reload() {
      current = load();
    },
  };
}
