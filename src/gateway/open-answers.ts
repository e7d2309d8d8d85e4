// The answers a gateway is still giving (an upstream call under way or a stream open): at shutdown, each is told
// to stop, so its client gets an error event in its own format and its row says why, instead of a cut connection.

/** The gateway is stopping and its drain time is over: answers still open are ended. */
export class GatewayShutdownError extends Error {
  override name = "GatewayShutdownError";
  constructor() {
    super("the gateway is shutting down");
  }
}

export class OpenAnswers {
  private readonly open = new Set<(reason: Error) => void>();

  /** Note an answer under way; the returned function forgets it once it is over. */
  add(giveUp: (reason: Error) => void): () => void {
    this.open.add(giveUp);
    return () => this.open.delete(giveUp);
  }

  get size(): number {
    return this.open.size;
  }

  /** Ask every open answer to stop (each ends with an error event and a row); how many there were. */
  stopAll(): number {
    const n = this.open.size;
    const reason = new GatewayShutdownError();
    for (const giveUp of [...this.open]) giveUp(reason);
    return n;
  }
}
