// Attribute helpers for htmx 4 and Alpine: names such as `hx-status:422` or `x-on:click` do not parse in TSX, so they spread.

type Verb = "get" | "post" | "put" | "patch" | "delete";

export interface HxOptions {
  get?: string;
  post?: string;
  put?: string;
  patch?: string;
  delete?: string;
  target?: string;
  swap?: string;
  trigger?: string;
  /** What other inputs to send (htmx 4's hx-get no longer sends the enclosing form by itself). */
  include?: string;
  select?: string;
  confirm?: string;
  /** Per-status swap overrides, e.g. `{ 422: "target:#form swap:outerHTML" }`. */
  status?: Record<string | number, string>;
  vals?: Record<string, unknown>;
  pushUrl?: boolean | string;
}

/** htmx attributes as an object to spread: `<form {...hx({ post: "/x", target: "this" })}>`. */
export function hx(o: HxOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const verb of ["get", "post", "put", "patch", "delete"] as Verb[]) if (o[verb]) out[`hx-${verb}`] = o[verb]!;
  if (o.target) out["hx-target"] = o.target;
  if (o.swap) out["hx-swap"] = o.swap;
  if (o.trigger) out["hx-trigger"] = o.trigger;
  if (o.include) out["hx-include"] = o.include;
  if (o.select) out["hx-select"] = o.select;
  if (o.confirm) out["hx-confirm"] = o.confirm;
  if (o.vals) out["hx-vals"] = JSON.stringify(o.vals);
  if (o.pushUrl !== undefined) out["hx-push-url"] = String(o.pushUrl);
  for (const [code, value] of Object.entries(o.status ?? {})) out[`hx-status:${code}`] = value;
  return out;
}

/** Alpine event handlers: `{...on("click", "open = !open")}`. */
export function on(event: string, expression: string): Record<string, string> {
  return { [`x-on:${event}`]: expression };
}

/** Alpine attribute bindings: `{...bind("disabled", "busy")}`. */
export function bind(attribute: string, expression: string): Record<string, string> {
  return { [`x-bind:${attribute}`]: expression };
}
