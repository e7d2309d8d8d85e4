// The configuration file named by CONFIG_FILE (or --config): applied at startup, on SIGHUP and by POST /api/config/apply.
import { log } from "../log.ts";
import type { Services } from "../services.ts";
import { applyConfig, type ApplyReport } from "./apply.ts";
import { readConfigFile } from "./load.ts";
import { ConfigFileError } from "./problems.ts";

export function summarize(report: ApplyReport): string {
  const { created, updated, removed, unchanged } = report;
  return `${created.length} created, ${updated.length} updated, ${removed.length} removed, ${unchanged} unchanged`;
}

/** Read, validate and apply the file; throws ConfigFileError (nothing applied) with every problem. */
export async function applyConfigFile(services: Services, path: string, options: { dryRun?: boolean } = {}): Promise<ApplyReport> {
  const loaded = await readConfigFile(path);
  return applyConfig(services, loaded, options);
}

/** SIGHUP: re-apply the file; a file with problems changes nothing and is logged, the gateway keeps serving. */
export async function reapplyConfigFile(services: Services, path: string): Promise<void> {
  try {
    const report = await applyConfigFile(services, path);
    log.info(`configuration file ${path} re-applied: ${summarize(report)}`);
  } catch (err) {
    if (err instanceof ConfigFileError) log.error(err.message);
    else log.error(`configuration file ${path} not applied`, err);
  }
}
