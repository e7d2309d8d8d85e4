// One load-generating process for the Bun fallback client: `concurrency` fetch loops; prints {count, errors, cpuSeconds} as JSON.
import type { Endpoint } from "./load.ts";

const { ep, concurrency, warmupMs, durationMs } = JSON.parse(process.argv[2]!) as {
  ep: Endpoint;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
};
const start = performance.now() + warmupMs;
const end = start + durationMs;
let count = 0;
let errors = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
setTimeout(() => {
  cpuAtStart = process.cpuUsage();
}, warmupMs);

async function loop() {
  while (performance.now() < end) {
    try {
      const res = await fetch(ep.url, { method: "POST", headers: ep.headers, body: ep.body });
      await res.arrayBuffer();
      const now = performance.now();
      if (now < start || now > end) continue;
      if (res.status === 200) count++;
      else errors++;
    } catch {
      errors++;
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, loop));
const used = process.cpuUsage(cpuAtStart);
process.stdout.write(JSON.stringify({ count, errors, cpuSeconds: (used.user + used.system) / 1e6 }));
