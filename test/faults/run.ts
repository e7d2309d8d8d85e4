// `bun run faults`: the fault campaign, rerunnable, loopback only, a few minutes at most. Boots real gateway
// processes against fake upstreams, breaks things on purpose, and prints what a user would have seen as a
// Markdown table (also written to test-output/faults.md). `--quick` runs a smaller campaign.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT, installCleanup, killAll, stopChild, tempDir } from "../bench/procs.ts";
import { malformedBodies } from "./malformed.ts";
import { drainOnSigterm, killNineRounds } from "./process.ts";
import { connectUpstreams, expectStatus, startGatewayProcess, startUpstreams } from "./rig.ts";
import { budgetBurst, fullDisk } from "./spend-and-disk.ts";
import { brokenStreams, clientKilledStreams, connectMisbehaving, cutBodies, stalledStreams, startMisbehavingUpstream } from "./streams.ts";

const quick = process.argv.includes("--quick");
const SIZE = quick
  ? { broken: 200, killed: 100, cutBodies: 20, malformed: 1_000, killRounds: 2, drain: 8 }
  : { broken: 1_000, killed: 400, cutBodies: 100, malformed: 10_000, killRounds: 5, drain: 20 };

type Line = [section: string, measure: string, figure: string, expected: string];

const lines: Line[] = [];
const add = (section: string, measure: string, figure: string | number, expected = "") => {
  lines.push([section, measure, String(figure), expected]);
  console.log(`  ${section} | ${measure}: ${figure}${expected ? ` (expected ${expected})` : ""}`);
};
const counts = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ") || "none";

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  console.log(`== ${name}`);
  const out = await fn();
  console.log(`   (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return out;
}

async function main() {
  installCleanup();
  const started = performance.now();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  const up = startUpstreams();
  const cutBody = startMisbehavingUpstream("cut-body");
  const stall = startMisbehavingUpstream("stall");
  try {
    const gw = await startGatewayProcess(tempDir("omniroute-faults-"));
    const rig = await connectUpstreams(gw, up);

    const broken = await timed("streams cut by their upstream", () => brokenStreams(gw, rig, SIZE.broken));
    add("Broken streams", `streams cut mid-way by the upstream (4 client x 4 upstream formats)`, broken.streams, `${SIZE.broken}`);
    add("Broken streams", "ended with the format's error event", broken.ends.error_event, `${SIZE.broken}`);
    add("Broken streams", "silent truncations (no error event, no end)", broken.ends.silent, "0");
    add("Broken streams", "presented as complete although cut", broken.ends.completed, "0");
    add("Broken streams", "refused before the stream started", broken.refusedBeforeStart, "0");
    add("Broken streams", "usage rows written / saying 200", `${broken.rows} / ${broken.rowsSaying200}`, `${broken.streams} / 0`);

    const ended = await timed("streams whose upstream body ends before the finish", () => brokenStreams(gw, rig, SIZE.broken, "truncated"));
    const endedWhat = "streams whose upstream body ended before the finish (4 x 4 formats)";
    add("Ended early", endedWhat, ended.streams, `${SIZE.broken}`);
    add("Ended early", "ended with the format's error event", ended.ends.error_event, `${SIZE.broken}`);
    add("Ended early", "silent truncations / presented as complete", `${ended.ends.silent} / ${ended.ends.completed}`, "0 / 0");
    add("Ended early", "usage rows written / saying 200", `${ended.rows} / ${ended.rowsSaying200}`, `${ended.streams} / 0`);

    const killed = await timed("clients leaving mid-stream", () => clientKilledStreams(gw, rig, SIZE.killed));
    add("Clients leaving", "streams left after the first bytes", killed.streams, `${SIZE.killed}`);
    add("Clients leaving", "upstream calls cancelled", killed.upstreamCancelled, `${killed.streams}`);
    add("Clients leaving", "rows saying 499 / rows missing", `${killed.rows499} / ${killed.rowsMissing}`, `${killed.streams} / 0`);

    const cutModel = await connectMisbehaving(gw, "f-cutbody", cutBody.url);
    const cut = await timed("non-stream bodies cut mid-way", () => cutBodies(gw, cutModel, SIZE.cutBodies));
    add("Cut bodies", "non-stream answers cut half-way: statuses", counts(cut.statuses), `502: ${cut.requests}`);
    add("Cut bodies", "usage rows written", cut.rows, `${cut.requests}`);

    const stallModel = await connectMisbehaving(gw, "f-stall", stall.url);
    // An answer silent for a second is given up (the default is 5 minutes, generous for reasoning models).
    await expectStatus(gw.api("/api/resilience", { method: "PATCH", body: { providers: { "f-stall": { streamIdleMs: 1_000 } } } }), 200);
    const stalled = await timed("upstreams that stall after their first frame", () => stalledStreams(gw, stallModel, 4, 5_000));
    add(
      "Stalled upstream",
      `streams ended within ${stalled.waitedMs / 1000} s: with error event / silently / still open`,
      `${stalled.endedWithErrorEvent} / ${stalled.endedSilently} / ${stalled.stillOpen}`,
      "4 / 0 / 0 (streamIdleMs 1 s for this upstream)",
    );

    const bad = await timed("malformed requests", () => malformedBodies(gw, rig, SIZE.malformed));
    add("Malformed requests", "sent (seeded)", bad.requests);
    add("Malformed requests", "answers by class", counts(bad.byClass), "no 5xx");
    for (const example of bad.examples5xx) add("Malformed requests", "a 5xx", example);
    const healthy = (await fetch(`${gw.url}/healthz`)).status;
    add("Malformed requests", "/healthz afterwards", healthy, "200");

    const burst = await timed("budget burst", () => budgetBurst(gw, up));
    add(
      "Budget burst",
      `${burst.burst} parallel calls, $${burst.limit.toFixed(2)} budget, $${burst.perCall.toFixed(4)} a call`,
      `served ${burst.served}, refused ${burst.refused}`,
      `≥ ${burst.affordable - 1} of the ${burst.affordable} it can pay for`,
    );
    add("Budget burst", "spent / overshoot", `$${burst.spent.toFixed(4)} / ${burst.overshootCalls.toFixed(2)} call`, "≤ 1 call");
    if (burst.refusalMessage) add("Budget burst", "a refusal", burst.refusalMessage);
    await stopChild(gw.child, 10_000);

    const kills = await timed("kill -9 under load", () => killNineRounds(up, SIZE.killRounds, 2_000));
    add("kill -9", `rounds (about 2 s of load at c=16 each)`, kills.rounds);
    add("kill -9", "completed requests / rows lost", `${kills.completed} / ${kills.lost}`, "0 lost");
    add("kill -9", "integrity_check after each round", [...new Set(kills.integrity)].join(", "), "ok");

    const drain = await timed("SIGTERM drain", () => drainOnSigterm(up, SIZE.drain, 2_000));
    add(
      "SIGTERM drain",
      `${drain.streams} streams of ~2 s in flight: completed / error event / silent`,
      `${drain.ends.completed} / ${drain.ends.error_event} / ${drain.ends.silent}`,
      `${drain.streams} / 0 / 0`,
    );
    add(
      "SIGTERM drain",
      "exit code, time to exit, rows",
      `${drain.exitCode}, ${(drain.tookMs / 1000).toFixed(1)} s, ${counts(drain.rowOutcomes)}`,
      `0, rows 200: ${drain.streams}`,
    );

    const cutOff = await timed("SIGTERM past SHUTDOWN_TIMEOUT_MS", () => drainOnSigterm(up, 8, 6_000, 1_000));
    add(
      "Shutdown timeout",
      "8 streams of ~6 s, SHUTDOWN_TIMEOUT_MS=1000: completed / error event / silent",
      `${cutOff.ends.completed} / ${cutOff.ends.error_event} / ${cutOff.ends.silent}`,
      "0 / 8 / 0",
    );
    add("Shutdown timeout", "exit code, rows", `${cutOff.exitCode}, ${counts(cutOff.rowOutcomes)}`, "0, rows saying closed by shutdown");

    const disk = await timed("full disk", () => fullDisk(up, 200));
    if (!disk.mounted) add("Full disk", "skipped", "this machine does not let the campaign mount a tmpfs (needs root)");
    else {
      add("Full disk", "requests served while DATA_DIR is full", `${disk.served} of ${disk.requests}`, `${disk.requests}`);
      add(
        "Full disk",
        "/readyz while full, rows held in memory",
        `${disk.readyzWhileFull}, ${disk.heldWhileFull}`,
        `503, ${disk.requests}`,
      );
      add(
        "Full disk",
        "after space returns: ready again in, rows written, integrity_check, exit code",
        `${Math.round(disk.readyAgainMs)} ms, ${disk.rowsWritten}, ${disk.integrity}, ${disk.exitCode}`,
        `≤ ~1 s, ${disk.requests}, ok, 0`,
      );
    }
  } finally {
    await up.close();
    await cutBody.close();
    await stall.close();
  }

  const took = (performance.now() - started) / 1000;
  const header = `Fault campaign${quick ? " (--quick)" : ""}, ${new Date().toISOString()}, ${took.toFixed(0)} s; ${cpus().length} cores, Bun ${Bun.version}; load average ${load} at the start, ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the end.`;
  const table = [
    "| fault | measure | figure | expected |",
    "|---|---|---|---|",
    ...lines.map((l) => `| ${l.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`),
  ].join("\n");
  const out = `${header}\n\n${table}\n`;
  mkdirSync(join(ROOT, "test-output"), { recursive: true });
  writeFileSync(join(ROOT, "test-output/faults.md"), out);
  console.log(`\n${out}`);
}

main().then(
  () => {
    killAll();
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    killAll();
    process.exit(1);
  },
);
