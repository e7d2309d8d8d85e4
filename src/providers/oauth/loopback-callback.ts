// A temporary listener on 127.0.0.1 that catches an OAuth redirect (`?code=…&state=…`) for a login in progress.
//
// As the Codex CLI's login server (openai/codex codex-rs/login/src/server.rs): bind 127.0.0.1 on the registered
// port (1455, then its registered fallback 1457), check `state`, report `error`/`error_description`, answer
// the browser with a page it can close. One listener per port: a new login on that port replaces the old one.

export interface CallbackCatch {
  code?: string;
  error?: string;
}

export interface LoopbackCallback {
  id: string;
  /** The redirect URI to register in the authorize URL (the port actually bound). */
  redirectUri: string;
  caught(): CallbackCatch | undefined;
  stop(): void;
}

export interface ListenOptions {
  /** Ports to try in order; 0 picks a free one (tests). */
  ports: number[];
  path: string;
  state: string;
  ttlMs: number;
  /** The host name written into the redirect URI (the provider allow-lists `localhost`). */
  redirectHost: string;
  /** Shown to the browser once the code is caught. */
  doneMessage: string;
}

const byPort = new Map<number, LoopbackCallback>();
const byId = new Map<string, LoopbackCallback>();

function page(title: string, text: string, status = 200): Response {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title><body style="font-family:system-ui;margin:3rem"><h1>${escape(title)}</h1><p>${escape(text)}</p></body>`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8", connection: "close" },
    },
  );
}

/** Listen for one callback; undefined when none of the ports is free (the user then pastes the URL instead). */
export function listenForCallback(o: ListenOptions): LoopbackCallback | undefined {
  for (const port of o.ports) {
    if (port) byPort.get(port)?.stop();
    let result: CallbackCatch | undefined;
    let server: ReturnType<typeof Bun.serve>;
    try {
      server = Bun.serve({
        port,
        hostname: "127.0.0.1",
        fetch(request) {
          const url = new URL(request.url);
          if (url.pathname !== o.path) return new Response("Not found", { status: 404 });
          if (url.searchParams.get("state") !== o.state)
            return page("Sign-in failed", "State mismatch: this page does not belong to the login in progress. Start again.", 400);
          const error = url.searchParams.get("error");
          if (error) {
            const description = url.searchParams.get("error_description");
            result ??= { error: description ? `${error}: ${description}` : error };
            return page("Sign-in failed", result.error ?? error, 400);
          }
          const code = url.searchParams.get("code");
          if (!code) return page("Sign-in failed", "The callback carried no authorization code.", 400);
          result ??= { code };
          return page("Signed in", o.doneMessage);
        },
      });
    } catch {
      continue; // in use: try the next port
    }
    // A login left unfinished must not keep the process alive (graceful shutdown).
    server.unref();
    const bound = server.port ?? port;
    const id = crypto.randomUUID();
    const timer = setTimeout(() => listener.stop(), o.ttlMs);
    timer.unref?.();
    const listener: LoopbackCallback = {
      id,
      redirectUri: `http://${o.redirectHost}:${bound}${o.path}`,
      caught: () => result,
      stop() {
        clearTimeout(timer);
        if (byPort.get(bound) === listener) byPort.delete(bound);
        byId.delete(id);
        // Let an answer being sent finish.
        void server.stop(false);
      },
    };
    byPort.set(bound, listener);
    byId.set(id, listener);
    return listener;
  }
  return undefined;
}

/** The listener of a login in progress, by the id kept in its pending data. */
export function callbackById(id: unknown): LoopbackCallback | undefined {
  return typeof id === "string" ? byId.get(id) : undefined;
}
