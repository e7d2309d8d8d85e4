// Shared by the Gemini request tests: route hints, a canonical request, an expected 400.
import { expect } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";

export const hints = { model: "gemini-2.5-flash", stream: true };

export function req(over: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: "gemini-2.5-flash", messages: [], stream: false, extra: {}, ...over };
}

export function invalid(fn: () => unknown, param: string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).kind).toBe("invalid_request");
    expect((err as GatewayError).param).toBe(param);
    return;
  }
  throw new Error("expected a GatewayError");
}
