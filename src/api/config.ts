// /api/config: the configuration as a YAML file (secrets as ${...} placeholders), and applying one (or a dry run's diff).
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { applyConfig } from "../config-file/apply.ts";
import { exportConfig } from "../config-file/export.ts";
import { summarize } from "../config-file/file.ts";
import { MAX_CONFIG_BYTES, parseConfig, readConfigFile } from "../config-file/load.ts";
import { ConfigFileError } from "../config-file/problems.ts";
import { log } from "../log.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function configRoutes(services: Services) {
  return new Hono()
    .get("/", async (c) => c.body(await exportConfig(services), 200, { "content-type": "application/yaml; charset=utf-8" }))
    .post("/apply", validate("query", z.object({ dryRun: z.enum(["true", "false"]).optional() })), async (c) => {
      const dryRun = c.req.valid("query").dryRun === "true";
      const tooLarge = () =>
        new GatewayError("payload_too_large", `A configuration is at most ${MAX_CONFIG_BYTES} bytes.`, { code: "config_too_large" });
      if (Number(c.req.header("content-length") ?? 0) > MAX_CONFIG_BYTES) throw tooLarge();
      const text = await c.req.text();
      if (text.length > MAX_CONFIG_BYTES) throw tooLarge();
      const file = services.config.configFile;
      if (!text.trim() && !file) {
        throw new GatewayError(
          "invalid_request",
          "Send the configuration as YAML in the body, or start the gateway with CONFIG_FILE to re-apply that file.",
          { code: "config_missing" },
        );
      }
      try {
        const loaded = text.trim() ? parseConfig(text, "in the request body") : await readConfigFile(file!);
        const report = await applyConfig(services, loaded, { dryRun });
        if (!dryRun) log.info(`configuration ${loaded.source} applied: ${summarize(report)}`);
        return c.json(report);
      } catch (err) {
        if (!(err instanceof ConfigFileError)) throw err;
        log.error(err.message);
        return c.json({ error: { message: err.message, code: "config_invalid", problems: err.problems } }, 400);
      }
    });
}
