// The first instance on a database keeps its secrets' fingerprints; an instance with other secrets is refused, naming them.
import { expect, test } from "bun:test";
import { SHARED_SECRETS_KEY } from "../../src/db/queries/shared-secrets.ts";
import { checkSharedSecrets } from "../../src/db/shared-secrets.ts";
import { describeEachStore } from "../support/stores.ts";

const secrets = { jwtSecret: "jwt-0123456789abcdef", apiKeySecret: "api-0123456789abcdef", encryptionKey: "enc-0123456789abcdef" };

describeEachStore("shared secrets", (fresh) => {
  test("the same secrets start again; another ENCRYPTION_KEY is refused by name, and nothing about the secret is stored", async () => {
    const s = await fresh();
    await checkSharedSecrets(s, secrets);
    await checkSharedSecrets(s, secrets);
    const other = checkSharedSecrets(s, { ...secrets, encryptionKey: "another-0123456789abcdef" });
    await expect(other).rejects.toThrow(/ENCRYPTION_KEY differs from the value the other instances/);
    await expect(checkSharedSecrets(s, { ...secrets, jwtSecret: "x".repeat(20), apiKeySecret: "y".repeat(20) })).rejects.toThrow(
      /JWT_SECRET, API_KEY_SECRET differ/,
    );
    const stored = JSON.stringify(await s.db.select().from(s.t.settings));
    expect(stored).toContain(SHARED_SECRETS_KEY);
    for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
  });
});
