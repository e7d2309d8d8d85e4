// Response status and incomplete_details <-> canonical FinishReason.
import type { FinishReason } from "../../canonical/usage.ts";
import { assertNever } from "../../canonical/response.ts";
import type { ResponseStatus, WireResponse } from "./wire.ts";

/** The finish reason of a finished response object; `calledTools` when its output holds a function call. */
export function decodeFinishReason(status: string | undefined, incompleteReason: string | undefined, calledTools: boolean): FinishReason {
  if (status === "failed" || status === "cancelled") return "error";
  if (status === "incomplete") {
    if (incompleteReason === "content_filter") return "content-filter";
    return "length";
  }
  return calledTools ? "tool-calls" : "stop";
}

/** The status and incomplete_details a canonical finish reason becomes. */
export function encodeFinishReason(reason: FinishReason): { status: ResponseStatus; incomplete: WireResponse["incomplete_details"] } {
  switch (reason) {
    case "stop":
    case "stop-sequence":
    case "tool-calls":
    case "pause":
      return { status: "completed", incomplete: null };
    case "length":
      return { status: "incomplete", incomplete: { reason: "max_output_tokens" } };
    case "content-filter":
      return { status: "incomplete", incomplete: { reason: "content_filter" } };
    case "error":
      return { status: "failed", incomplete: null };
    default:
      return assertNever(reason, "finish reason");
  }
}
