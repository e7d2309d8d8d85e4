// Runs the fake OpenAI upstream in its own process for the bench; prints `UPSTREAM <url>` on stdout once listening.
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { pickBenchScenario } from "./upstream-scenarios.ts";

const fake = startOpenAIUpstream((req) => pickBenchScenario(req));
// The fake records every request; under load that is hundreds of thousands: forget them regularly.
setInterval(() => {
  fake.requests.length = 0;
}, 250);
process.stdout.write(`UPSTREAM ${fake.url}\n`);

const stop = () => void fake.close().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
