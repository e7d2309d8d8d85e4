// Every ingress format x every upstream format, streamed and not, through the official SDKs and the fake upstreams.
import { afterAll, beforeAll, describe } from "bun:test";
import { join } from "node:path";
import { CASES } from "./cases.ts";
import { FORMATS, startRig, type Rig } from "./harness.ts";
import { cellTest, writeMatrix } from "./report.ts";

const OUT = join(import.meta.dir, "../../test-output/conformance.md");

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  writeMatrix(
    OUT,
    FORMATS,
    CASES.map((c) => c.name),
  );
  await rig?.close();
});

for (const ingress of FORMATS) {
  for (const upstream of FORMATS) {
    describe(`${ingress} -> ${upstream}`, () => {
      for (const stream of [false, true]) {
        const mode = stream ? "stream" : "non-stream";
        for (const c of CASES) {
          if (c.only && c.only !== mode) continue;
          if (c.upstreams && !c.upstreams.includes(upstream)) continue;
          if (c.ingresses && !c.ingresses.includes(ingress)) continue;
          cellTest(`${ingress} -> ${upstream}, ${mode}, ${c.name}`, ingress, upstream, () =>
            c.run({ rig, driver: rig.drivers[ingress], up: rig.upstreams[upstream], stream }),
          );
        }
      }
    });
  }
}
