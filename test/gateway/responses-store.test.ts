// The in-memory Responses store: per key, renewed on use, gone after its TTL, bounded in bytes (least recently used first).
import { describe, expect, test } from "bun:test";
import { createMemoryResponsesStore } from "../../src/gateway/responses-state/store.ts";
import { expandRequest } from "../../src/gateway/responses-state/expand.ts";
import { GatewayError } from "../../src/canonical/errors.ts";

const msg = (id: string, text: string) => ({ id, type: "message", role: "assistant", content: [{ type: "output_text", text }] });

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("memory Responses store", () => {
  test("kept per key; renewed on use; forgotten after its TTL", async () => {
    const c = clock();
    const store = createMemoryResponsesStore({ ttlSeconds: 60, maxBytes: 1_000_000, now: c.now });
    await store.put("k1", { id: "resp_1", input: [], output: [msg("msg_1", "hi")], bytes: 10 });
    expect(await store.get("k2", "resp_1")).toBeUndefined();
    expect(await store.item("k2", "msg_1")).toBeUndefined();
    c.advance(50_000);
    expect((await store.item("k1", "msg_1")) as object).toMatchObject({ id: "msg_1" });
    c.advance(50_000); // 100 s after put, 50 s after the last use
    expect((await store.get("k1", "resp_1"))?.id).toBe("resp_1");
    c.advance(61_000);
    expect(await store.get("k1", "resp_1")).toBeUndefined();
    expect(await store.item("k1", "msg_1")).toBeUndefined();
  });

  test("bounded in bytes: the least recently used go first; a TTL of 0 keeps nothing", async () => {
    const store = createMemoryResponsesStore({ ttlSeconds: 60, maxBytes: 250 });
    for (const n of [1, 2]) await store.put("k", { id: `resp_${n}`, input: [], output: [msg(`msg_${n}`, "x")], bytes: 100 });
    await store.get("k", "resp_1"); // resp_2 is now the least recently used
    await store.put("k", { id: "resp_3", input: [], output: [], bytes: 100 });
    expect(await store.get("k", "resp_2")).toBeUndefined();
    expect(await store.item("k", "msg_2")).toBeUndefined();
    expect(await store.get("k", "resp_1")).toBeDefined();
    expect(await store.get("k", "resp_3")).toBeDefined();
    await store.put("k", { id: "resp_big", input: [], output: [], bytes: 300 });
    expect(await store.get("k", "resp_big")).toBeUndefined();

    const none = createMemoryResponsesStore({ ttlSeconds: 0, maxBytes: 1000 });
    await none.put("k", { id: "resp_1", input: [], output: [], bytes: 1 });
    expect(await none.get("k", "resp_1")).toBeUndefined();
  });

  test("expansion: history in order, references resolved, a broken chain says which response expired", async () => {
    const c = clock();
    const store = createMemoryResponsesStore({ ttlSeconds: 60, maxBytes: 1_000_000, now: c.now });
    const u = (text: string) => ({ type: "message", role: "user", content: text });
    await store.put("k", { id: "resp_1", input: [u("one")], output: [msg("msg_1", "1")], bytes: 1 });
    await store.put("k", { id: "resp_2", previousId: "resp_1", input: [u("two")], output: [msg("msg_2", "2")], bytes: 1 });
    const expanded = await expandRequest(store, "k", {
      model: "m",
      previous_response_id: "resp_2",
      input: [{ type: "item_reference", id: "msg_1" }, u("three")],
    });
    expect(expanded.body.previous_response_id).toBeUndefined();
    expect(expanded.body.input).toEqual([u("one"), msg("msg_1", "1"), u("two"), msg("msg_2", "2"), msg("msg_1", "1"), u("three")]);
    expect(expanded.ownInput).toEqual([msg("msg_1", "1"), u("three")]);

    const one = await store.get("k", "resp_1");
    c.advance(30_000);
    await store.get("k", "resp_2");
    c.advance(40_000); // resp_1 last used 70 s ago, resp_2 40 s ago
    expect(one).toBeDefined();
    const err = await expandRequest(store, "k", { model: "m", previous_response_id: "resp_2", input: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(400);
    expect(err.message).toContain('builds on response "resp_1", which has expired');
    const bad = await expandRequest(store, "k", { model: "m", previous_response_id: 5, input: "x" }).catch((e) => e);
    expect(bad.param).toBe("previous_response_id");
  });
});
