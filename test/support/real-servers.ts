// What the real PostgreSQL and Redis test servers share: a free loopback port, and a suite that runs when its server can start or says why it skipped.
import { afterAll, beforeAll, describe } from "bun:test";
import { createServer } from "node:net";

/** Whether a server's binaries are on this machine, and if not, why (shown when a suite skips). */
export type Availability = { ok: true } | { ok: false; reason: string };

/** A port the OS has just handed out on 127.0.0.1 and taken back; a server started right after gets it. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("the OS gave no port"))));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export async function portIsOpen(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it is true or the deadline passes; the error names what was awaited. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(delay);
  }
}

/** A suite's handle on its server: valid inside tests (it starts in beforeAll, stops in afterAll). */
export type ServerHandle<S> = () => S;

/**
 * Registers `describe(name, fn)` with one server started before its tests and stopped after them, or, when the
 * server cannot run here, a skipped suite whose name carries the reason, plus one line on the console saying so.
 */
export function describeWithServer<S extends { stop(): Promise<void> }>(
  kind: string,
  availability: Availability,
  start: () => Promise<S>,
  name: string,
  fn: (server: ServerHandle<S>) => void,
): void {
  if (!availability.ok) {
    console.log(`[skipped] ${kind} suite "${name}": ${availability.reason}`);
    describe.skip(`${name} (skipped: ${availability.reason})`, () =>
      fn(() => {
        throw new Error(`${kind} is not available`);
      }));
    return;
  }
  describe(name, () => {
    let server: S | undefined;
    beforeAll(async () => {
      server = await start();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    }, 30_000);
    fn(() => {
      if (!server) throw new Error(`the ${kind} server for "${name}" did not start`);
      return server;
    });
  });
}
