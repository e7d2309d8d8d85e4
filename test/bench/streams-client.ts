// Opens `count` streamed chat calls at once (run with BUN_CONFIG_MAX_HTTP_REQUESTS above count); prints `OPEN <ms>` once every
// stream has its first bytes and `DONE <ok> <errors>` once all have ended.
import type { Endpoint } from "./load.ts";

const { ep, count } = JSON.parse(process.argv[2]!) as { ep: Endpoint; count: number };
const started = performance.now();
let firstBytes = 0;
let ok = 0;
let errors = 0;

async function one(): Promise<void> {
  try {
    const res = await fetch(ep.url, { method: "POST", headers: ep.headers, body: ep.body });
    if (res.status !== 200 || !res.body) throw new Error(`status ${res.status}`);
    const reader = res.body.getReader();
    let first = true;
    let text = "";
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (first) {
        first = false;
        if (++firstBytes === count) process.stdout.write(`OPEN ${Math.round(performance.now() - started)}\n`);
      }
      text += decoder.decode(r.value, { stream: true });
    }
    if (!text.includes("[DONE]")) throw new Error("stream ended early");
    ok++;
  } catch (err) {
    errors++;
    if (errors <= 3) process.stderr.write(`stream failed: ${err instanceof Error ? err.message : String(err)}\n`);
    if (++firstBytes === count) process.stdout.write(`OPEN ${Math.round(performance.now() - started)}\n`);
  }
}

await Promise.all(Array.from({ length: count }, one));
process.stdout.write(`DONE ${ok} ${errors}\n`);
