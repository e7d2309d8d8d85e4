// What every conformance case is made of: the cell it runs in, and the checks most cases share.
import { expect } from "bun:test";
import type { FormatId } from "../../src/formats/types.ts";
import type { Ask, Driver, Turn } from "./drivers/types.ts";
import type { Rig, Upstream } from "./harness.ts";

export interface Cell {
  rig: Rig;
  driver: Driver;
  up: Upstream;
  stream: boolean;
}

export interface Case {
  name: string;
  /** Only for streamed or only for non-streamed requests (both when unset). */
  only?: "stream" | "non-stream";
  /** Only against these upstream formats (all when unset). */
  upstreams?: FormatId[];
  /** Only from these client formats (all when unset). */
  ingresses?: FormatId[];
  run(cell: Cell): Promise<void>;
}

export const ask = (cell: Cell, a: Omit<Ask, "model" | "stream">): Ask => ({ model: cell.up.model, stream: cell.stream, ...a });

/** Fails with the client's error in view, instead of a bare "expected undefined". */
export function ok(turn: Turn): Turn {
  if (turn.error)
    throw new Error(
      `the client got an error: ${JSON.stringify({ ...turn.error, raw: String(JSON.stringify(turn.error.raw)).slice(0, 600) })}`,
    );
  return turn;
}

/** The one upstream request a client call should have caused, streamed as the client asked. */
export function single(cell: Cell, requests: Array<{ path: string; body: any }>): any {
  expect(requests.length).toBe(1);
  expect(cell.up.inspector.streamed(requests[0]!)).toBe(cell.stream);
  return requests[0]!.body;
}
