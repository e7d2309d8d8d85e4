// What the bench's fake upstream answers: rules matched on the request, so one process serves every bench scenario.
import type { RecordedRequest, Scenario } from "../fakes/scenario.ts";

/** A ~100-character answer, split into 20 chunks when streamed. */
export const BENCH_TEXT = "The quick brown fox jumps over the lazy dog; the gateway should add almost nothing to this answer.";

/**
 * Scenarios chosen by a marker `bench:<key>` anywhere in the request's messages (it survives translation
 * from another client format). Add a key here and put the marker in a bench scenario's request body.
 */
export const MARKED_SCENARIOS: Record<string, Scenario> = {
  /** The default: short text, 20 chunks when streamed, no delay. */
  text20: { kind: "text", text: BENCH_TEXT, chunks: 20 },
  /** For time to first byte: 2 chunks, each frame (the first included) sent 2 ms after the previous one. */
  ttfb: { kind: "text", text: BENCH_TEXT, chunks: 2, delayMs: 2 },
  /** For many open streams at once: 40 chunks, 250 ms apart (~10 s). */
  hold: { kind: "text", text: BENCH_TEXT, chunks: 40, delayMs: 250 },
};

/** Scenarios chosen by the upstream model name's prefix, checked before markers (e.g. a combo's failing first model). */
export const MODEL_SCENARIOS: Record<string, Scenario> = {
  "bench-429": { kind: "error", status: 429, message: "Rate limit reached for requests (bench)." },
};

const MARKER = /bench:([a-z0-9-]+)/;

export function pickBenchScenario(req: RecordedRequest): Scenario {
  const body = req.body ?? {};
  if (typeof body.model === "string") {
    for (const [prefix, scenario] of Object.entries(MODEL_SCENARIOS)) if (body.model.startsWith(prefix)) return scenario;
  }
  const marker = MARKER.exec(JSON.stringify(body.messages ?? body.contents ?? body.input ?? ""));
  return (marker && MARKED_SCENARIOS[marker[1]!]) || MARKED_SCENARIOS.text20!;
}
