// zod validation for management JSON bodies and queries: a 400 naming the failing field, in the /api error shape.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.join(".") || target;
      throw new GatewayError("invalid_request", `${field}: ${issue.message}`, { param: field, code: "validation_failed" });
    }
  });
}
