// The combo strategies by name: given a combo's members, the order to try them. Adding one is a file and a line here.
import type { COMBO_STRATEGIES } from "../../settings/schema.ts";
import { costOptimized } from "./cost-optimized.ts";
import { leastUsed } from "./least-used.ts";
import { priority } from "./priority.ts";
import { random } from "./random.ts";
import { roundRobin } from "./round-robin.ts";
import type { ComboStrategy } from "./types.ts";
import { weighted } from "./weighted.ts";

export type { ComboContext, ComboMember, ComboStrategy } from "./types.ts";

export type ComboStrategyName = (typeof COMBO_STRATEGIES)[number];

export const COMBO_STRATEGY: Record<ComboStrategyName, ComboStrategy> = {
  priority,
  "round-robin": roundRobin,
  random,
  weighted,
  "least-used": leastUsed,
  "cost-optimized": costOptimized,
};
