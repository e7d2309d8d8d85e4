// Wraps the usage recorder so every row it writes is also counted in the metrics (and written as an access line
// when one is wanted): the counts equal the usage table by construction, whatever path wrote the row.
import type { UsageRecorder } from "../usage/recorder.ts";
import type { AccessLine } from "./access-log.ts";
import type { GatewayMetrics } from "./metrics.ts";

export function observedUsage(recorder: UsageRecorder, metrics: Pick<GatewayMetrics, "countRow">, accessLine?: AccessLine): UsageRecorder {
  return {
    ...recorder,
    record(r) {
      const cost = recorder.record(r);
      metrics.countRow(r, cost);
      accessLine?.(r, cost);
      return cost;
    },
  };
}
