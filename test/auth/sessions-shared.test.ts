// Sessions are shared by every instance on one store: sign-ins on two instances at the same moment all survive.
import { expect, test } from "bun:test";
import { createSessionTokens } from "../../src/auth/session.ts";
import { describeEachStore } from "../support/stores.ts";

const SECRET = "session-secret-0123456789abcdef";

describeEachStore("sessions on one store", (fresh) => {
  test("20 sign-ins at once over two instances: every session is kept, and a third instance accepts them all", async () => {
    const store = await fresh();
    const [a, b] = await Promise.all([createSessionTokens(SECRET, store), createSessionTokens(SECRET, store)]);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).issue()));
    const c = await createSessionTokens(SECRET, store);
    const accepted = await Promise.all(tokens.map((t) => c.verify(t)));
    expect(accepted.filter(Boolean)).toHaveLength(20);
  });
});
