// The dashboard password: seeded from INITIAL_PASSWORD, stored only as a Bun.password hash.
import type { Db } from "../db/client.ts";
import { readSetting, writeSetting } from "../db/queries/settings.ts";

interface StoredPassword {
  hash: string;
  changedAt: number;
  /** True while the password is still the seeded INITIAL_PASSWORD default. */
  isDefault: boolean;
}

const KEY = "auth.password";

/** argon2id at OWASP's recommended floor (19 MiB, 2 passes): strong, without a 64 MiB spike on every sign-in. */
const HASH_OPTIONS = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

export interface PasswordStore {
  verify(password: string): Promise<boolean>;
  change(next: string): Promise<void>;
  /** Sessions issued before this moment are void. */
  changedAt(): number;
  isDefault(): boolean;
}

export async function createPasswordStore(db: Db, initialPassword: string, initialIsDefault: boolean): Promise<PasswordStore> {
  let stored = readSetting<StoredPassword>(db, KEY);
  if (!stored) {
    stored = { hash: await Bun.password.hash(initialPassword, HASH_OPTIONS), changedAt: 0, isDefault: initialIsDefault };
    writeSetting(db, KEY, stored);
  }
  let current = stored;
  return {
    verify: (password) => Bun.password.verify(password, current.hash),
    async change(next) {
      current = { hash: await Bun.password.hash(next, HASH_OPTIONS), changedAt: Date.now(), isDefault: false };
      writeSetting(db, KEY, current);
    },
    changedAt: () => current.changedAt,
    isDefault: () => current.isDefault,
  };
}
