// Malformed requests: bodies that are not JSON, JSON of the wrong shape, fields of the wrong type, text outside
// Latin-1, lone surrogates and invalid UTF-8, broken percent-escapes in paths. A client's mistake is a 4xx; a 5xx
// (the gateway's own failure) is what the campaign counts. Seeded, so a rerun sends the same bodies.
import type { FormatId } from "../../src/formats/types.ts";
import { seeded } from "../gateway/edge/fuzz-bodies.ts";
import { FORMATS, pool, type GatewayProcess, type Upstreams } from "./rig.ts";

export interface Malformed {
  requests: number;
  byClass: Record<"2xx" | "4xx" | "5xx" | "other", number>;
  /** Up to 8 distinct 5xx answers: what was sent and what came back. */
  examples5xx: string[];
}

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  2 ** 53 + 1,
  1.5,
  "",
  "x".repeat(300),
  "\u0000",
  "模型",
  "🙂",
  "\ud800",
  [],
  [[]],
  {},
  { a: { b: { c: [] } } },
  // A model the campaign's gateway serves: valid in `model`, out of place anywhere else.
  "f-chat/fault-model",
  "../../etc/passwd",
  "%ff%fe",
  "\u00ff\u00fe",
  "model\r\nx-injected: 1",
];

type Sent = { path: string; body: Uint8Array<ArrayBuffer> | string; contentType: string; label: string };

function validBody(format: FormatId, model: string): Record<string, unknown> {
  switch (format) {
    case "openai-chat":
      return { model, messages: [{ role: "user", content: "hi" }], max_tokens: 16 };
    case "anthropic":
      return { model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] };
    case "responses":
      return { model, input: "hi", max_output_tokens: 16 };
    case "gemini":
      return { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
    default: {
      const unreachable: never = format;
      throw new Error(`unhandled format ${unreachable}`);
    }
  }
}

function pathOf(format: FormatId, model: string): string {
  switch (format) {
    case "openai-chat":
      return "/v1/chat/completions";
    case "anthropic":
      return "/v1/messages";
    case "responses":
      return "/v1/responses";
    case "gemini":
      return `/v1beta/models/${model}:generateContent`;
    default: {
      const unreachable: never = format;
      throw new Error(`unhandled format ${unreachable}`);
    }
  }
}

/** Set a random path of `obj` (a key at some depth) to `value`, or delete it. */
function mutate(obj: Record<string, unknown>, rand: () => number, value: unknown, remove: boolean): void {
  let node: Record<string, unknown> = obj;
  for (let depth = 0; depth < 4; depth++) {
    const keys = Object.keys(node);
    if (!keys.length) break;
    const key = keys[Math.floor(rand() * keys.length)]!;
    const child = node[key];
    if (depth < 3 && child && typeof child === "object" && rand() < 0.6) {
      node = (Array.isArray(child) ? (child[0] ?? {}) : child) as Record<string, unknown>;
      continue;
    }
    if (remove) delete node[key];
    else node[key] = value;
    return;
  }
}

/** Percent-encode as UTF-8; a lone surrogate (which encodeURIComponent refuses) as the bytes a careless client would send. */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[\ud800-\udfff]/g, "%ed%a0%80").replace(/[^\w%-]/g, (ch) => encodeURIComponent(ch));
  }
}

function makeCase(i: number, rand: () => number, up: Upstreams): Sent {
  const format = FORMATS[i % 4]!;
  const model = up.model[FORMATS[Math.floor(rand() * 4)]!];
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const kind = Math.floor(rand() * 8);
  const body = validBody(format, model);
  const json = (label: string, b: unknown, path = pathOf(format, model)): Sent => ({
    path,
    body: JSON.stringify(b),
    contentType: "application/json",
    label: `${format} ${label}`,
  });
  switch (kind) {
    case 0: {
      // JSON cut at a random point
      const text = JSON.stringify(body);
      return {
        path: pathOf(format, model),
        body: text.slice(0, Math.floor(rand() * text.length)),
        contentType: "application/json",
        label: `${format} truncated JSON`,
      };
    }
    case 1: // random bytes, some of them invalid UTF-8
      return {
        path: pathOf(format, model),
        body: crypto.getRandomValues(new Uint8Array(1 + Math.floor(rand() * 200))),
        contentType: "application/json",
        label: `${format} random bytes`,
      };
    case 2: // the top level is not an object
      return json("non-object top level", pick([null, [], 42, "text", true, [body]]));
    case 3: {
      // a field set to a value of the wrong type
      const v = pick(WEIRD_VALUES);
      mutate(body, rand, v, false);
      return json(`field set to ${JSON.stringify(v)?.slice(0, 30)}`, body);
    }
    case 4: // a field removed
      mutate(body, rand, undefined, true);
      return json("field removed", body);
    case 5: {
      // a model name no header may carry, or a lone surrogate, in body or path
      const name = pick(["模型/x", "\ud800", "a\udfffb", "caf\u00e9/m", `${model}\u2028`, "m\u0000"]);
      if (format === "gemini") return json("odd model in path", body, `/v1beta/models/${percentEncode(name)}:generateContent`);
      return json(`odd model ${JSON.stringify(name)}`, { ...body, model: name });
    }
    case 6: {
      // broken percent-escapes and odd Gemini paths
      const path = pick([
        "/v1beta/models/%ff%fe:generateContent",
        "/v1beta/models/%E0%A4%A:generateContent",
        `/v1beta/models/${model}%ZZ:streamGenerateContent?alt=sse`,
        "/v1beta/models/:generateContent",
        "/v1beta/models/x:unknownMethod",
        "/v1/models/%ff:generateContent",
      ]);
      return {
        path,
        body: JSON.stringify(validBody("gemini", model)),
        contentType: "application/json",
        label: `gemini path ${path.replace(model, "{model}")}`,
      };
    }
    default: {
      // nesting, size and escapes that stress a parser
      const depth = 1 + Math.floor(rand() * 3000);
      return {
        path: pathOf(format, model),
        body: pick([
          `${"[".repeat(depth)}${"]".repeat(depth)}`,
          `{"model":"\\ud800\\udc00\\ud800","messages":[]}`,
          `{"model":${"1".repeat(400)}}`,
          '{"a":1,"a":2}',
        ]),
        contentType: pick(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
        label: `${format} parser stress`,
      };
    }
  }
}

export async function malformedBodies(gw: GatewayProcess, up: Upstreams, n: number): Promise<Malformed> {
  for (const f of FORMATS) up.fakes[f].setScenario({ kind: "text", text: "fine", usage: { input: 3, output: 1 } });
  const rand = seeded(15);
  const cases = Array.from({ length: n }, (_, i) => makeCase(i, rand, up));
  const out: Malformed = { requests: n, byClass: { "2xx": 0, "4xx": 0, "5xx": 0, other: 0 }, examples5xx: [] };
  const seen = new Set<string>();
  await pool(cases, 32, async (c) => {
    let status = 0;
    let text = "";
    try {
      const res = await fetch(`${gw.url}${c.path}`, { method: "POST", headers: { "content-type": c.contentType }, body: c.body });
      status = res.status;
      text = await res.text();
    } catch (err) {
      text = String(err);
    }
    const cls = status >= 200 && status < 300 ? "2xx" : status >= 400 && status < 500 ? "4xx" : status >= 500 ? "5xx" : "other";
    out.byClass[cls]++;
    if (cls === "5xx" || cls === "other") {
      const key = `${c.label.split(" ").slice(0, 3).join(" ")} ${status}`;
      if (!seen.has(key) && out.examples5xx.length < 8) {
        seen.add(key);
        out.examples5xx.push(`${c.label} → ${status} ${text.slice(0, 140).replace(/\s+/g, " ")}`);
      }
    }
  });
  return out;
}
