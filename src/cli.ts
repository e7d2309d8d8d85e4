// The commands of the command line (config check|export|apply, password reset), run on DATA_DIR while no gateway holds it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { USAGE } from "./cli-args.ts";
import { loadConfig, type Config } from "./config.ts";
import { applyConfig, type ApplyReport } from "./config-file/apply.ts";
import { exportConfig } from "./config-file/export.ts";
import { summarize } from "./config-file/file.ts";
import { readConfigFile } from "./config-file/load.ts";
import { ConfigFileError } from "./config-file/problems.ts";
import { DB_FILENAME, DatabaseInUseError, closeDatabase } from "./db/client.ts";
import { openStore, StoreUnavailableError } from "./db/open-store.ts";
import { setLogLevel } from "./log.ts";
import { createServices, type Services } from "./services.ts";
import type { Store } from "./db/store.ts";

/** A command that cannot run, with what to do instead. */
class CommandError extends Error {}

const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);

/**
 * Open the gateway's store, run `task`, write what is pending and let the store go: the stopped gateway's data folder,
 * or with DATABASE_URL the shared PostgreSQL (instances may run meanwhile: they hear of the change as of any other).
 */
async function withDataDir<T>(config: Config, whenRunning: string, task: (services: Services) => T | Promise<T>): Promise<T> {
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    if (err instanceof DatabaseInUseError)
      throw new CommandError(`OmniRoute is running on ${config.dataDir} (its database is in use): ${whenRunning}`);
    if (err instanceof StoreUnavailableError) throw new CommandError(err.message);
    throw err;
  }
  const services = await createServices(config, store);
  try {
    return await task(services);
  } finally {
    await services.flush();
    await services.changes.close();
    if (store.dialect === "sqlite") closeDatabase(store.sqlite);
    else await (await import("./db/pg-store.ts")).closePostgresStore(store);
  }
}

function requireData(config: Config): void {
  if (!config.database && !existsSync(join(config.dataDir, DB_FILENAME)))
    throw new CommandError(`No OmniRoute data in ${config.dataDir}: set DATA_DIR to the gateway's data folder.`);
}

function printReport(report: ApplyReport): void {
  for (const c of report.created) out(`+ ${c.section} ${JSON.stringify(c.key)}`);
  for (const c of report.updated) out(`~ ${c.section} ${JSON.stringify(c.key)} (${c.fields?.join(", ")})`);
  for (const c of report.removed) out(`- ${c.section} ${JSON.stringify(c.key)}`);
  out(`${report.dryRun ? "Would change" : "Applied"}: ${summarize(report)}.`);
}

async function check(config: Config, file: string): Promise<void> {
  const loaded = await readConfigFile(file);
  if (!existsSync(join(config.dataDir, DB_FILENAME))) {
    // Nothing to compare with: the references (providers, combo members) are checked against an empty gateway.
    const scratch = mkdtempSync(join(tmpdir(), "omniroute-check-"));
    try {
      out(`${file} is valid. Against an empty gateway (no data in ${config.dataDir}):`);
      printReport(await withDataDir({ ...config, dataDir: scratch }, "", (s) => applyConfig(s, loaded, { dryRun: true })));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return;
  }
  try {
    const report = await withDataDir(config, "", (s) => applyConfig(s, loaded, { dryRun: true }));
    out(`${file} is valid. Against ${config.dataDir}:`);
    printReport(report);
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    out(
      `${file} is valid (its variables and fields). The gateway is running on ${config.dataDir}, so what it would change there is not shown: POST the file to /api/config/apply?dryRun=true.`,
    );
  }
}

async function resetPassword(config: Config): Promise<void> {
  requireData(config);
  const password = Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url");
  await withDataDir(
    config,
    "stop it first, then run `omniroute password reset` again (the password is reset on a stopped gateway's data folder).",
    (s) => s.password.change(password),
  );
  out(
    `New dashboard password: ${password}\nEvery session signed in before is signed out. Sign in with it and change it in Settings -> Security.`,
  );
}

/** Run one command; the exit code (0 done, 1 failed, 2 bad usage). */
export async function runCommand(args: string[]): Promise<number> {
  const [group, action, file, ...rest] = args;
  try {
    const config = loadConfig();
    // Only the command's own output: the services' info lines would bury it.
    setLogLevel(config.logLevel === "debug" ? "debug" : "error");
    switch (`${group} ${action}`) {
      case "config check":
        if (!file) break;
        await check(config, file);
        return 0;
      case "config export":
        requireData(config);
        process.stdout.write(await withDataDir(config, "GET /api/config exports its configuration.", (s) => exportConfig(s)));
        return 0;
      case "config apply": {
        if (!file || rest.some((a) => a !== "--dry-run")) break;
        const loaded = await readConfigFile(file);
        const dryRun = rest.includes("--dry-run");
        printReport(
          await withDataDir(config, "send it SIGHUP to re-apply its CONFIG_FILE, or POST the file to /api/config/apply.", (s) =>
            applyConfig(s, loaded, { dryRun }),
          ),
        );
        return 0;
      }
      case "password reset":
        if (file) break;
        await resetPassword(config);
        return 0;
      case "help undefined":
        out(USAGE);
        return 0;
    }
    process.stderr.write(`Unknown command "${args.join(" ")}".\n${USAGE}\n`);
    return 2;
  } catch (err) {
    if (err instanceof CommandError || err instanceof ConfigFileError || (err instanceof Error && err.name === "ConfigError")) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
