// The IP filter: rule parsing (IPv4, IPv6, CIDR), allow/deny decisions, and the 403 in each client's own format.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { compileIpList, invalidIpEntries, ipAllowed, parseIpRule } from "../../src/auth/ip-filter.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

describe("parseIpRule", () => {
  test("accepts addresses and ranges of both families", () => {
    expect(parseIpRule("203.0.113.7")).toEqual({ address: "203.0.113.7", family: "ipv4" });
    expect(parseIpRule(" 10.0.0.0/8 ")).toEqual({ address: "10.0.0.0", family: "ipv4", prefix: 8 });
    expect(parseIpRule("2001:db8::/32")).toEqual({ address: "2001:db8::", family: "ipv6", prefix: 32 });
    expect(parseIpRule("::1")).toEqual({ address: "::1", family: "ipv6" });
    expect(parseIpRule("::ffff:192.0.2.1")).toEqual({ address: "192.0.2.1", family: "ipv4" });
  });

  test("refuses what is not an address or a range", () => {
    expect(invalidIpEntries(["example.com", "10.0.0.0/33", "2001:db8::/129", "1.2.3", "10.0.0.1/8/1", "10.0.0.0/x", "1.2.3.4"])).toEqual([
      "example.com",
      "10.0.0.0/33",
      "2001:db8::/129",
      "1.2.3",
      "10.0.0.1/8/1",
      "10.0.0.0/x",
    ]);
  });
});

describe("ipAllowed", () => {
  const list = compileIpList(["10.0.0.0/8", "192.168.1.5", "2001:db8::/32", "not an ip"]);

  test("allow mode admits only listed addresses", () => {
    expect(ipAllowed("allow", list, "10.20.30.40")).toBe(true);
    expect(ipAllowed("allow", list, "::ffff:10.20.30.40")).toBe(true);
    expect(ipAllowed("allow", list, "192.168.1.5")).toBe(true);
    expect(ipAllowed("allow", list, "192.168.1.6")).toBe(false);
    expect(ipAllowed("allow", list, "2001:db8:1::9")).toBe(true);
    expect(ipAllowed("allow", list, "2001:db9::1")).toBe(false);
    expect(ipAllowed("allow", list, "unknown")).toBe(false);
  });

  test("deny mode refuses listed addresses", () => {
    expect(ipAllowed("deny", list, "10.0.0.1")).toBe(false);
    expect(ipAllowed("deny", list, "11.0.0.1")).toBe(true);
    expect(ipAllowed("deny", list, "2001:db8::1")).toBe(false);
  });

  test("off admits everyone", () => {
    expect(ipAllowed("off", list, "10.0.0.1")).toBe(true);
  });
});

describe("the middleware on client routes", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const models = () => fetch(`${gw.url}/v1/models`);

  test("deny list with the caller's address: 403 in OpenAI's shape on /v1", async () => {
    await gw.services.settings.update({ ipFilter: { mode: "deny", list: ["127.0.0.0/8", "::1"] } });
    const res = await models();
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.error.message).toContain("127.0.0.1");
    expect(body.error.message).toContain("IP filter");
  });

  test("the same refusal in Anthropic's and Gemini's shapes, and on the bare /responses path", async () => {
    await gw.services.settings.update({ ipFilter: { mode: "deny", list: ["127.0.0.1"] } });
    const anthropic = await fetch(`${gw.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anthropic.status).toBe(403);
    expect((await anthropic.json()).type).toBe("error");

    const gemini = await fetch(`${gw.url}/v1beta/models/x:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(gemini.status).toBe(403);
    expect((await gemini.json()).error.status).toBe("PERMISSION_DENIED");

    const bare = await fetch(`${gw.url}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(bare.status).toBe(403);
  });

  test("allow list that includes the caller lets it through; one that does not refuses it", async () => {
    await gw.services.settings.update({ ipFilter: { mode: "allow", list: ["127.0.0.1", "::1"] } });
    expect((await models()).status).toBe(200);
    await gw.services.settings.update({ ipFilter: { mode: "allow", list: ["10.0.0.0/8"] } });
    expect((await models()).status).toBe(403);
  });

  test("management and dashboard routes are not filtered", async () => {
    await gw.services.settings.update({ ipFilter: { mode: "allow", list: ["10.0.0.0/8"] } });
    expect((await gw.api("/api/settings")).status).toBe(200);
    await gw.services.settings.update({ ipFilter: { mode: "off", list: [] } });
    expect((await models()).status).toBe(200);
  });
});
