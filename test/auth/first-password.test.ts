// Instances started together on one new database keep one first password: both accept it, neither the other's.
import { expect, test } from "bun:test";
import { createPasswordStore } from "../../src/auth/password.ts";
import { describeEachStore } from "../support/stores.ts";

describeEachStore("the first dashboard password", (fresh) => {
  test("two instances starting at once, each with its own INITIAL_PASSWORD: one is kept, and both accept only it", async () => {
    const store = await fresh();
    const [a, b] = await Promise.all([
      createPasswordStore(store, { initialPassword: "first-of-a", exposed: true }),
      createPasswordStore(store, { initialPassword: "first-of-b", exposed: true }),
    ]);
    const onA = [await a.verify("first-of-a"), await a.verify("first-of-b")];
    const onB = [await b.verify("first-of-a"), await b.verify("first-of-b")];
    expect(onA.filter(Boolean)).toHaveLength(1);
    expect(onB).toEqual(onA);
  });
});
