// The services every route and the pipeline share, built once from Config and the database.
import { createAccountPool, type AccountPool } from "./accounts/pool.ts";
import { createKeyHasher } from "./auth/api-key-hash.ts";
import { createApiKeyStore, type ApiKeyStore } from "./auth/key-store.ts";
import { createLoginThrottle, type LoginThrottle } from "./auth/login-throttle.ts";
import { createPasswordStore, type PasswordStore } from "./auth/password.ts";
import { createSecretBox, type SecretBox } from "./auth/secret-box.ts";
import { createSessionTokens, type SessionTokens } from "./auth/session.ts";
import type { Config } from "./config.ts";
import { localChangeFeed, postgresChangeFeed, type ChangeArea, type ChangeFeed } from "./db/change-feed.ts";
import { createStoreProbe, type StoreProbe } from "./db/store-probe.ts";
import type { Store } from "./db/store.ts";
import { ambientStore } from "./db/ambient-store.ts";
import { reloadOnChange } from "./db/reload-on-change.ts";
import { createUsageWriter } from "./db/usage-writer.ts";
import { createProviderRegistry, type ProviderRegistry } from "./providers/registry.ts";
import { createCustomModels, type CustomModels } from "./providers/model-service.ts";
import { createSettingsStore, type SettingsStore } from "./settings/store.ts";
import { createUsageRecorder, type UsageRecorder } from "./usage/recorder.ts";
import { log } from "./log.ts";
import { LoginSessions } from "./providers/oauth/sessions.ts";
import { createHealth, type Health } from "./accounts/health.ts";
import { countingQuotas, createQuotaStore, type QuotaStore } from "./accounts/quota.ts";
import { createResilienceSettings, type ResilienceSettings } from "./accounts/profiles.ts";
import { createAccountStrategies, type AccountStrategyName } from "./accounts/strategies/index.ts";
import type { AccountStrategy } from "./accounts/strategies/types.ts";
import { createComboStore, type ComboStore } from "./routing/combos.ts";
import { RecentUsage } from "./routing/recent-usage.ts";
import { createRouter, type Router } from "./routing/resolve.ts";
import { createBudgets, type Budgets } from "./usage/budgets.ts";
import { MemoryResponseCache, type ResponseCache } from "./gateway/cache.ts";
import { MemoryIdempotency, type IdempotencyStore } from "./gateway/idempotency.ts";
import { LatencyWindow } from "./usage/latency.ts";
import { LiveMonitor } from "./usage/monitor.ts";
import { blendedPrice, createPricing, type Pricing } from "./usage/pricing.ts";
import { createUsageHistory, type UsageHistory } from "./usage/history.ts";
import { openRequestLogStore, REQUEST_LOG_FILENAME, type RequestLogStore } from "./usage/request-logs/store.ts";
import { join } from "node:path";
import { homedir } from "node:os";
import { createProxies, type Proxies } from "./network/upstream-fetch.ts";
import { createCloudSync, type CloudSync } from "./sync/client.ts";
import { createAdapters, type Adapters } from "./providers/adapters/index.ts";
import { createCredentialKeeper, type CredentialKeeper } from "./providers/oauth/tokens.ts";
import { flowContext } from "./providers/oauth/flow-context.ts";
import type { EndpointOverrides } from "./providers/oauth/endpoints.ts";
import type { ModelQuirks } from "./gateway/attempt.ts";
import { OpenAnswers } from "./gateway/open-answers.ts";
import type { PipelineObserver } from "./gateway/observer.ts";
import { createTelemetry, type Telemetry } from "./telemetry/setup.ts";
import { connectSharedState, type SharedState } from "./cluster/shared-state.ts";

export interface Services {
  config: Config;
  /** Where everything the gateway keeps is read and written: SQLite, or PostgreSQL when DATABASE_URL is set. */
  store: Store;
  /** Tells the other instances on the same PostgreSQL which in-memory copy to reload (nothing to tell on SQLite). */
  changes: ChangeFeed;
  /** Whether the store answers (/readyz asks, /healthz and the Health page read the last answer). */
  storeProbe: StoreProbe;
  /** This process among the instances on one database (the change feed ignores its own notices by it). */
  instanceId: string;
  secrets: SecretBox;
  settings: SettingsStore;
  providers: ProviderRegistry;
  /** Custom models added to providers, in memory (listing models and media calls read no database). */
  models: CustomModels;
  accounts: AccountPool;
  apiKeys: ApiKeyStore;
  password: PasswordStore;
  sessions: SessionTokens;
  loginThrottle: LoginThrottle;
  usage: UsageRecorder;
  combos: ComboStore;
  router: Router;
  recentUsage: RecentUsage;
  health: Health;
  /** Quota windows per account (5-hour, weekly, daily, monthly) from providers' usage reports or local counting. */
  quotas: QuotaStore;
  resilience: ResilienceSettings;
  accountStrategies: Record<AccountStrategyName, AccountStrategy>;
  pricing: Pricing;
  budgets: Budgets;
  latency: LatencyWindow;
  cache: ResponseCache;
  monitor: LiveMonitor;
  idempotency: IdempotencyStore;
  /** Daily rollups of usage rows and the pruning of old raw rows (every minute, and on flush). */
  usageHistory: UsageHistory;
  /** Full request/response bodies; only when ENABLE_REQUEST_LOGS is on. */
  requestLogs?: RequestLogStore;
  /** Outbound proxy settings (global, per provider, combo, API key) and the SOCKS5 bridge. */
  proxies: Proxies;
  /** Login attempts between /api/oauth/{provider}/start and /complete. */
  loginSessions: LoginSessions;
  /** Tests only: provider -> endpoint name -> URL, replacing the real OAuth and account endpoints. */
  endpointOverrides?: EndpointOverrides;
  /** Tests only: how login flows wait between polls, instead of Bun.sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** The provider adapters, made for this gateway (those with state keep it here). */
  adapters: Adapters;
  /** OAuth credentials kept fresh, one refresh per account at a time. */
  credentials: CredentialKeeper;
  /** What upstream answers taught about models the catalog does not describe. */
  modelQuirks: ModelQuirks;
  /** Answers under way, so a shutdown past its drain time can end each with an error event. */
  openAnswers: OpenAnswers;
  /** Whoever watches the pipeline: the metrics' attempt counts, and spans when tracing is configured. */
  observer: PipelineObserver;
  /** Prometheus metrics (GET /metrics), OpenTelemetry traces when configured, JSON access lines. */
  telemetry: Telemetry;
  /** The home folder official CLIs keep their logins in (~/.claude, ~/.codex...): the user's, or a test's temp folder. */
  homeDir: string;
  /** Background sync of providers, combos and settings with CLOUD_URL (inert when it is not set). */
  sync: CloudSync;
  startedAt: number;
  /** REDIS_URL: the hot state shared with the other instances (absent: all of it is this instance's own). */
  sharedState?: SharedState;
  /** Write what is held in memory (usage rows, last-used times, queued request logs) to the database and roll up usage. */
  flush(): Promise<void>;
}

export interface ServiceOptions {
  /** Tests only: replace providers' real OAuth/account endpoints (see src/providers/oauth/endpoints.ts). */
  endpointOverrides?: EndpointOverrides;
  /** Tests only: where CLI credential files are looked for instead of the user's home folder. */
  homeDir?: string;
  /** Tests only: how login flows wait between polls (e.g. Code Assist onboarding), instead of Bun.sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export async function createServices(config: Config, given: Store, options: ServiceOptions = {}): Promise<Services> {
  // Every service writes through this one: inside `store.transaction` (a configuration apply) their writes join it.
  const { store, afterCommit } = ambientStore(given);
  const instanceId = crypto.randomUUID();
  // Listening before the copies load: a change committed meanwhile is heard, never missed between load and listen.
  const changes = given.dialect === "postgres" ? await postgresChangeFeed(given.pg, instanceId) : localChangeFeed;
  /** A write here: the other instances reload that copy (see the subscription below). */
  const changed = (area: ChangeArea) => afterCommit(() => changes.publish(area));
  const secrets = createSecretBox(config.encryptionKey, config.olderSecrets.encryptionKey ? [config.olderSecrets.encryptionKey] : []);
  const password = await createPasswordStore(store, { initialPassword: config.initialPassword, exposed: config.exposed }, changed);
  const accounts = await createAccountPool(store, secrets, changed);
  const apiKeys = await createApiKeyStore(
    store,
    createKeyHasher(config.apiKeySecret),
    config.olderSecrets.apiKeySecret ? createKeyHasher(config.olderSecrets.apiKeySecret) : undefined,
    changed,
  );
  const settings = await createSettingsStore(store, changed);
  const providers = await createProviderRegistry(store, secrets, changed);
  const models = await createCustomModels(store, changed);
  const combos = await createComboStore(store, changed);
  const recentUsage = new RecentUsage();
  const sharedState = config.redisUrl ? await connectSharedState(config.redisUrl) : undefined;
  const health = await createHealth(store, Date.now(), sharedState?.health);
  const resilience = await createResilienceSettings(store, changed);
  const quotas = await createQuotaStore(store, {
    cooldowns: health.cooldowns,
    profile: (provider) => resilience.profile(provider),
    planLimits: (account) => accounts.accountsOf(account.provider).find((a) => a.id === account.id)?.limits?.quota,
  });
  const turns = new Map<string, number>();
  const pricing = await createPricing(store, changed);
  const budgets = await createBudgets(store, {
    holds: sharedState?.budgetHolds,
    changed,
    onError: (err) => log.error("a budget's spend could not be read; counting on from memory", err),
  });

  const latency = new LatencyWindow();
  const usageHistory = createUsageHistory({
    store: given,
    retentionDays: () => settings.get().usageRetentionDays,
    onError: (err) => log.error("usage rollup failed", err),
  });
  const requestLogs = config.enableRequestLogs
    ? openRequestLogStore(join(config.dataDir, REQUEST_LOG_FILENAME), { onError: (err) => log.error("request log not written", err) })
    : undefined;
  const monitor = new LiveMonitor();
  const router = createRouter({
    providers,
    combos,
    settings: () => settings.get(),
    comboContext: {
      random: Math.random,
      recentRequests: (model) => recentUsage.count(model),
      price: (name) => {
        try {
          const [target] = router.resolve(name);
          const p = target && pricing.priceOf(target.provider.id, target.model);
          return p ? blendedPrice(p) : undefined;
        } catch {
          return undefined;
        }
      },
      nextTurn: (combo) => {
        const n = turns.get(combo) ?? 0;
        turns.set(combo, n + 1);
        return n;
      },
    },
  });
  const proxies = await createProxies(store, secrets, changed);
  const sessions = await createSessionTokens(config.jwtSecret, store, changed);
  const homeDir = options.homeDir ?? homedir();
  const telemetry = await createTelemetry({
    config,
    models,
    providers,
    combos,
    settings: () => settings.get(),
    accounts,
    health,
    budgets,
    keyName: (id) => apiKeys.nameOf(id),
  });
  const flowDeps = { proxies, endpointOverrides: options.endpointOverrides, homeDir, sleep: options.sleep };
  const services: Services = {
    config,
    store,
    changes,
    storeProbe: createStoreProbe(given),
    instanceId,
    secrets,
    settings,
    providers,
    models,
    combos,
    router,
    recentUsage,
    health,
    quotas,
    resilience,
    accountStrategies: createAccountStrategies(),
    accounts,
    apiKeys,
    password,
    sessions,
    loginThrottle: sharedState?.loginThrottle ?? createLoginThrottle(),
    usage: telemetry.observe(
      countingQuotas(
        createUsageRecorder({
          writer: createUsageWriter(given),
          pricing,
          budgets,
          latency,
          monitor,
          onError: (err) => log.error("usage row not written", err),
        }),
        quotas,
      ),
    ),
    pricing,
    budgets,
    latency,
    cache: sharedState?.cache ?? new MemoryResponseCache(),
    monitor,
    idempotency: sharedState?.idempotency ?? new MemoryIdempotency(),
    usageHistory,
    requestLogs,
    proxies,
    loginSessions: new LoginSessions(),
    endpointOverrides: options.endpointOverrides,
    homeDir,
    sleep: options.sleep,
    adapters: createAdapters(),
    credentials: createCredentialKeeper({
      store,
      secrets,
      accountsChanged: () => accounts.changed(),
      changed,
      flowContext: (provider) => flowContext(flowDeps, provider),
      refreshLock: sharedState?.refreshLock,
    }),
    modelQuirks: { refusesReasoning: new Set() },
    openAnswers: new OpenAnswers(),
    observer: telemetry.observer,
    telemetry,
    sync: await createCloudSync(config.cloudSync, store, () => services),
    startedAt: Date.now(),
    sharedState,
    async flush() {
      await this.usage.flush();
      await accounts.flush();
      await apiKeys.flush();
      await health.flush();
      await quotas.flush();
      try {
        await usageHistory.rollup();
      } catch (err) {
        log.error("usage rollup failed", err);
      }
      try {
        requestLogs?.flush();
      } catch (err) {
        log.error("request log not written", err);
      }
    },
  };
  // Another instance changed an area: reload this instance's copies of it ("*": the feed reconnected, reload all).
  reloadOnChange(changes, {
    connections: [accounts.reload],
    nodes: [providers.reload],
    models: [models.reload],
    combos: [combos.reload],
    settings: [settings.reload, password.reload, sessions.reload, resilience.reload, proxies.reload],
    keys: [apiKeys.reload],
    budgets: [budgets.reload],
    pricing: [pricing.reload],
  });
  return services;
}
