// Wiring only: config -> database + migrations -> services -> configuration file -> app -> Bun.serve; SIGTERM drains
// and exits 0, SIGHUP re-applies the configuration file. `omniroute config ...` and `password reset` run as commands.
import { createApp } from "./app.ts";
import { parseCommandLine } from "./cli-args.ts";
import { runCommand } from "./cli.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { applyConfig } from "./config-file/apply.ts";
import { reapplyConfigFile, summarize } from "./config-file/file.ts";
import { readConfigFile } from "./config-file/load.ts";
import { ConfigFileError } from "./config-file/problems.ts";
import { DatabaseInUseError, closeDatabase, openDataDir } from "./db/client.ts";
import { log, setLogLevel } from "./log.ts";
import { createServices } from "./services.ts";
import { VERSION } from "./version.ts";

const FLUSH_INTERVAL_MS = 10_000;

async function start(config: Config) {
  const bootStarted = performance.now();
  setLogLevel(config.logLevel);
  // Read and validated before the database is touched: a file with problems stops startup naming every one.
  const configFile = config.configFile ? await readConfigFile(config.configFile) : undefined;
  const db = await openDataDir(config.dataDir);
  const services = await createServices(config, db);
  if (configFile) log.info(`configuration file ${configFile.source} applied: ${summarize(applyConfig(services, configFile))}`);
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
  const configPath = config.configFile;
  if (configPath) process.on("SIGHUP", () => void reapplyConfigFile(services, configPath));

  log.info(`OmniRoute ${VERSION} listening on http://${server.hostname}:${server.port} (data in ${config.dataDir}, ready in ${Math.round(performance.now() - bootStarted)} ms)`);
  // Boot-only code (migrations, catalog and route set-up) never runs again: once idle, JSC drops its compiled
  // code and frees what start-up left behind, ~3 MB of an idle gateway. bun-types marks Bun.shrink deprecated
  // yet nothing else does this; the check keeps a Bun that removes it booting.
  if (typeof Bun.shrink === "function") Bun.shrink();
}

async function main(): Promise<void> {
  const line = parseCommandLine(process.argv.slice(2));
  switch (line.kind) {
    case "command":
      // Imported statically: as a lazily loaded chunk it would share nearly all of the gateway's code with it.
      process.exit(await runCommand(line.args));
      break;
    case "invalid":
      process.stderr.write(`${line.message}\n`);
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
  if (err instanceof ConfigError || err instanceof DatabaseInUseError || err instanceof ConfigFileError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
