// fill-first: the highest-priority account takes every request until it is unavailable.
import type { AccountStrategy } from "./types.ts";

export const fillFirst: AccountStrategy = (candidates) => [...candidates];
