// Wiring only: config -> database + migrations -> services -> app -> Bun.serve; SIGTERM drains and exits 0.
import { createApp } from "./app.ts";
import { ConfigError, loadConfig, SECRET_ENV, type Config, type SecretName } from "./config.ts";
import { DatabaseInUseError, closeDatabase, openDataDir } from "./db/client.ts";
import { log, setLogLevel } from "./log.ts";
import { createServices } from "./services.ts";
import { VERSION } from "./version.ts";

const FLUSH_INTERVAL_MS = 10_000;

async function start(config: Config) {
  const bootStarted = performance.now();
  setLogLevel(config.logLevel);
  const db = await openDataDir(config.dataDir);
  announceSecrets(config);
  const services = await createServices(config, db);
  const app = createApp(services);

  const server = Bun.serve({
    port: config.port,
    hostname: config.hostname,
    // Management calls are quick; proxied calls lift this per request (see gateway/routes.ts).
    idleTimeout: 30,
    fetch: (request, server) => app.fetch(request, { server }),
  });

  const flusher = setInterval(() => services.flush(), FLUSH_INTERVAL_MS);
  flusher.unref();
  // In the background: a cloud that is slow or down never delays startup or requests.
  services.sync.start();

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: no longer accepting; waiting for ${server.pendingRequests} request(s) in flight`);
    const drained = server.stop(false);
    const timedOut = await Promise.race([drained.then(() => false), Bun.sleep(config.shutdownTimeoutMs).then(() => true)]);
    if (timedOut) {
      log.warn(`${server.pendingRequests} request(s) still open after ${config.shutdownTimeoutMs} ms; closing them`);
      await server.stop(true);
    }
    clearInterval(flusher);
    await services.sync.stop();
    services.proxies.close();
    services.flush();
    closeDatabase(db);
    log.info("stopped cleanly");
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  log.info(`OmniRoute ${VERSION} listening on http://${server.hostname}:${server.port} (data in ${config.dataDir}, ready in ${Math.round(performance.now() - bootStarted)} ms)`);
  // Boot-only code (migrations, catalog and route set-up) never runs again: once idle, JSC drops its compiled
  // code and frees what start-up left behind, ~3 MB of an idle gateway. bun-types marks Bun.shrink deprecated
  // yet nothing else does this; the check keeps a Bun that removes it booting.
  if (typeof Bun.shrink === "function") Bun.shrink();
}

/** Where the secrets the environment does not set come from, so the operator knows which file to back up. */
function announceSecrets(config: Config) {
  const fromFile = (Object.keys(SECRET_ENV) as SecretName[]).filter((name) => config.envSecrets[name] === undefined).map((name) => SECRET_ENV[name]);
  if (fromFile.length) log.info(`${fromFile.join(", ")} from ${config.secretsFile} (generated on first start; back it up with the database)`);
  if (config.olderSecrets.encryptionKey || config.olderSecrets.apiKeySecret) {
    log.warn("this data folder was used before its secrets were generated: credentials sealed and API keys stored under the old public defaults still work, and move to the new secrets as they are saved or used");
  }
}

// Files the process creates (database, request log, backups, exports) are readable by its user only.
process.umask(0o077);

// Any startup failure (a bad variable, a database in use or unreadable) stops the process with its message and exit code 1.
(async () => start(loadConfig()))().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseInUseError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
