// The account strategies by name: adding one is a file and a line here.
import type { ROUTING_STRATEGIES } from "../../settings/schema.ts";
import { fillFirst } from "./fill-first.ts";
import { leastUsed } from "./least-used.ts";
import { p2c } from "./p2c.ts";
import { randomOrder } from "./random.ts";
import { createRoundRobin } from "./round-robin.ts";
import type { AccountStrategy } from "./types.ts";

export type AccountStrategyName = (typeof ROUTING_STRATEGIES)[number];

export function createAccountStrategies(): Record<AccountStrategyName, AccountStrategy> {
  return {
    "fill-first": fillFirst,
    "round-robin": createRoundRobin(),
    p2c,
    random: randomOrder,
    "least-used": leastUsed,
  };
}
