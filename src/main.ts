// Wiring only: config -> database + migrations -> services -> configuration file -> app -> Bun.serve; SIGTERM drains
// and exits 0, SIGHUP re-applies the configuration file. `omniroute config ...` and `password reset` run as commands.
import { createApp } from "./app.ts";
import { parseCommandLine } from "./cli-args.ts";
import { runCommand } from "./cli.ts";
import { ConfigError, loadConfig, SECRET_ENV, type Config, type SecretName } from "./config.ts";
import { applyConfig } from "./config-file/apply.ts";
import { reapplyConfigFile, summarize } from "./config-file/file.ts";
import { readConfigFile } from "./config-file/load.ts";
import { ConfigFileError } from "./config-file/problems.ts";
import { DatabaseInUseError } from "./db/client.ts";
import { openStore, StoreUnavailableError } from "./db/open-store.ts";
import { saveAndClose, startPeriodicSave } from "./db/state-saver.ts";
import { log, logFormat, setLogFormat, setLogLevel } from "./log.ts";
import { createServices } from "./services.ts";
import { VERSION } from "./version.ts";

const FLUSH_INTERVAL_MS = 10_000;
/** After the drain time, how long answers told to stop get to send their error event before connections are closed. */
const SHUTDOWN_GRACE_MS = 2_000;

async function start(config: Config) {
  const bootStarted = performance.now();
  setLogLevel(config.logLevel);
  setLogFormat(config.logFormat);
  // Read and validated before the database is touched: a file with problems stops startup naming every one.
  const configFile = config.configFile ? await readConfigFile(config.configFile) : undefined;
  const store = await openStore(config);
  announceSecrets(config);
  const services = await createServices(config, store);
  if (configFile) log.info(`configuration file ${configFile.source} applied: ${summarize(await applyConfig(services, configFile))}`);
  const app = createApp(services);

  const server = Bun.serve({
    port: config.port,
    hostname: config.hostname,
    // A request's body must arrive within this (Bun does not restart it as bytes trickle in); proxied calls lift it
    // for their answer once the body is in (gateway/edge/client-request.ts). JSON bodies are capped by
    // MAX_REQUEST_BODY_MB in the handlers, so the client gets a 413 in its format; Bun's own 128 MB cap stays for uploads.
    idleTimeout: config.idleTimeoutSeconds,
    fetch: (request, server) => app.fetch(request, { server }),
  });

  const saver = startPeriodicSave(() => services.flush(), FLUSH_INTERVAL_MS);
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
      // Each answer still open ends with an error event in its client's format and a row saying "shutdown".
      const stopped = services.openAnswers.stopAll();
      log.warn(
        `${server.pendingRequests} request(s) still open after ${config.shutdownTimeoutMs} ms; ending ${stopped} answer(s) with an error event, then closing`,
      );
      const settled = Promise.race([drained.then(() => true), Bun.sleep(SHUTDOWN_GRACE_MS).then(() => false)]);
      if (!(await settled)) await server.stop(true);
    }
    saver.stop();
    await services.sync.stop();
    // Spans still batched are sent before the process goes (a no-op without tracing).
    await services.telemetry.shutdown();
    services.proxies.close();
    services.sharedState?.close();
    // Exit 1 only when usage rows could not be written (the disk is still full): they are lost with the process.
    await services.changes.close();
    const lostRows = await saveAndClose(() => services.flush(), services.usage, store);
    if (!lostRows) log.info("stopped cleanly");
    process.exit(lostRows ? 1 : 0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  const configPath = config.configFile;
  if (configPath) process.on("SIGHUP", () => void reapplyConfigFile(services, configPath));

  log.info(
    `OmniRoute ${VERSION} listening on http://${server.hostname}:${server.port} (data in ${store.where}, ready in ${Math.round(performance.now() - bootStarted)} ms)`,
  );
  // Boot-only code (migrations, catalog and route set-up) never runs again: once idle, JSC drops its compiled
  // code and frees what start-up left behind, ~3 MB of an idle gateway. On the next turn, not here: start-up's
  // garbage still referenced from this call's stack would survive it (measured: ~0.5-3 MB more, varying by boot).
  // bun-types marks Bun.shrink deprecated yet nothing else does this; the check keeps a Bun that removes it booting.
  if (typeof Bun.shrink === "function") setTimeout(() => Bun.shrink(), 0);
}

/** Where the secrets the environment does not set come from, so the operator knows which file to back up. */
function announceSecrets(config: Config) {
  const fromFile = (Object.keys(SECRET_ENV) as SecretName[])
    .filter((name) => config.envSecrets[name] === undefined)
    .map((name) => SECRET_ENV[name]);
  if (fromFile.length)
    log.info(`${fromFile.join(", ")} from ${config.secretsFile} (generated on first start; back it up with the database)`);
  if (config.olderSecrets.encryptionKey || config.olderSecrets.apiKeySecret) {
    log.warn(
      "this data folder was used before its secrets were generated: credentials sealed and API keys stored under the old public defaults still work, and move to the new secrets as they are saved or used",
    );
  }
}

// Files the process creates (database, request log, backups, exports) are readable by its user only.
process.umask(0o077);

async function main(): Promise<void> {
  const line = parseCommandLine(process.argv.slice(2));
  switch (line.kind) {
    case "command":
      // Imported statically: as a lazily loaded chunk it would share nearly all of the gateway's code with it.
      process.exit(await runCommand(line.args));
      break;
    case "invalid":
      stopLine(line.message);
      process.exit(2);
      break;
    case "serve":
      await start(loadConfig(line.configFile ? { ...process.env, CONFIG_FILE: line.configFile } : process.env));
      break;
    default: {
      const unreachable: never = line;
      throw new Error(`unknown command line ${JSON.stringify(unreachable)}`);
    }
  }
}

// Any startup failure (a bad variable or configuration file, a database in use or unreadable) stops the process with its message and exit code 1.
main().catch((err: unknown) => {
  if (
    err instanceof ConfigError ||
    err instanceof DatabaseInUseError ||
    err instanceof ConfigFileError ||
    err instanceof StoreUnavailableError
  ) {
    stopLine(err.message);
    process.exit(1);
  }
  stopLine(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});

/** Why the process stops: the bare message at a terminal, a JSON line under LOG_FORMAT=json. */
function stopLine(message: string): void {
  if (logFormat() === "json") log.fatal(message);
  else process.stderr.write(`${message}\n`);
}
