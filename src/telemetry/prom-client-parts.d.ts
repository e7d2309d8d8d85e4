// Types for the parts of prom-client imported one by one (its index also loads the Pushgateway, which pulls in
// node:http, https and zlib, and the cluster aggregator: ~1.2 MB of idle memory the gateway never uses).
declare module "prom-client/lib/registry" {
  import { Registry } from "prom-client";
  export = Registry;
}
declare module "prom-client/lib/counter" {
  import { Counter } from "prom-client";
  export = Counter;
}
declare module "prom-client/lib/gauge" {
  import { Gauge } from "prom-client";
  export = Gauge;
}
declare module "prom-client/lib/defaultMetrics" {
  import { collectDefaultMetrics } from "prom-client";
  export = collectDefaultMetrics;
}
