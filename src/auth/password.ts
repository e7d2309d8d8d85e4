// The dashboard password: INITIAL_PASSWORD, the guide's 123456 on loopback in development, or a random one printed once in the log.
// Stored only as a Bun.password hash. An exposed gateway (production, or beyond loopback) never keeps 123456.
import { DEFAULT_PASSWORD } from "../config.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import { insertSettingIfAbsent, readSetting, writeSetting } from "../db/queries/settings.ts";
import type { Store } from "../db/store.ts";
import { log } from "../log.ts";

interface StoredPassword {
  hash: string;
  changedAt: number;
  /** True while the password is still the public default 123456. */
  isDefault: boolean;
  /** True while the password is the random one this gateway generated and printed in its log. */
  generated?: boolean;
}

const KEY = "auth.password";

/** argon2id at OWASP's recommended floor (19 MiB, 2 passes): strong, without a 64 MiB spike on every sign-in. */
const HASH_OPTIONS = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

export interface PasswordStore {
  verify(password: string): Promise<boolean>;
  change(next: string): Promise<void>;
  /** When it was last changed (ms; 0 for the first one). */
  changedAt(): number;
  isDefault(): boolean;
  /** True while the password is the generated one printed in the log at first start. */
  isGenerated(): boolean;
  /** Re-read the stored hash (another instance changed the password). */
  reload(): Promise<void>;
}

export interface PasswordOptions {
  /** INITIAL_PASSWORD, when set. */
  initialPassword?: string;
  /** Production, or listening beyond loopback: 123456 is never the password. */
  exposed: boolean;
}

/** A password a person can copy from the log: 20 characters of base64url (120 bits). */
function randomPassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(15))).toString("base64url");
}

function announce(password: string, why: string): void {
  log.always(
    `${why} The dashboard password is: ${password}\n` +
      "  Sign in with it and change it (Settings > Security). It is printed only this once; set INITIAL_PASSWORD to choose your own on a fresh DATA_DIR.",
  );
}

/** `changed` tells the other instances after a change (services.ts passes the change feed's publish). */
export async function createPasswordStore(
  store: Store,
  options: PasswordOptions,
  changed: (area: ChangeArea) => void = () => {},
): Promise<PasswordStore> {
  let stored = await readSetting<StoredPassword>(store, KEY);
  const hashed = async (password: string, flags: Pick<StoredPassword, "isDefault" | "generated">): Promise<StoredPassword> => ({
    hash: await Bun.password.hash(password, HASH_OPTIONS),
    changedAt: stored?.changedAt ?? 0,
    ...flags,
  });
  if (!stored) {
    let generated: string | undefined;
    let first: StoredPassword;
    if (options.initialPassword) {
      first = await hashed(options.initialPassword, { isDefault: options.initialPassword === DEFAULT_PASSWORD });
    } else if (!options.exposed) {
      first = await hashed(DEFAULT_PASSWORD, { isDefault: true });
    } else {
      generated = randomPassword();
      first = await hashed(generated, { isDefault: false, generated: true });
    }
    // Instances started together on one new database: one first password is kept, and only its instance prints it.
    if (await insertSettingIfAbsent(store, KEY, first)) {
      stored = first;
      if (generated) announce(generated, "First start with no INITIAL_PASSWORD on an exposed gateway: a random password was generated.");
    } else {
      stored = (await readSetting<StoredPassword>(store, KEY)) ?? first;
      if (generated) log.info("another instance on this database set the first dashboard password: look for it in that instance's log");
    }
  } else if (stored.isDefault && options.exposed) {
    // Set up on loopback with 123456, now reachable from elsewhere: that password must not open it.
    const password = randomPassword();
    stored = await hashed(password, { isDefault: false, generated: true });
    await writeSetting(store, KEY, stored);
    announce(password, `The password was still the default ${DEFAULT_PASSWORD} and this gateway is now exposed, so it was replaced.`);
  }
  let current = stored;
  return {
    verify: (password) => Bun.password.verify(password, current.hash),
    async change(next) {
      const changedTo: StoredPassword = { hash: await Bun.password.hash(next, HASH_OPTIONS), changedAt: Date.now(), isDefault: false };
      await writeSetting(store, KEY, changedTo);
      current = changedTo;
      changed("settings");
    },
    async reload() {
      current = (await readSetting<StoredPassword>(store, KEY)) ?? current;
    },
    changedAt: () => current.changedAt,
    isDefault: () => current.isDefault,
    isGenerated: () => current.generated === true,
  };
}
