// A model name is checked before any part of it can reach an upstream URL or a log line.
import { GatewayError } from "./errors.ts";

// C0 controls (CR/LF among them), DEL and C1 controls, and U+FFFD (what invalid UTF-8 bytes decode to).
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

/** A model id is at most this long: no provider's id comes near it. */
export const MAX_MODEL_ID_LENGTH = 256;

/**
 * Throws a 400 naming `param` when `model` cannot be a model id: empty, too long, a control character, a lone
 * UTF-16 surrogate or invalid UTF-8, or a path segment that is empty, `.` or `..` (which would walk an
 * upstream URL such as Gemini's `models/{model}:generateContent` to another endpoint).
 */
export function validateModelId(model: string, param = "model"): void {
  const fail = (why: string) => {
    throw new GatewayError(
      "invalid_request",
      `Invalid model name ${JSON.stringify(model.length > 80 ? `${model.slice(0, 80)}...` : model)}: ${why}.`,
      { param, code: "invalid_model" },
    );
  };
  if (model.length === 0) fail("it is empty");
  if (model.length > MAX_MODEL_ID_LENGTH) fail(`it is longer than ${MAX_MODEL_ID_LENGTH} characters`);
  if (FORBIDDEN.test(model)) fail("it contains a control character or invalid UTF-8");
  if (!model.isWellFormed()) fail("it contains invalid UTF-16 (a lone surrogate)");
  // Most ids have no `.` segment and no `//`: the split runs only when one could be there.
  if (model.startsWith("/") || model.endsWith("/") || model.includes("//") || model.includes(".")) {
    for (const segment of model.split("/")) {
      if (segment === "" || segment === "." || segment === "..") fail('its path segments must not be empty, "." or ".."');
    }
  }
}
