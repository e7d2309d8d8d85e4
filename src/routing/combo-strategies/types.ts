// The contract of a combo strategy: a combo's members in, the order to try them out.

export interface ComboMember {
  model: string;
  weight: number;
}

export interface ComboContext {
  combo: string;
  random(): number;
  /** Requests a member model served recently (least-used). */
  recentRequests(model: string): number;
  /** Blended USD per 1M tokens of a member model, undefined when unknown (cost-optimized). */
  price(model: string): number | undefined;
  /** A per-combo counter that advances on every request (round-robin). */
  nextTurn(combo: string): number;
}

export type ComboStrategy = (members: readonly ComboMember[], ctx: ComboContext) => ComboMember[];
