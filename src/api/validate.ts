// zod validation for management JSON bodies and queries: a 400 naming the failing field, in the /api error shape.
// JSON bodies are read here (bounded in size and depth, like client bodies): malformed JSON is a 400 that says so,
// a non-JSON body a 415, an empty body `undefined` for the schema to accept (optional bodies) or refuse.
import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { readJsonBody } from "../gateway/edge/json-body.ts";

type Validated<T extends z.ZodType, Target extends keyof ValidationTargets> = {
  in: { [K in Target]: z.input<T> };
  out: { [K in Target]: z.output<T> };
};

function failure(target: string, issues: readonly z.core.$ZodIssue[], value: unknown): GatewayError {
  if (value === undefined && target === "json")
    return new GatewayError("invalid_request", "The request body is empty: send a JSON object.", {
      param: "body",
      code: "validation_failed",
    });
  const issue = issues[0]!;
  const field = issue.path.join(".") || (target === "json" ? "body" : target);
  return new GatewayError("invalid_request", `${field}: ${issue.message}`, { param: field, code: "validation_failed" });
}

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
): MiddlewareHandler<{}, string, Validated<T, Target>> {
  if (target !== "json") {
    return zValidator(target, schema, (result) => {
      if (!result.success) throw failure(target, result.error.issues, result.data);
    }) as MiddlewareHandler<{}, string, Validated<T, Target>>;
  }
  return async function validateJsonBody(c, next) {
    const value = await readJsonBody(c.req.raw, { maxBytes: c.get("services").config.maxRequestBodyBytes, requireJsonType: true });
    const result = await schema.safeParseAsync(value);
    if (!result.success) throw failure(target, result.error.issues, value);
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
}
