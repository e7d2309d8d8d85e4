// A TCP relay on a loopback port in front of a real server, which a test can cut (connections dropped, new ones refused) and restore: a database going away.
import type { Socket, TCPSocketListener } from "bun";
import { freeLoopbackPort } from "./real-servers.ts";

export interface TcpRelay {
  port: number;
  /** Drop every connection through the relay and refuse new ones. */
  cut(): void;
  /** Accept connections again, on the same port. */
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
                pair.client?.write(chunk);
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
          if (pair.upstream) pair.upstream.write(chunk);
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
    restore() {
      if (!listener) listen();
    },
    close() {
      relay.cut();
    },
  };
  return relay;
}
