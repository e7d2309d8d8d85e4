// Shared by the openai-chat request tests: a tiny image, a decode expected to fail, a canonical request to encode.
import { expect } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";

export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

export function decodeError(body: unknown): GatewayError {
  try {
    chat.decodeRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error("expected decodeRequest to throw");
}

export function canonical(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], stream: false, extra: {}, ...partial };
}
