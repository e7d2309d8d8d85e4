// priority: the members in the order the combo lists them.
import type { ComboStrategy } from "./types.ts";

export const priority: ComboStrategy = (members) => [...members];
