// A TCP relay on a loopback port in front of a real server, which a test can cut (connections dropped, new ones refused),
// silence (a network partition: nothing arrives, nothing closes) and restore: a database going away.
import type { Socket, TCPSocketListener } from "bun";
import { freeLoopbackPort } from "./real-servers.ts";

export interface TcpRelay {
  port: number;
  /** Drop every connection through the relay and refuse new ones. */
  cut(): void;
  /**
   * A partition: connections stay open but no byte gets through either way (they are kept, not lost, as TCP keeps
   * retransmitting) until `restore()` delivers them.
   */
  silence(): void;
  /** Accept connections again, on the same port; after `silence()`, deliver what was kept and pass bytes again. */
  restore(): void;
  close(): void;
}

interface Pair {
  upstream?: Socket<Pair>;
  client?: Socket<Pair>;
  /** Bytes from the client before the upstream connection opened. */
  early: Uint8Array[];
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const port = await freeLoopbackPort();
  const open = new Set<Pair>();
  let listener: TCPSocketListener<Pair> | undefined;
  /** While silenced: the writes to make once the partition heals, in order. */
  let kept: Array<() => void> | undefined;
  const pass = (to: Socket<Pair> | undefined, chunk: Uint8Array) => {
    if (!to) return;
    if (kept) {
      const copy = new Uint8Array(chunk);
      kept.push(() => to.write(copy));
    } else to.write(chunk);
  };

  const listen = () => {
    listener = Bun.listen<Pair>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(client) {
          const pair: Pair = { client, early: [] };
          client.data = pair;
          open.add(pair);
          void Bun.connect<Pair>({
            hostname: "127.0.0.1",
            port: targetPort,
            data: pair,
            socket: {
              open(upstream) {
                pair.upstream = upstream;
                for (const chunk of pair.early.splice(0)) upstream.write(chunk);
              },
              data(_upstream, chunk) {
                pass(pair.client, chunk);
              },
              close() {
                pair.client?.end();
                open.delete(pair);
              },
              error() {
                pair.client?.end();
              },
            },
          }).catch(() => client.end());
        },
        data(client, chunk) {
          const pair = client.data;
          if (pair.upstream) pass(pair.upstream, chunk);
          else pair.early.push(new Uint8Array(chunk));
        },
        close(client) {
          client.data.upstream?.end();
          open.delete(client.data);
        },
        error(client) {
          client.data.upstream?.end();
        },
      },
    });
  };
  listen();

  const relay: TcpRelay = {
    port,
    cut() {
      listener?.stop(true);
      listener = undefined;
      for (const pair of open) {
        pair.client?.terminate();
        pair.upstream?.terminate();
      }
      open.clear();
    },
    silence() {
      kept ??= [];
    },
    restore() {
      if (!listener) listen();
      const deliver = kept ?? [];
      kept = undefined;
      for (const write of deliver) write();
    },
    close() {
      relay.cut();
    },
  };
  return relay;
}
