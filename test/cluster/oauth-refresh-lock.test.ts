// One OAuth refresh per account across instances: two credential keepers (as two gateways would have) race to refresh
// one Codex account through one Redis; the fake token endpoint sees one refresh, and both end with its tokens.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createRedisRefreshLock } from "../../src/cluster/refresh-lock.ts";
import { RedisLink } from "../../src/cluster/link.ts";
import { flowFor } from "../../src/providers/login-flows.ts";
import { flowContext } from "../../src/providers/oauth/flow-context.ts";
import { createCredentialKeeper, type RefreshLock } from "../../src/providers/oauth/tokens.ts";
import { startCodexOAuth, type FakeCodexOAuth } from "../fakes/oauth-codex.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { describeWithRedis } from "../support/redis.ts";
import { tempHome, type TempHome } from "../oauth/subscription-support.ts";

describeWithRedis("OAuth refresh lock (two refreshers, one Redis)", (redis) => {
  let oauth: FakeCodexOAuth;
  let gw: TestGateway;
  let home: TempHome;
  const links: RedisLink[] = [];
  beforeAll(async () => {
    oauth = startCodexOAuth();
    home = tempHome();
    gw = await startGateway({}, { endpointOverrides: { codex: oauth.endpoints }, homeDir: home.dir });
  });
  afterAll(async () => {
    for (const link of links) link.close();
    await gw.close();
    await oauth.close();
    home.close();
  });

  async function keeper(lock?: RefreshLock) {
    const flowDeps = { proxies: gw.services.proxies, endpointOverrides: { codex: oauth.endpoints }, homeDir: home.dir };
    return createCredentialKeeper({
      store: gw.services.store,
      secrets: gw.services.secrets,
      accountsChanged: () => gw.services.accounts.changed(),
      changed: () => {},
      flowContext: (provider) => flowContext(flowDeps, provider),
      refreshLock: lock,
    });
  }
  async function redisLock() {
    const link = new RedisLink(redis().url);
    links.push(link);
    await link.start();
    return createRedisRefreshLock(link);
  }
  async function connectCodex() {
    const s = await (await gw.api("/api/oauth/codex/start", { body: {} })).json();
    await fetch(await oauth.approve(s.authorizeUrl));
    const done = await (await gw.api("/api/oauth/cx/complete", { body: { state: s.state } })).json();
    expect(done.status).toBe("connected");
    const account = gw.services.accounts.accountsOf("codex").find((a) => a.id === done.connection.id)!;
    // Each instance has its own copy of the account, as two processes reading one database would.
    return [structuredClone(account), structuredClone(account)];
  }
  const refreshes = () => oauth.tokenRequests.filter((r) => r.body.grant_type === "refresh_token").length;

  test("both instances force a refresh at once: the token endpoint sees exactly one, both use its tokens", async () => {
    const [onA, onB] = await connectCodex();
    const [a, b] = await Promise.all([redisLock().then(keeper), redisLock().then(keeper)]);
    const flow = flowFor("codex")!;
    const before = refreshes();
    const [fromA, fromB] = await Promise.all([a.fresh(onA!, flow, { force: true }), b.fresh(onB!, flow, { force: true })]);
    expect(refreshes() - before).toBe(1);
    expect(fromA.accessToken).toBe(fromB.accessToken);
    expect(oauth.isLiveAccessToken(String(fromA.accessToken))).toBe(true);
    expect(fromA.refreshToken).toBe(fromB.refreshToken);
  });

  test("without the shared lock the same race refreshes twice (what the lock prevents)", async () => {
    const [onA, onB] = await connectCodex();
    const [a, b] = await Promise.all([keeper(), keeper()]);
    const flow = flowFor("codex")!;
    const before = refreshes();
    await Promise.allSettled([a.fresh(onA!, flow, { force: true }), b.fresh(onB!, flow, { force: true })]);
    expect(refreshes() - before).toBe(2);
  });
});
